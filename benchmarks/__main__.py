"""Benchmark harness (issue 10): seed one scale, measure what users feel, print one table.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dtm_bench \\
        python -m benchmarks --scale province|national --days 365 [--repeat 5] \\
        [--suite rollups|pages|browser|load] [--only units] [--results benchmarks/RESULTS.md]

One run: a fresh database seeded at the scale (benchmarks/seeding.py), then the suites in this
order: roll-ups (benchmarks/rollups.py), pages over real HTTP (benchmarks/pages.py), page
weight and LCP in Chromium (benchmarks/browser.py), submissions under load and freshness
(benchmarks/load.py; last, since it writes reports). Each returns `results.Result`s; the table
is printed and appended to `--results` under the machine's description. `--reuse` skips the
seeding and measures the data an earlier run left (to iterate on a fix).
"""

import argparse
import importlib
import os
import sys
import time

import django

SUITES = ("rollups", "pages", "browser", "load")


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=("province", "national"), default="province")
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--repeat", type=int, default=5, help="runs per figure (medians)")
    parser.add_argument("--suite", choices=SUITES, action="append",
                        help="run only this suite (repeatable); default: all, in order")
    parser.add_argument("--only", help="pages: time only pages whose name contains this")
    parser.add_argument("--results", help="append the table to this Markdown file")
    parser.add_argument("--reuse", action="store_true",
                        help="measure the data already seeded (no fresh database)")
    args = parser.parse_args()
    if args.days < 1 or args.repeat < 1:
        parser.error("--days and --repeat must be at least 1")
    return args


def _suite(name: str, *arguments):
    """A suite's results, or a one-line note when its module has no `measure` yet."""
    try:
        module = importlib.import_module(f"benchmarks.{name}")
    except ModuleNotFoundError as error:
        if error.name != f"benchmarks.{name}":
            raise
        module = None
    measure = getattr(module, "measure", None)
    if measure is None:
        print(f"-- {name}: benchmarks/{name}.py has no measure() yet, skipped", flush=True)
        return []
    print(f"-- {name}", flush=True)
    started = time.perf_counter()
    results = measure(*arguments)
    print(f"-- {name}: {time.perf_counter() - started:.0f} s", flush=True)
    return results


def main() -> int:
    args = _arguments()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dtmonitor.settings")
    from benchmarks.environment import SERVER_ENV

    # The same settings in this process (query counts) as in the gunicorn it starts.
    for key, value in SERVER_ENV.items():
        os.environ.setdefault(key, value)
    django.setup()
    from django.core.management import call_command
    from django.db.models import Max, Min

    from benchmarks import results as report
    from benchmarks.accounts import PASSWORD
    from benchmarks.pages import record_query_counts
    from benchmarks.seeding import fresh_database, seed
    from benchmarks.services import gunicorn
    from reports.models import DailyReport

    suites = args.suite or list(SUITES)
    info = report.machine()
    began = time.perf_counter()
    if args.reuse:
        span = DailyReport.objects.aggregate(start=Min("date"), end=Max("date"))
        if span["start"] is None:
            print("--reuse: the database holds no reports; run without --reuse first")
            return 1
        start, end = span["start"], span["end"]
        data = f"reused: {DailyReport.objects.count():,} reports, {start}..{end}"
    else:
        print(f"seeding {args.scale} scale, {args.days} days...", flush=True)
        fresh_database()
        seeded = seed(args.scale, args.days)
        start, end = seeded.start, seeded.end
        data = str(seeded)
    print(data, flush=True)
    ctx = report.Context(scale=args.scale, days=(end - start).days + 1, repeat=args.repeat,
                         start=start, end=end, password=PASSWORD)

    results: list[report.Result] = []
    if "rollups" in suites:
        results += _suite("rollups", ctx)
    served = [suite for suite in ("pages", "browser", "load") if suite in suites]
    if served:
        # Production static storage (hashed, compressed, .br with brotli), as `make serve`.
        call_command("collectstatic", interactive=False, verbosity=0)
        with gunicorn() as base_url:
            if "pages" in suites:
                page_results = _suite("pages", ctx, base_url, args.only)
                if not args.only:
                    record_query_counts(args.scale, page_results)
                results += page_results
            if "browser" in suites:
                results += _suite("browser", ctx, base_url)
            if "load" in suites:
                results += _suite("load", ctx, base_url)

    info.update({
        "scale": f"{args.scale} ({data})",
        "repeat": f"{args.repeat} (medians after one warm-up)",
        "load (1 min) at end": f"{os.getloadavg()[0]:.1f}",
        "whole run": f"{time.perf_counter() - began:.0f} s",
    })
    title = f"{args.scale.capitalize()} scale, {ctx.days} days ({', '.join(suites)})"
    table = report.markdown(title, info, results)
    print("\n" + table)
    missed = [result for result in results if result.meets_bar is False]
    print(f"{len(missed)} figure(s) miss their bar" if missed else "every figure meets its bar")
    if args.results:
        with open(args.results, "a", encoding="utf-8") as file:
            file.write("\n" + table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
