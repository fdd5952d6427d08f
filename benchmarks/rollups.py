"""The roll-up suite: `python -m benchmarks --suite rollups [--days 365] [--repeat 5]`.

Seeds a full year of Quang Ninh (54 units, the demo's reporting habits, ending 31 December of
the plan's year) and times, in the same run and alternately so machine load hits both alike:

- rollup_full_year: the target roll-up rebuilt for the year (`rollup_targets`) against
  benchmarks/plain_rollup.sql, the same aggregation as one plain SQL script; the ratio is the
  figure to watch (bar: <= 2x);
- rollup_after_one_submission: the roll-up after yesterday's report of one unit
  (`rollup_after_submission`: reporting outcome, running totals and province figures; bar:
  <= 50 ms), and the same for a report backfilled 30 days late.
"""

import datetime as dt
import os
import platform
import statistics
import time
from pathlib import Path

from django.db import connection

SCRIPT = Path(__file__).with_name("plain_rollup.sql")
YEAR_END = dt.date(2025, 12, 31)


def _median_ms(run, repeat: int) -> tuple[float, list[float]]:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), timings


def _plain_sql(params: dict):
    script = SCRIPT.read_text()

    def run():
        with connection.cursor() as cursor:
            cursor.execute(script, params)

    return run


def machine() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    memory = next(
        (line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
         if line.startswith("MemTotal")), "0",
    )
    import django

    return {
        "date": dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "cores": str(os.cpu_count()),
        "memory": f"{int(memory) / 1024 / 1024:.1f} GiB",
        "load (1 min) at start": f"{os.getloadavg()[0]:.1f}",
        "versions": f"Python {platform.python_version()}, Django {django.get_version()}, "
                    f"PostgreSQL {postgres}",
    }


def run_suite(days: int, repeat: int) -> list[tuple[str, str, str]]:
    """Seed, time, print; returns (scenario, measurement, figure) rows for RESULTS.md."""
    from benchmarks.seeding import fresh_database
    from communes.models import Commune
    from reports.demo import seed_history
    from reports.loaders import load_quangninh
    from reports.models import DailyReport, ReportValue
    from rollups.jobs import rollup_after_submission, rollup_range
    from rollups.models import CommuneTargetDay, TargetDay
    from rollups.target_values import rollup_targets
    from targets.models import Plan, Target

    info = machine()
    fresh_database()
    load_quangninh()
    seed_history(days=days, seed=1, end=YEAR_END)
    plan = Plan.objects.get(year=YEAR_END.year)
    start = max(dt.date(plan.year, 1, 1), YEAR_END - dt.timedelta(days=days - 1))
    counts = list(Target.objects.reported_by_communes().filter(plan=plan)
                  .values_list("pk", flat=True))
    seeded = (f"{Commune.objects.count()} units, {DailyReport.objects.count()} reports, "
              f"{ReportValue.objects.count()} values, {start}..{YEAR_END}")
    print(f"== rollups: {seeded}")

    params = {"province": plan.province_id, "year_start": dt.date(plan.year, 1, 1),
              "first": start, "last": YEAR_END, "counts": counts}
    plain = _plain_sql(params)
    rollup = lambda: rollup_targets(start, YEAR_END)  # noqa: E731
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would after a day of reports
    rollup_range(start, YEAR_END)  # everything once (compliance too), and a warm-up
    plain()
    cold_times, rollup_times, plain_times = [], [], []
    for _ in range(repeat):  # alternately, so load spikes hit all three alike
        _empty_rollup_tables()
        cold_times.append(_median_ms(rollup, 1)[0])
        rollup_times.append(_median_ms(rollup, 1)[0])
        plain_times.append(_median_ms(plain, 1)[0])
    rollup_ms, plain_ms = statistics.median(rollup_times), statistics.median(plain_times)
    cold_ms = statistics.median(cold_times)
    everything_ms, _ = _median_ms(lambda: rollup_range(start, YEAR_END), max(1, repeat // 2))
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM bench_unit_day")
        plain_rows = cursor.fetchone()[0]
        cursor.execute("DROP TABLE bench_unit_day; DROP TABLE bench_province_day")
    unit_rows = CommuneTargetDay.objects.filter(date__range=(start, YEAR_END)).count()
    target_rows = TargetDay.objects.filter(date__range=(start, YEAR_END)).count()

    unit = Commune.objects.order_by("code").first()
    yesterday = YEAR_END - dt.timedelta(days=1)
    after_one, one_times = _median_ms(
        lambda: rollup_after_submission(unit.pk, yesterday, today=YEAR_END), max(repeat, 15)
    )
    backfill = YEAR_END - dt.timedelta(days=30)
    after_backfill, _ = _median_ms(
        lambda: rollup_after_submission(unit.pk, backfill, today=YEAR_END), max(repeat, 15)
    )
    targets_only, _ = _median_ms(
        lambda: rollup_targets(yesterday, YEAR_END, commune_ids=[unit.pk]), max(repeat, 15)
    )

    ratio, cold_ratio = rollup_ms / plain_ms, cold_ms / plain_ms
    rows = [
        ("rollup_full_year", f"plain SQL script, benchmarks/plain_rollup.sql "
         f"({plain_rows:,} unit-count rows written)", f"{plain_ms:,.0f} ms"),
        ("rollup_full_year", f"target roll-up into empty tables, {start}..{YEAR_END} "
         f"({unit_rows:,} unit-target rows, {target_rows:,} target rows)",
         f"{cold_ms:,.0f} ms"),
        ("rollup_full_year", "**ratio, empty tables / plain SQL** (bar <= 2x)",
         f"**{cold_ratio:.2f}x**"),
        ("rollup_full_year", "target roll-up rebuilt over its own rows (the nightly case)",
         f"{rollup_ms:,.0f} ms"),
        ("rollup_full_year", "**ratio, rebuild / plain SQL** (bar <= 2x)", f"**{ratio:.2f}x**"),
        ("rollup_full_year", "every roll-up table (`manage.py rollup`, compliance too)",
         f"{everything_ms:,.0f} ms"),
        ("rollup_after_one_submission", "yesterday's report of one unit (bar <= 50 ms)",
         f"**{after_one:.1f} ms**"),
        ("rollup_after_one_submission", "of which target values (`rollup_targets`)",
         f"{targets_only:.1f} ms"),
        ("rollup_after_one_submission", "a report backfilled 30 days late",
         f"{after_backfill:.1f} ms"),
    ]
    print(f"rollup_full_year: plain SQL {plain_ms:,.0f} ms (runs {_fmt(plain_times)}); "
          f"roll-up into empty tables {cold_ms:,.0f} ms (runs {_fmt(cold_times)}), ratio "
          f"{cold_ratio:.2f}x; rebuild {rollup_ms:,.0f} ms (runs {_fmt(rollup_times)}), ratio "
          f"{ratio:.2f}x")
    print(f"rollup_full_year: every table {everything_ms:,.0f} ms")
    print(f"rollup_after_one_submission: median {after_one:.1f} ms (runs {_fmt(one_times)}); "
          f"target values only {targets_only:.1f} ms; backfilled 30 days {after_backfill:.1f} ms")
    info["load (1 min) at end"] = f"{os.getloadavg()[0]:.1f}"
    info["data"] = seeded
    return info, rows


def _empty_rollup_tables() -> None:
    from rollups.models import CommuneTargetDay, PlanDay, TargetDay

    tables = ", ".join(m._meta.db_table for m in (CommuneTargetDay, TargetDay, PlanDay))
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {tables}")


def _fmt(timings: list[float]) -> str:
    return ", ".join(f"{t:,.0f}" for t in timings)


def results_markdown(info: dict[str, str], rows: list[tuple[str, str, str]], repeat: int) -> str:
    lines = [f"## Roll-ups, {info['date']}", ""]
    lines += [f"- {key}: {value}" for key, value in info.items() if key != "date"]
    lines += [f"- repeat: {repeat} (medians)", "", "| scenario | measurement | median |",
              "|---|---|---|"]
    lines += [f"| {scenario} | {what} | {figure} |" for scenario, what, figure in rows]
    return "\n".join(lines) + "\n"
