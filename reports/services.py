"""Multi-step writes on daily reports. Views call these; tests call them directly.

Every function here runs in one transaction, checks the user's right to act first, and records
a `ReportRevision` for each change, so the history is exactly what happened.
"""

import datetime as dt
import logging
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communes.models import Commune
from core.bulk import update_field
from targets.models import Target

from . import deadlines
from .models import (
    DailyReport,
    DayUnlock,
    ReportingSettings,
    ReportRevision,
    ReportValue,
    ValueChange,
)
from .rollup_queue import request_rollup

logger = logging.getLogger(__name__)

SUBMIT_ATTEMPTS = 3
DEADLOCK_DETECTED = "40P01"  # PostgreSQL's SQLSTATE


class DayClosed(PermissionDenied):
    """The day is outside the backfill window (and not unlocked), in the future, or before the
    unit existed."""


class StaleReport(Exception):
    """Someone saved the report after the form was opened; nothing was written."""

    def __init__(self, report: DailyReport | None):
        super().__init__("report changed since the form was opened")
        self.report = report


@dataclass
class SubmitResult:
    report: DailyReport
    revision: ReportRevision | None  # None when nothing changed (e.g. a double click)
    created: bool
    changes: list[ValueChange] = field(default_factory=list)
    # True when this answers a retry: the idempotency key was already stored with `revision`,
    # nothing was written now.
    replayed: bool = False


@dataclass(frozen=True)
class ReportDay:
    """What the form page and a submission both need about one unit's day for one user, read
    once per request (`report_day`): whether the user reports for the unit
    (`Commune.objects.reportable_by`), the province's rules and the daily counts the unit
    reports that day (`Target.objects.reported_for`), pillar first."""

    user: object
    commune: Commune
    day: dt.date
    may_report: bool
    rules: ReportingSettings
    targets: list[Target]
    # `last_values(commune, day)`, when `report_day` was asked for them (the form page).
    last: dict[int, Decimal] | None = None

    def is_open(self) -> bool:
        """The user reports for the unit and the day may still be submitted."""
        return self.may_report and deadlines.is_day_open(self.commune, self.day, rules=self.rules)


def units_for(user):
    """The units the user may see (`Commune.objects.visible_to`), each with `may_report`:
    whether the user reports for it (`Commune.objects.reportable_by`), in the same query."""
    reportable = Commune.objects.reportable_by(user).filter(pk=OuterRef("pk"))
    return Commune.objects.visible_to(user).annotate(may_report=Exists(reportable))


def report_day(user, commune: Commune, day: dt.date, *, with_last: bool = False) -> ReportDay:
    """The `ReportDay` of `commune` (with `may_report` from `units_for`, else one query more)
    for `user`: two or three queries. With `with_last`, its `last` too (`last_values` of the
    day, read by the targets' query: no query more)."""
    may_report = getattr(commune, "may_report", None)
    if may_report is None:
        may_report = Commune.objects.reportable_by(user).filter(pk=commune.pk).exists()
    targets = Target.objects.reported_for(commune, day).select_related("pillar").order_by(
        "pillar__order", "pillar__code", "code"
    )
    last = None
    if with_last:
        targets = list(targets.annotate(last_value=_last_value(commune, day)))
        last = {t.pk: t.last_value for t in targets if t.last_value is not None}
    return ReportDay(
        user, commune, day, may_report, deadlines.rules_for(commune.province_id), list(targets),
        last,
    )


def _last_value(commune: Commune, before: dt.date) -> Subquery:
    """The unit's most recent value of the outer target reported before `before` (one
    index-backed subquery per target, so it does not read the unit's whole history)."""
    return Subquery(
        ReportValue.objects.filter(
            report__commune=commune, report__date__lt=before, target=OuterRef("pk")
        )
        .order_by("-report__date")
        .values("value")[:1]
    )


def last_values(commune: Commune, before: dt.date) -> dict[int, Decimal]:
    """Target id → the unit's most recent value reported before `before` (one query)."""
    rows = Target.objects.reported_for(commune, before).annotate(last=_last_value(commune, before))
    return {pk: value for pk, value in rows.values_list("pk", "last") if value is not None}


def can_review(user) -> bool:
    """Provincial officials and administrators review (return) reports."""
    return user.is_authenticated and user.reviews_reports


def submit_report(
    user,
    commune: Commune,
    day: dt.date,
    values: dict[int, Decimal],
    note: str = "",
    blockers: str = "",
    expected_version: int | None = None,
    now: dt.datetime | None = None,
    idempotency_key: uuid.UUID | str | None = None,
    context: ReportDay | None = None,
) -> SubmitResult:
    """Create or update the report of `commune` for `day` with `values` (target id → value).

    `expected_version` is the report version the form was opened at (0 = no report yet). If the
    report has changed since, `StaleReport` is raised and nothing is written, unless the submitted
    content is identical to what is stored (a double click), which is a no-op. `None` skips
    that check: the later submission wins and both are recorded.

    `idempotency_key` (a UUID the device chose for this submission and sends again with every
    retry) is stored with the revision; when a revision of this report already holds it, that
    stored result is returned (`replayed=True`) and nothing is written, even if the report has
    changed or the day has closed since. A different key with identical content is the no-op
    above.
    `context` (the request's `report_day` for this user, unit and day) saves looking up again
    what the form page already read.
    Raises PermissionDenied (not a unit the user reports for), DayClosed, ValidationError.
    """
    if context is None:
        context = report_day(user, commune, day)
    elif (context.user, context.commune.pk, context.day) != (user, commune.pk, day):
        raise ValueError("the context is of another user, unit or day")
    if not context.may_report:
        raise PermissionDenied("not a unit this user reports for")
    if idempotency_key is not None:
        idempotency_key = _parse_key(idempotency_key)
    now = now or timezone.now()

    # Two first submissions race on the unique (commune, date) constraint; the loser retries
    # and then finds the winner's row, locked, and treats its submission as an update. A
    # deadlock PostgreSQL broke by cancelling us is retried the same way.
    for attempt in range(SUBMIT_ATTEMPTS):
        try:
            with transaction.atomic():
                result = _submit_locked(
                    user, context, values, note, blockers, expected_version, now,
                    idempotency_key,
                )
                if result.revision is not None:
                    request_rollup(commune.pk, day)
            break
        except IntegrityError:
            if attempt:
                raise
        except OperationalError as error:
            if not _is_deadlock(error) or attempt == SUBMIT_ATTEMPTS - 1:
                raise
            logger.warning("deadlock submitting unit %s on %s; retrying", commune.pk, day)
    return result


def _is_deadlock(error: OperationalError) -> bool:
    return getattr(error.__cause__, "pgcode", None) == DEADLOCK_DETECTED


def _parse_key(key: uuid.UUID | str) -> uuid.UUID:
    if isinstance(key, uuid.UUID):
        return key
    try:
        return uuid.UUID(str(key))
    except ValueError as error:
        raise ValidationError(_("This form is damaged or out of date: open the report again.")) \
            from error


def _replay(commune: Commune, day: dt.date, key: uuid.UUID) -> SubmitResult | None:
    """The stored result of the submission that carried `key`, if one was written."""
    revision = (
        ReportRevision.objects.filter(
            report__commune=commune, report__date=day, idempotency_key=key
        )
        .select_related("report__submitted_by", "changed_by")
        .first()
    )
    if revision is None:
        return None
    return SubmitResult(
        revision.report, revision, revision.kind == ReportRevision.Kind.SUBMITTED,
        list(revision.value_changes.all()), replayed=True,
    )


def _check(context: ReportDay, values: dict[int, Decimal], now: dt.datetime) -> dict:
    """The day is open and `values` has a valid value for each of its targets; the targets by
    id."""
    if not deadlines.is_day_open(
        context.commune, context.day, today=timezone.localdate(now), rules=context.rules
    ):
        raise DayClosed("day closed for submission")
    targets = {t.pk: t for t in context.targets}
    unknown = set(values) - set(targets)
    missing = set(targets) - set(values)
    if unknown or missing:
        raise ValidationError(_("Every reported target needs a value, and only those."))
    for pk, value in values.items():
        targets[pk].check_value(Decimal(value))
    return targets


def _submit_locked(user, context, values, note, blockers, expected_version, now, key=None):
    commune, day = context.commune, context.day
    # Lock the report row only: `.first()` on the default ordering joined the unit and locked
    # its row too, in the opposite order to the roll-up's foreign-key checks (deadlocks under
    # threaded workers).
    report = (
        DailyReport.objects.select_for_update(of=("self",))
        .filter(commune=commune, date=day).order_by("pk").first()
    )
    # A retry is answered before anything else (the day may have closed since the first try).
    # Asked after the lock, in a statement of its own: concurrent retries of one submission
    # wait for the first on the row lock, and only a new statement sees its revision (a
    # subquery of the locking one would read the snapshot taken before the wait).
    if key is not None and report is not None and ReportRevision.objects.filter(
        report_id=report.pk, idempotency_key=key
    ).exists():
        return _replay(commune, day, key)
    targets = _check(context, values, now)
    if report is None:
        if expected_version:
            # Opened on an existing report that has since been deleted by an administrator.
            raise StaleReport(None)
        report = DailyReport.objects.create(
            commune=commune, date=day, submitted_by=user, submitted_at=now, updated_at=now,
            is_late=deadlines.is_late(day, now, rules=context.rules), note=note,
            blockers=blockers, version=1,
        )
        ReportValue.objects.bulk_create(
            ReportValue.for_target(targets[pk], report=report, value=value)
            for pk, value in values.items()
        )
        revision = ReportRevision.objects.create(
            report=report, version=1, kind=ReportRevision.Kind.SUBMITTED, changed_by=user,
            changed_at=now, idempotency_key=key,
        )
        changes = ValueChange.objects.bulk_create(
            ValueChange(revision=revision, target_id=pk, new_value=value)
            for pk, value in sorted(values.items())
        )
        return SubmitResult(report, revision, True, changes)

    stored = {v.target_id: v for v in report.values.all()}
    value_diff = {
        pk: (stored[pk].value if pk in stored else None, value)
        for pk, value in values.items()
        if pk not in stored or stored[pk].value != value
    }
    text_diff = {
        name: [getattr(report, name), new]
        for name, new in (("note", note), ("blockers", blockers))
        if getattr(report, name) != new
    }
    returned = report.status == DailyReport.Status.RETURNED
    if not value_diff and not text_diff and not returned:
        return SubmitResult(report, None, False)
    if expected_version is not None and expected_version != report.version:
        raise StaleReport(report)

    # One UPDATE and one history INSERT for every changed value, not a query per value and
    # its target (under load the per-value round trips were most of a correction's time): what
    # simple_history's `bulk_update_with_history` writes, with a cheaper UPDATE.
    changed = [stored[pk] for pk in value_diff if pk in stored]
    for value in changed:
        value.value = value_diff[value.target_id][1]
    if changed:
        update_field(changed, "value")
        ReportValue.history.bulk_history_create(
            changed, update=True, default_user=user, default_change_reason=None
        )
    for pk, (_old, new) in value_diff.items():
        if pk not in stored:
            ReportValue.for_target(targets[pk], report=report, value=new).save()
    report.note, report.blockers = note, blockers
    report.version += 1
    report.updated_at = now
    report.status = DailyReport.Status.SUBMITTED
    report.review_comment = ""
    report.save()
    revision = ReportRevision.objects.create(
        report=report, version=report.version,
        kind=ReportRevision.Kind.RESUBMITTED if returned else ReportRevision.Kind.EDITED,
        changed_by=user, changed_at=now, text_changes=text_diff, idempotency_key=key,
    )
    changes = ValueChange.objects.bulk_create(
        ValueChange(revision=revision, target_id=pk, old_value=old, new_value=new)
        for pk, (old, new) in sorted(value_diff.items())
    )
    return SubmitResult(report, revision, False, changes)


RETURN_COMMENT_MAX = 2000


def clean_comment(comment: str) -> str:
    """A reviewer's comment: required, at most RETURN_COMMENT_MAX characters, no invisible
    control characters (tab and line breaks allowed)."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Say what needs to be corrected.")})
    if len(comment) > RETURN_COMMENT_MAX:
        raise ValidationError({"comment": _(
            "The comment is too long: keep it to %(max)s characters."
        ) % {"max": RETURN_COMMENT_MAX}})
    if any(ord(char) < 32 and char not in "\t\n\r" for char in comment):
        raise ValidationError({"comment": _(
            "The comment contains invisible control characters; remove them and send it again."
        )})
    return comment


def _reopen_for_correction(user, report: DailyReport, comment: str, today: dt.date) -> None:
    """A report returned after its day closed must still be correctable: the return reopens
    that day for the unit (an unlocked day, with the return's comment as its reason)."""
    commune = report.commune
    if deadlines.is_day_open(commune, report.date, today=today):
        return
    DayUnlock.objects.get_or_create(
        commune=commune, date=report.date,
        defaults={"unlocked_by": user, "reason": comment},
    )


def return_report(
    user, report: DailyReport, comment: str, now: dt.datetime | None = None
) -> ReportRevision:
    """An official or administrator sends a report back to its focal point with a comment."""
    if not DailyReport.objects.visible_to(user).filter(pk=report.pk).exists():
        raise PermissionDenied("report not visible")
    if not can_review(user):
        raise PermissionDenied("only officials and administrators review reports")
    comment = clean_comment(comment)
    now = now or timezone.now()
    with transaction.atomic():
        locked = DailyReport.objects.select_for_update().get(pk=report.pk)
        if locked.status == DailyReport.Status.RETURNED:
            raise ValidationError({"comment": _("This report has already been returned.")})
        locked.status = DailyReport.Status.RETURNED
        locked.review_comment = comment
        locked.version += 1
        locked.updated_at = now
        locked.save()
        revision = ReportRevision.objects.create(
            report=locked, version=locked.version, kind=ReportRevision.Kind.RETURNED,
            changed_by=user, changed_at=now, comment=comment,
        )
        _reopen_for_correction(user, locked, comment, timezone.localdate(now))
        request_rollup(locked.commune_id, locked.date)
    report.refresh_from_db()
    return revision
