"""What the roll-up tasks do, as plain functions (tasks in rollups/tasks.py wrap them).

- after a submission: `process_rollup_request(commune_id, day)` (the after-commit nudge) and
  `drain_rollup_requests()` (the sweeper) turn the reports' outbox rows into figures;
- nightly: `nightly_rollup(today)` recomputes the recent days, marks missing reports and rebuilds
  from the first day whose inputs changed after its roll-up;
- `rollup_range(start, end)`: everything for a range (management command `rollup`).
"""

import datetime as dt
import logging
from dataclasses import dataclass

from django.db.models import F, Min, OuterRef, Q, Subquery
from django.utils import timezone

from reports import deadlines
from reports.models import DailyReport, ReportValue, RollupRequest
from targets.models import TargetMeasurement

from .compliance import ComplianceCounts, rollup_compliance
from .models import CommuneDay, TargetDay
from .target_values import RollupCounts, rollup_targets

logger = logging.getLogger(__name__)


@dataclass
class RangeResult:
    start: dt.date
    end: dt.date
    compliance: ComplianceCounts
    targets: RollupCounts


def rollup_range(start: dt.date, end: dt.date) -> RangeResult:
    """Rebuild every roll-up table for start..end."""
    return RangeResult(start, end, rollup_compliance(start, end), rollup_targets(start, end))


def rollup_after_submission(commune_id: int, day: dt.date, today: dt.date | None = None) -> None:
    """One unit's report for `day` changed: its reporting outcome and the province compliance
    of that day, then its target values and the province figures from `day` to today (a daily
    count changes every later running total, so a backfilled day moves the days after it)."""
    today = today or timezone.localdate()
    rollup_compliance(day, day, commune_ids=[commune_id])
    rollup_targets(day, max(day, today), commune_ids=[commune_id])


def process_rollup_request(commune_id: int, day: dt.date) -> None:
    """The nudge after a report committed: roll up that unit-day, then clear its outbox row,
    unless a newer change arrived meanwhile (that one waits for its own nudge or the sweeper)."""
    seen = (
        RollupRequest.objects.filter(commune_id=commune_id, date=day)
        .values_list("requested_at", flat=True).first()
    )
    rollup_after_submission(commune_id, day)
    if seen is not None:
        RollupRequest.objects.filter(
            commune_id=commune_id, date=day, requested_at__lte=seen
        ).delete()


def drain_rollup_requests(
    older_than: dt.timedelta = dt.timedelta(0), today: dt.date | None = None, limit: int = 5000
) -> int:
    """The sweeper: roll up every unit-day still in the outbox (its nudge was lost to a broker
    outage, a lost queue or a dead worker), oldest first, in one pass per range; returns how
    many requests it cleared. `older_than` leaves fresh rows to their own nudge."""
    today = today or timezone.localdate()
    pending = list(
        RollupRequest.objects.filter(requested_at__lte=timezone.now() - older_than)
        .order_by("requested_at")
        .values_list("pk", "commune_id", "date", "requested_at")[:limit]
    )
    if not pending:
        return 0
    commune_ids = sorted({commune_id for _, commune_id, _, _ in pending})
    start = min(day for _, _, day, _ in pending)
    rollup_compliance(start, max(start, today), commune_ids=commune_ids)
    rollup_targets(start, max(start, today), commune_ids=commune_ids)
    cleared = 0
    for pk, _, _, requested_at in pending:
        cleared += RollupRequest.objects.filter(pk=pk, requested_at__lte=requested_at).delete()[0]
    logger.info("sweeper rolled up %s waiting unit-days from %s", cleared, start)
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
