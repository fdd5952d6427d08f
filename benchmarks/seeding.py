"""Realistic data at scale for the benchmarks, fast (never used by the app or its tests' data).

`seed(scale, days)`:
- province: Quang Ninh (`load_quangninh`: 54 units, its 2025 and 2026 plans and targets);
- national: the 34 provinces and 3,321 units of the official list (`load_units`), Quang Ninh's
  fixture on top, and every other province given a copy of each of Quang Ninh's plans the
  seeded days touch (`reports.demo.copy_demo_plan`: codes unique per plan, like an import);
then the benchmark accounts (`benchmarks.accounts`), and `days` of daily reports ending
yesterday: each unit has a habit (most report ~97% of working days, some ~80%, a few ~50%, so
~10-15% of owed unit-days are missing and the chronic units stand out), weekends are reported
rarely, a share of reports arrive after the deadline. Every report carries a value for each
daily count of its province's plan in force that day, with the rows the app writes on a first
submission (`reports.services.submit_report`): the report, its values, its history row
(django-simple-history), its revision and value changes.

Rows are streamed to PostgreSQL with COPY, with foreign-key triggers off for the copy (the
seeder makes the keys itself) and the big tables' indexes dropped and rebuilt after, which is
several times faster than maintaining them row by row. Then the roll-ups are built once over
the whole range (compliance and targets, as the nightly job would have; the target roll-up of
the seeded days timed on its own, `FULL_ROLLUP`) and the tables are vacuumed and analysed, as
autovacuum would have done on a live deployment.
"""

import dataclasses
import datetime as dt
import random
import time
from collections.abc import Iterable, Iterator

from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from benchmarks.accounts import create_accounts, focal_point_username
from communes.loaders import load_units
from communes.models import Commune, Province, User
from reports import deadlines
from reports.demo import copy_demo_plan
from reports.loaders import load_quangninh
from reports.models import (
    DailyReport,
    ReportingSettings,
    ReportRevision,
    ReportValue,
    ValueChange,
)
from rollups.compliance import rollup_compliance
from rollups.target_values import rollup_targets
from targets.models import Plan, Target

QUANG_NINH = "22"
SCALES = ("province", "national")

# (share of working days reported, share of those on time), and how many units have each.
HABITS = ((0.97, 0.92), (0.82, 0.7), (0.5, 0.45))
HABIT_WEIGHTS = (0.72, 0.2, 0.08)
WEEKEND_REPORTING = 0.25

# Tables written by COPY, whose secondary indexes are rebuilt after the copy.
REBUILT_TABLES = (
    DailyReport._meta.db_table, DailyReport.history.model._meta.db_table,
    ReportValue._meta.db_table, ReportRevision._meta.db_table, ValueChange._meta.db_table,
)


# The seeding's own full target roll-up into empty tables ({start, end, ms}), for the roll-up
# suite of the same run.
FULL_ROLLUP: dict = {}


@dataclasses.dataclass
class Seeded:
    scale: str
    provinces: int
    units: int
    reports: int
    values: int
    start: dt.date
    end: dt.date
    seconds: dict[str, float]

    def __str__(self) -> str:
        timings = ", ".join(f"{step} {seconds:.1f} s" for step, seconds in self.seconds.items())
        return (f"{self.scale}: {self.provinces} provinces, {self.units:,} units, "
                f"{self.reports:,} reports, {self.values:,} values, {self.start}..{self.end} "
                f"(seeded in {sum(self.seconds.values()):.0f} s: {timings})")


def fresh_database() -> None:
    """An empty, migrated database: the public schema dropped and migrated again (faster than
    flushing, and nothing of an earlier run survives)."""
    connection.close()
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    call_command("migrate", interactive=False, verbosity=0)


def seed(scale: str, days: int, *, end: dt.date | None = None, seed: int = 7,
         build_rollups: bool = True) -> Seeded:
    """Load the scale's provinces, plans and accounts, then `days` of reports ending `end`
    (default yesterday); build the roll-ups up to today and analyse. Expects a migrated
    database without reports (`fresh_database`)."""
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {SCALES}")
    end = end or timezone.localdate() - dt.timedelta(days=1)
    start = end - dt.timedelta(days=days - 1)
    seconds: dict[str, float] = {}

    clock = time.perf_counter()
    with transaction.atomic():
        if scale == "national":
            load_units(None)
        load_quangninh()
        provinces = Province.objects.all() if scale == "national" else Province.objects.filter(
            code=QUANG_NINH)
        _copy_plans(provinces, range(start.year, end.year + 1))
        create_accounts()
    seconds["units, plans, accounts"] = time.perf_counter() - clock

    clock = time.perf_counter()
    reports, values = _copy_reports(provinces, start, end, random.Random(seed))
    seconds["reports (COPY)"] = time.perf_counter() - clock

    if build_rollups:
        clock = time.perf_counter()
        _analyse()  # the roll-up's plans need the new tables' statistics
        with transaction.atomic(), connection.cursor() as cursor:
            # As for the COPY: at national scale the roll-up writes ~12 M rows whose deferred
            # foreign-key checks alone took over 10 minutes at COMMIT; the seeder's rows are
            # consistent by construction. (The roll-up suite times the real thing.)
            cursor.execute("SET LOCAL session_replication_role = replica")
            today = timezone.localdate()
            rollup_compliance(start, today)
            # The target roll-up of the seeded days into empty tables, timed on its own: at
            # national scale the roll-up suite takes this figure instead of truncating the
            # tables and doing it again (benchmarks/rollups.py).
            targets_clock = time.perf_counter()
            rollup_targets(start, end)
            FULL_ROLLUP.update(start=start, end=end,
                               ms=(time.perf_counter() - targets_clock) * 1000)
            if end < today:
                rollup_targets(end + dt.timedelta(days=1), today)
        seconds["roll-ups"] = time.perf_counter() - clock
    clock = time.perf_counter()
    _analyse(vacuum=True)
    seconds["vacuum, analyse"] = time.perf_counter() - clock
    units = Commune.objects.filter(province__in=provinces).count()
    return Seeded(scale, len(provinces), units, reports, values, start, end, seconds)


def _copy_plans(provinces: Iterable[Province], years: Iterable[int]) -> None:
    """Each province gets a copy of Quang Ninh's plan of each year (none is replaced)."""
    source = {plan.year: plan for plan in Plan.objects.filter(province__code=QUANG_NINH)}
    for province in provinces:
        for year in years:
            if province.code != QUANG_NINH and year in source:
                copy_demo_plan(source[year], province, year)


def _daily_counts() -> dict[tuple[int, int], list[Target]]:
    """{(province id, plan year): the plan's daily counts, by code}."""
    counts: dict[tuple[int, int], list[Target]] = {}
    for target in Target.objects.reported_by_communes().select_related("plan").order_by("code"):
        counts.setdefault((target.plan.province_id, target.plan.year), []).append(target)
    return counts


def _in_force(counts, province_id: int, day: dt.date) -> list[Target]:
    """As `Target.objects.reported_for`: the latest plan whose year has begun."""
    years = [year for province, year in counts if province == province_id and year <= day.year]
    return counts[(province_id, max(years))] if years else []


def _values(rng: random.Random, scale: float) -> list[int]:
    """One day's eight counts (CX-01..CX-08 order), plausibly related: online <= received..."""
    received = int(scale * (4 + 16 * rng.random()))
    online = int(received * (0.7 + 0.27 * rng.random()))
    return [
        received, online, int(online * (0.72 + 0.26 * rng.random())),
        int(received * (0.5 + 0.45 * rng.random())), int(scale * 15 * rng.random()),
        int(scale * 8 * rng.random()), int(scale * 25 * rng.random()),
        int(scale * 40 * rng.random()) if rng.random() < 0.25 else 0,
    ]


# One report as the COPY lines need it: (id, unit id, day, submitter id, submitted at (ISO),
# late ("t"/"f"), its plan's daily counts ((id, "t"/"f" percent), ...), their values). Tuples of
# small ints and shared target tuples: a million reports fit in a few hundred MB.
_Report = tuple[int, int, str, int, str, str, tuple[tuple[int, str], ...], tuple[int, ...]]


def _reports(provinces, start: dt.date, end: dt.date, rng: random.Random,
             first_id: int) -> list[_Report]:
    # The seeded provinces keep the national rules and holidays (no provincial override).
    rules = ReportingSettings.current()
    tz = timezone.get_current_timezone()
    now = timezone.now()
    days = list(deadlines.date_range(start, end))
    owed = set(deadlines.expected_days(start, end, rules=rules))
    due = {day: deadlines.deadline(day, rules=rules) for day in days}
    midnight = {day: dt.datetime.combine(day, dt.time(), tzinfo=tz) for day in days}
    counts = _daily_counts()
    in_force = {
        (province.pk, year): tuple(
            (target.pk, "t" if target.is_percent else "f")
            for target in _in_force(counts, province.pk, dt.date(year, 12, 31))
        )
        for province in provinces for year in range(start.year, end.year + 1)
    }
    submitters = dict(User.objects.filter(username__startswith="bench-focal-")
                      .values_list("username", "pk"))
    reports: list[_Report] = []
    next_id = first_id
    units = Commune.objects.filter(province__in=provinces, is_active=True).order_by("code")
    for unit in units.only("pk", "code", "province_id", "population", "active_from"):
        reports_share, on_time_share = rng.choices(HABITS, HABIT_WEIGHTS)[0]
        scale = (unit.population or rng.randint(8000, 40000)) / 20000
        submitter = submitters[focal_point_username(unit.code)]
        for day in days:
            if unit.active_from and day < unit.active_from:
                continue
            working = day in owed
            if rng.random() >= (reports_share if working else WEEKEND_REPORTING):
                continue
            # On time: 15:00 on D to ~16:50 on D+1; late: after the deadline, up to ~3 days.
            hours = (15 + 25.8 * rng.random() if rng.random() < on_time_share
                     else 41.2 + 48 * rng.random())
            submitted_at = midnight[day] + dt.timedelta(hours=hours)
            if submitted_at > now:  # a late report of the last days has not arrived yet
                continue
            targets = in_force[(unit.province_id, day.year)]
            reports.append((
                next_id, unit.pk, day.isoformat(), submitter, submitted_at.isoformat(),
                "t" if submitted_at > due[day] else "f", targets,
                _amounts(_values(rng, scale if working else 0.2), len(targets)),
            ))
            next_id += 1
    return reports


def _amounts(values: list[int], count: int) -> tuple[int, ...]:
    """`count` values (a plan has eight daily counts; another number reuses them in turn)."""
    return tuple(values[n % len(values)] for n in range(count))


class _Stream:
    """A file-like object COPY reads from, filled lazily from an iterator of text lines, so the
    rows are made while PostgreSQL parses the previous chunk."""

    def __init__(self, lines: Iterator[str]):
        self._lines = lines
        self._rest = ""

    def read(self, size: int = -1) -> str:
        parts, length = [self._rest], len(self._rest)
        for line in self._lines:
            parts.append(line)
            length += len(line)
            if 0 <= size <= length:
                break
        data = "".join(parts)
        if size < 0:
            self._rest = ""
            return data
        self._rest = data[size:]
        return data[:size]


def _copy(cursor, table: str, columns: str, lines: Iterator[str]) -> None:
    cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", _Stream(lines), size=1 << 20)


def _next_id(cursor, table: str, column: str = "id") -> int:
    cursor.execute(f"SELECT COALESCE(MAX({column}), 0) + 1 FROM {table}")
    return cursor.fetchone()[0]


def _reset_identity(cursor, table: str, column: str = "id") -> None:
    cursor.execute(f"SELECT setval(pg_get_serial_sequence(%s, %s), "
                   f"(SELECT COALESCE(MAX({column}), 1) FROM {table}))", [table, column])


def _copy_reports(provinces, start: dt.date, end: dt.date, rng: random.Random) -> tuple[int, int]:
    report_table = DailyReport._meta.db_table
    revision_table = ReportRevision._meta.db_table
    with connection.cursor() as cursor:
        first_report = _next_id(cursor, report_table)
        first_revision = _next_id(cursor, revision_table)
    reports = _reports(provinces, start, end, rng, first_report)
    offset = first_revision - first_report  # each report's revision id: report id + offset

    def report_lines():
        for pk, unit, day, submitter, at, late, _, _ in reports:
            yield f"{pk}\t{unit}\t{day}\t{submitter}\t{at}\t{at}\t{late}\tsubmitted\t\t\t1\t\n"

    def history_lines():
        for pk, unit, day, submitter, at, late, _, _ in reports:
            yield (f"{pk}\t{unit}\t{day}\t{submitter}\t{at}\t{at}\t{late}\tsubmitted\t\t\t1\t\t"
                   f"{at}\t+\t{submitter}\n")

    def value_lines():
        for pk, _, _, _, _, _, targets, amounts in reports:
            for (target, percent), value in zip(targets, amounts, strict=True):
                yield f"{pk}\t{target}\t{value}\t{percent}\n"

    def revision_lines():
        for pk, _, _, submitter, at, _, _, _ in reports:
            yield f"{pk + offset}\t{pk}\t1\tsubmitted\t{submitter}\t{at}\t\t{{}}\n"

    def change_lines():
        for pk, _, _, _, _, _, targets, amounts in reports:
            for (target, _), value in zip(targets, amounts, strict=True):
                yield f"{pk + offset}\t{target}\t\\N\t{value}\n"

    report_columns = ("id, commune_id, date, submitted_by_id, submitted_at, updated_at, is_late, "
                      "status, note, blockers, version, review_comment")
    with transaction.atomic(), connection.cursor() as cursor:
        # The seeder makes every key itself; the foreign-key triggers would queue one check per
        # row (millions) for the end of the transaction.
        cursor.execute("SET LOCAL session_replication_role = replica")
        dropped = _drop_indexes(cursor, REBUILT_TABLES)
        _copy(cursor, report_table, report_columns, report_lines())
        _copy(cursor, DailyReport.history.model._meta.db_table,
              report_columns + ", history_date, history_type, history_user_id", history_lines())
        _copy(cursor, ReportValue._meta.db_table, "report_id, target_id, value, is_percent",
              value_lines())
        _copy(cursor, revision_table,
              "id, report_id, version, kind, changed_by_id, changed_at, comment, text_changes",
              revision_lines())
        _copy(cursor, ValueChange._meta.db_table, "revision_id, target_id, old_value, new_value",
              change_lines())
        _rebuild_indexes(cursor, dropped)
        _reset_identity(cursor, report_table)
        _reset_identity(cursor, revision_table)
    return len(reports), sum(len(report[7]) for report in reports)


def _drop_indexes(cursor, tables: Iterable[str]) -> list[str]:
    """Drop the tables' indexes and unique constraints but their primary keys; returns the
    statements that recreate them."""
    cursor.execute(
        """
        SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
        FROM pg_constraint c WHERE c.contype = 'u' AND c.conrelid::regclass::text = ANY(%s)
        """, [list(tables)],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        """
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
        FROM pg_index i
        WHERE i.indrelid::regclass::text = ANY(%s) AND NOT i.indisprimary
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
        """, [list(tables)],
    )
    indexes = cursor.fetchall()
    recreate = []
    for table, name, definition in constraints:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        recreate.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    for name, definition in indexes:
        cursor.execute(f"DROP INDEX {name}")
        recreate.append(definition)
    return recreate


def _rebuild_indexes(cursor, statements: list[str]) -> None:
    cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
    for statement in statements:
        cursor.execute(statement)


def _analyse(vacuum: bool = False) -> None:
    """Statistics (and the visibility map, with `vacuum`) for every table, as autovacuum keeps
    them on a live deployment."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)" if vacuum else "ANALYZE")
