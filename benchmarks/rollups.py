"""The roll-up suite: `measure(ctx)` on the data the harness seeded (any scale, every province's
plans), or standalone, `python -m benchmarks --suite rollups [--days 365] [--repeat 5]`, which
seeds a full year of Quang Ninh itself (54 units, the demo's reporting habits, 2025).

Times, in the same run and alternately so machine load hits both alike:

- roll-up: full year: the target roll-up of ctx.start..ctx.end (`rollup_targets`, every plan of
  every province) into empty tables (at national scale: as this run's seeding timed it) and
  rebuilt over its own rows, against
  benchmarks/plain_rollup.sql, the same aggregation as one plain SQL script; the ratios are the
  figures to watch (bar: <= 2x both);
- roll-up: one submission: the roll-up after yesterday's report of one unit of the largest
  province (`rollup_after_submission`: reporting outcome, running totals and province figures;
  bar: <= 50 ms), what the reporting part of it costs, and the same for a report backfilled
  30 days late.

It leaves the roll-up tables rebuilt for ctx.start..ctx.end, as it found them.
"""

import datetime as dt
import os
import statistics
import time
from pathlib import Path

from django.db import connection

from benchmarks.results import Context, Result

SCRIPT = Path(__file__).with_name("plain_rollup.sql")
YEAR_END = dt.date(2025, 12, 31)
FULL_YEAR = "roll-up: full year"
ONE_SUBMISSION = "roll-up: one submission"


def _median_ms(run, repeat: int) -> tuple[float, list[float]]:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), timings


def _cpu_ms(run, repeat: int) -> float | None:
    """Mean CPU time of `run`, this process's plus its PostgreSQL backend's (read from /proc when
    the database runs on this machine, else None): what a run costs on an idle machine, however
    many other processes share the cores while it is measured. The kernel counts in ticks
    (10 ms), so the mean is over `repeat` runs."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        stat = Path(f"/proc/{cursor.fetchone()[0]}/stat")

    def backend() -> float:
        fields = stat.read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    try:
        backend_start = backend()
    except OSError:  # another machine's backend
        return None
    started = time.process_time()
    for _ in range(repeat):
        run()
    spent = time.process_time() - started + backend() - backend_start
    return spent * 1000 / repeat


def _plain_sql(params: dict):
    script = SCRIPT.read_text()

    def run():
        with connection.cursor() as cursor:
            cursor.execute(script, params)

    return run


def measure(ctx: Context) -> list[Result]:
    """The roll-up figures of the seeded data (see the module's docstring)."""
    from django.db.models import Count

    from benchmarks.seeding import FULL_ROLLUP
    from communes.models import Commune, Province
    from rollups.compliance import rollup_compliance
    from rollups.jobs import rollup_after_submission
    from rollups.models import CommuneTargetDay, TargetDay
    from rollups.target_values import rollup_targets

    start, end = ctx.start, ctx.end
    plain = _plain_sql({"first": start, "last": end})
    rollup = lambda: rollup_targets(start, end)  # noqa: E731
    # A full year at national scale takes minutes: once each there, and into empty tables it
    # is the figure the seeding of this run took (benchmarks/seeding.py: the same call on the
    # same tables, emptied by the fresh database), not a third roll-up of the country's year.
    runs = ctx.repeat if ctx.scale == "province" else 1
    seeded = FULL_ROLLUP if ctx.scale == "national" and (
        FULL_ROLLUP.get("start"), FULL_ROLLUP.get("end")) == (start, end) else None
    cold_times, rollup_times, plain_times = [], [], []
    for _ in range(runs):  # alternately, so load spikes hit all three alike
        if seeded:
            cold_times.append(seeded["ms"])
        else:
            _empty_rollup_tables()
            cold_times.append(_median_ms(rollup, 1)[0])
        rollup_times.append(_median_ms(rollup, 1)[0])
        plain_times.append(_median_ms(plain, 1)[0])
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM bench_unit_day")
        plain_rows = cursor.fetchone()[0]
        cursor.execute("DROP TABLE bench_unit_day; DROP TABLE bench_province_day")
        # As autovacuum would after the rebuild.
        cursor.execute(f"ANALYZE {CommuneTargetDay._meta.db_table}, {TargetDay._meta.db_table}")
    unit_rows = CommuneTargetDay.objects.filter(date__range=(start, end)).count()
    target_rows = TargetDay.objects.filter(date__range=(start, end)).count()
    rollup_ms, plain_ms = statistics.median(rollup_times), statistics.median(plain_times)
    cold_ms = statistics.median(cold_times)

    # One unit of the largest province: its province figure sums the most units.
    largest = (Province.objects.annotate(units=Count("communes")).order_by("-units", "code")
               .first())
    unit = Commune.objects.filter(province=largest).active_on(end).order_by("code").first()
    today = end + dt.timedelta(days=1)
    submissions = max(ctx.repeat, 15)
    after_one, one_times = _median_ms(
        lambda: rollup_after_submission(unit.pk, end, today=today), submissions
    )
    compliance_only, _ = _median_ms(
        lambda: rollup_compliance(end, end, commune_ids=[unit.pk]), submissions
    )
    targets_only, _ = _median_ms(
        lambda: rollup_targets(end, today, commune_ids=[unit.pk]), submissions
    )
    cpu = _cpu_ms(lambda: rollup_after_submission(unit.pk, end, today=today), 3 * submissions)
    backfill = today - dt.timedelta(days=30)
    after_backfill, _ = _median_ms(
        lambda: rollup_after_submission(unit.pk, backfill, today=today), submissions
    )
    print(f"{FULL_YEAR}: plain SQL {plain_ms:,.0f} ms (runs {_fmt(plain_times)}); into empty "
          f"tables {cold_ms:,.0f} ms (runs {_fmt(cold_times)}); rebuilt {rollup_ms:,.0f} ms "
          f"(runs {_fmt(rollup_times)})", flush=True)
    print(f"{ONE_SUBMISSION}: median {after_one:.1f} ms (runs {_fmt(one_times)})", flush=True)
    return [
        Result(FULL_YEAR, f"plain SQL script, benchmarks/plain_rollup.sql ({plain_rows:,} "
               f"unit-count rows, every province's plans), median of {runs}", plain_ms, "ms"),
        Result(FULL_YEAR, f"target roll-up into empty tables, {start}..{end} ({unit_rows:,} "
               f"unit-target rows, {target_rows:,} target rows), "
               + ("timed by this run's seeding" if seeded else f"median of {runs}"),
               cold_ms, "ms"),
        Result(FULL_YEAR, "ratio, empty tables / plain SQL, same run", cold_ms / plain_ms, "x",
               bar=2),
        Result(FULL_YEAR, f"target roll-up rebuilt over its own rows (the nightly case), "
               f"median of {runs}", rollup_ms, "ms"),
        Result(FULL_YEAR, "ratio, rebuilt / plain SQL, same run", rollup_ms / plain_ms, "x",
               bar=2),
        Result(ONE_SUBMISSION, f"yesterday's report of one unit of {largest.name} "
               f"({largest.units} units), median of {submissions}", after_one, "ms", bar=50),
        *([Result(ONE_SUBMISSION, "the same, CPU time (this process and its PostgreSQL backend, "
                  f"mean of {3 * submissions}): about its time on an idle machine", cpu,
                  "ms")] if cpu is not None else []),
        Result(ONE_SUBMISSION, "of which its reporting outcome and the province's compliance "
               "of the day (`rollup_compliance`)", compliance_only, "ms"),
        Result(ONE_SUBMISSION, "of which target values (`rollup_targets`)", targets_only, "ms"),
        Result(ONE_SUBMISSION, "a report backfilled 30 days late, median", after_backfill, "ms"),
    ]


def run_suite(days: int, repeat: int) -> tuple[dict[str, str], list[Result]]:
    """Standalone: seed a year of Quang Ninh (2025) in a fresh database, then `measure`."""
    from benchmarks.results import machine
    from benchmarks.seeding import fresh_database
    from communes.models import Commune
    from reports.demo import seed_history
    from reports.loaders import load_quangninh
    from reports.models import DailyReport, ReportValue
    from rollups.jobs import rollup_range

    info = machine()
    fresh_database()
    load_quangninh()
    seed_history(days=days, seed=1, end=YEAR_END)
    start = max(dt.date(YEAR_END.year, 1, 1), YEAR_END - dt.timedelta(days=days - 1))
    seeded = (f"{Commune.objects.count()} units, {DailyReport.objects.count()} reports, "
              f"{ReportValue.objects.count()} values, {start}..{YEAR_END}")
    print(f"== rollups: {seeded}", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would after a day of reports
    rollup_range(start, YEAR_END)  # everything once (compliance too), and a warm-up
    ctx = Context(scale="province", days=(YEAR_END - start).days + 1, repeat=repeat,
                  start=start, end=YEAR_END, password="")
    results = measure(ctx)
    info["load (1 min) at end"] = f"{os.getloadavg()[0]:.1f}"
    info["data"] = seeded
    return info, results


def _empty_rollup_tables() -> None:
    from rollups.models import CommuneTargetDay, PlanDay, TargetDay

    tables = ", ".join(m._meta.db_table for m in (CommuneTargetDay, TargetDay, PlanDay))
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {tables}")


def _fmt(timings: list[float]) -> str:
    return ", ".join(f"{t:,.0f}" for t in timings)


def results_markdown(info: dict[str, str], results: list[Result], repeat: int) -> str:
    from benchmarks.results import markdown

    return markdown("Roll-ups", {**info, "repeat": f"{repeat} (medians)"}, results)
