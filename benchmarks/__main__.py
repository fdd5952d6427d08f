"""Benchmark harness: seed data at two scales, time scenarios, report medians and ratios.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dtm_bench python -m benchmarks [--repeat 5]
    ... python -m benchmarks --suite rollups --days 365 --results benchmarks/RESULTS.md

Scales: Quang Ninh (54 units) and the whole country (3,321 units in 34 provinces), each with
`--days` days of synthetic daily reports. The ratio column says how a scenario grows with the
data; a page that reads roll-ups should stay near 1.
"""

import argparse
import datetime as dt
import os
import statistics
import sys
import time

import django


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--only", help="run scenarios whose name contains this")
    parser.add_argument("--suite", choices=("pages", "rollups"), default="pages",
                        help="rollups: full-year roll-up against plain SQL (benchmarks/rollups.py)")
    parser.add_argument("--results", help="rollups: append the table to this Markdown file")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dtmonitor.settings")
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    from benchmarks import scenarios
    from benchmarks.seeding import fresh_database, seed_scale
    from rollups.jobs import rollup_range

    setup_test_environment()
    if args.suite == "rollups":
        from benchmarks.rollups import results_markdown, run_suite

        info, rows = run_suite(days=args.days, repeat=args.repeat)
        table = results_markdown(info, rows, args.repeat)
        print("\n" + table)
        if args.results:
            with open(args.results, "a") as results:
                results.write("\n" + table)
        return 0
    # Production storage (hashed, compressed static files) as a deployment would serve it.
    call_command("collectstatic", interactive=False, verbosity=0)
    settings.ALLOWED_HOSTS = ["*"]
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"database: {engine}; repeat: {args.repeat}; days: {args.days}")

    results: dict[str, dict[str, float]] = {}
    for scale in ("province", "country"):
        fresh_database()
        seeded = seed_scale(scale, days=args.days)
        # Pages read roll-ups: build them once, as the nightly job would.
        rollup_range(timezone.localdate() - dt.timedelta(days=max(args.days, 90)),
                     timezone.localdate())
        print(f"\n== {scale}: {seeded}")
        for name, scenario in scenarios.SCENARIOS.items():
            if args.only and args.only not in name:
                continue
            run = scenario()
            run()  # warm-up
            timings = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                run()
                timings.append(time.perf_counter() - started)
            median = statistics.median(timings)
            results.setdefault(name, {})[scale] = median
            print(f"{name:<40} median {median * 1000:9.1f} ms")

    print("\nscenario                                  province     country   ratio")
    for name, by_scale in results.items():
        province, country = by_scale.get("province"), by_scale.get("country")
        ratio = f"{country / province:7.2f}" if province and country else "      -"
        print(f"{name:<40} {province * 1000:9.1f}ms {country * 1000:9.1f}ms {ratio}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
