"""What the roll-up tasks do, as plain functions (tasks in rollups/tasks.py wrap them).

- after a submission: `process_rollup_request(commune_id, day)` (the after-commit nudge) and
  `drain_rollup_requests()` (the sweeper) turn the reports' outbox rows into figures;
- nightly: `nightly_rollup(today)` recomputes the recent days, marks missing reports and rebuilds
  from the first day whose inputs changed after its roll-up;
- `rollup_range(start, end)`: everything for a range (management command `rollup`).
"""

import datetime as dt
import logging
from collections.abc import Collection
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import F, Min, OuterRef, Q, Subquery
from django.utils import timezone

from communes.models import Commune
from reports import deadlines
from reports.models import DailyReport, ReportValue, RollupRequest
from targets.models import TargetMeasurement

from .compliance import ComplianceCounts, rollup_compliance
from .models import CommuneDay, TargetDay
from .target_values import RollupCounts, rollup_targets

logger = logging.getLogger(__name__)

# pg_advisory_xact_lock(PROVINCE_LOCK, province): one outbox pass per province at a time
# (rollups.target_values_pg takes (10, plan) inside it).
PROVINCE_LOCK = 11


@dataclass
class RangeResult:
    start: dt.date
    end: dt.date
    compliance: ComplianceCounts
    targets: RollupCounts


def rollup_range(start: dt.date, end: dt.date) -> RangeResult:
    """Rebuild every roll-up table for start..end."""
    return RangeResult(start, end, rollup_compliance(start, end), rollup_targets(start, end))


def rollup_after_submission(
    commune_ids: int | Collection[int], day: dt.date, today: dt.date | None = None,
    last_day: dt.date | None = None,
) -> None:
    """The reports of one or more units changed on `day` (or on days of `day`..`last_day`):
    their reporting outcomes and the province compliance of those days, then their target
    values and the province figures from `day` to today (a daily count changes every later
    running total, so a backfilled day moves the days after it). Several units of a province
    cost about as much as one: the province figures are recomputed once."""
    today = today or timezone.localdate()
    commune_ids = [commune_ids] if isinstance(commune_ids, int) else sorted(commune_ids)
    rollup_compliance(day, max(day, last_day or day), commune_ids=commune_ids)
    rollup_targets(day, max(day, today), commune_ids=commune_ids)


def process_rollup_request(
    commune_id: int, day: dt.date, requested_at: dt.datetime | None = None
) -> None:
    """The nudge after a report committed (`requested_at`: the time it wrote in the outbox).

    Coalesced: one pass rolls up every unit-day of the province waiting in the outbox, so the
    submissions that arrive while a roll-up runs cost one more pass, not one each. A nudge
    whose request is gone was taken by such a pass (a request is cleared only by a pass that
    read it as this change or a later one left it): a no-op, one query. Without
    `requested_at` (a direct call) the unit-day is rolled up whatever the outbox holds."""
    province_id = (
        RollupRequest.objects.filter(commune_id=commune_id, date=day)
        .values_list("commune__province_id", flat=True).first()
    )
    if province_id is None and requested_at is None:
        province_id = (
            Commune.objects.filter(pk=commune_id).values_list("province_id", flat=True).first()
        )
        if province_id is not None:
            _drain_province(province_id, unit_day=(commune_id, day), forced=True)
    elif province_id is not None:
        _drain_province(province_id, unit_day=(commune_id, day))


def _drain_province(
    province_id: int, older_than: dt.timedelta | None = None, today: dt.date | None = None,
    unit_day: tuple[int, dt.date] | None = None, forced: bool = False,
) -> int:
    """Roll up the province's waiting unit-days in one pass and clear them; returns how many.

    One pass per province at a time (a transaction-level advisory lock): a second nudge waits
    for the running pass, then finds its request cleared, or takes every request that arrived
    meanwhile. A request updated during the pass (a newer change) is not cleared: its own
    nudge or the sweeper rolls it up again. With `unit_day`, nothing is done unless that
    unit-day is still waiting, or it is rolled up with the others if `forced`."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)",
                               [PROVINCE_LOCK, province_id])
        waiting = RollupRequest.objects.filter(commune__province_id=province_id)
        if older_than is not None:
            waiting = waiting.filter(requested_at__lte=timezone.now() - older_than)
        pending = list(waiting.values_list("pk", "commune_id", "date", "requested_at"))
        unit_days = {(commune_id, day) for _, commune_id, day, _ in pending}
        if unit_day is not None and unit_day not in unit_days:
            if not forced:
                return 0
            unit_days.add(unit_day)
        if not unit_days:
            return 0
        days = [day for _, day in unit_days]
        rollup_after_submission({c for c, _ in unit_days}, min(days), today, max(days))
        return _clear(pending)


def _clear(pending: list[tuple]) -> int:
    """Delete the requests rolled up, unless a newer change updated them meanwhile (one
    statement)."""
    if not pending:
        return 0
    table = RollupRequest._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"DELETE FROM {table} AS r USING unnest(%s::bigint[], %s::timestamptz[]) "
                "AS seen(id, requested_at) "
                "WHERE r.id = seen.id AND r.requested_at <= seen.requested_at",
                [[row[0] for row in pending], [row[3] for row in pending]],
            )
            return cursor.rowcount
    return sum(
        RollupRequest.objects.filter(pk=pk, requested_at__lte=requested_at).delete()[0]
        for pk, _, _, requested_at in pending
    )


def drain_rollup_requests(
    older_than: dt.timedelta = dt.timedelta(0), today: dt.date | None = None
) -> int:
    """The sweeper: roll up every unit-day still in the outbox (its nudge was lost to a broker
    outage, a lost queue or a dead worker), one pass per province; returns how many requests
    it cleared. `older_than` leaves fresh rows to their own nudge."""
    provinces = sorted(set(
        RollupRequest.objects.filter(requested_at__lte=timezone.now() - older_than)
        .values_list("commune__province_id", flat=True)
    ))
    cleared = sum(_drain_province(province_id, older_than, today) for province_id in provinces)
    if cleared:
        logger.info("sweeper rolled up %s waiting unit-days in %s province(s)", cleared,
                    len(provinces))
    return cleared


def first_stale_day(today: dt.date) -> dt.date | None:
    """The first day whose inputs changed after its roll-up rows were written: a report
    submitted or edited after its CommuneDay row or its day's TargetDay rows, a report deleted
    or a value changed after it, or an administrator's measurement entered, edited or deleted
    after its TargetDay row."""
    commune_day = CommuneDay.objects.filter(
        commune=OuterRef("commune"), date=OuterRef("date")
    ).values("updated_at")[:1]
    targets_rolled = (
        TargetDay.objects.filter(date=OuterRef("date"))
        .order_by()
        .values("date")
        .annotate(oldest=Min("updated_at"))
        .values("oldest")[:1]
    )
    reports = (
        DailyReport.objects.filter(date__lte=today)
        .annotate(rolled=Subquery(commune_day), targets_rolled=Subquery(targets_rolled))
        .filter(
            Q(rolled__isnull=True) | Q(rolled__lt=F("submitted_at")) | Q(rolled__lt=F("updated_at"))
            | Q(targets_rolled__isnull=True) | Q(targets_rolled__lt=F("submitted_at"))
            | Q(targets_rolled__lt=F("updated_at"))
        )
        .aggregate(first=Min("date"))["first"]
    )
    # The first roll-up row on or after the measurement's date (a measurement dated before
    # its plan's year first shows on 1 January).
    target_day = (
        TargetDay.objects.filter(target=OuterRef("target_id"), date__gte=OuterRef("date"))
        .order_by("date")
        .values("updated_at")[:1]
    )
    # The history table also remembers deleted measurements.
    measurements = (
        TargetMeasurement.history.filter(date__lte=today)
        .annotate(rolled=Subquery(target_day))
        .filter(Q(rolled__isnull=True) | Q(rolled__lt=F("history_date")))
        .aggregate(first=Min("date"))["first"]
    )
    candidates = [day for day in (reports, measurements, _first_in_history()) if day is not None]
    return min(candidates) if candidates else None


def _first_in_history() -> dt.date | None:
    """Changes the report's own fields do not show: a report deleted, or a value changed
    without touching the report (e.g. in the admin inline), after the day's roll-up."""
    oldest_rollup = CommuneDay.objects.aggregate(oldest=Min("updated_at"))["oldest"]
    if oldest_rollup is None:
        return None

    def rolled(commune: str, date: str):
        return CommuneDay.objects.filter(
            commune=OuterRef(commune), date=OuterRef(date)
        ).values("updated_at")[:1]

    stale = Q(rolled__isnull=True) | Q(rolled__lt=F("history_date"))
    deleted = (
        DailyReport.history.filter(history_type="-", history_date__gt=oldest_rollup)
        .annotate(rolled=Subquery(rolled("commune_id", "date")))
        .filter(stale)
        .aggregate(first=Min("date"))["first"]
    )
    values = (
        ReportValue.history.filter(history_date__gt=oldest_rollup)
        .annotate(rolled=Subquery(rolled("report__commune_id", "report__date")))
        .filter(stale)
        .aggregate(first=Min("report__date"))["first"]
    )
    candidates = [day for day in (deleted, values) if day is not None]
    return min(candidates) if candidates else None


def nightly_rollup(today: dt.date | None = None) -> RangeResult:
    """Recompute yesterday and today for everything (reaching back far enough that days whose
    deadline passed since the last run turn from pending to missing), and rebuild from the first
    day whose inputs changed since its roll-up."""
    today = today or timezone.localdate()
    # The province whose deadline falls latest sets how far back days may still turn missing.
    start = today - dt.timedelta(days=deadlines.longest_cutoff_days() + 1)
    stale = first_stale_day(today)
    if stale is not None and stale < start:
        logger.info("roll-up: inputs changed since %s, rebuilding from there", stale)
        start = stale
    return rollup_range(start, today)
