"""The API's two writes, each through the same rules as the pages.

A daily report goes through the form the focal points use (`reports.forms.DailyReportForm`:
the same number reader, unit checks, running-total warnings and messages) and then
`reports.services.submit_report` (cutoff and backfill window, version check, revisions,
roll-up outbox). Errors come back keyed like the payload: `values.<target code>`, `note`...
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from communes.models import Commune, User
from core.numbers import format_number, parse_number
from reports import deadlines, services
from reports.forms import DailyReportForm
from targets.models import Target, TargetMeasurement


class Invalid(Exception):
    def __init__(self, errors: dict):
        super().__init__("invalid")
        self.errors = errors


@dataclass
class ReportOutcome:
    result: services.SubmitResult
    warnings: dict = field(default_factory=dict)


def _form_targets(commune: Commune, day: dt.date) -> list[Target]:
    return list(Target.objects.reported_for(commune, day).order_by("code"))


def submit_daily_report(user, commune: Commune, day: dt.date, payload: dict) -> ReportOutcome:
    """Check `payload` as the daily form would and submit it. Raises Invalid (400),
    PermissionDenied/DayClosed (403), services.StaleReport (409)."""
    if not Commune.objects.reportable_by(user).filter(pk=commune.pk).exists():
        raise PermissionDenied(_("You do not report for this unit."))
    if not deadlines.is_day_open(commune, day):
        raise services.DayClosed(_("This day is closed for reports."))
    targets = _form_targets(commune, day)
    by_code = {target.code: target for target in targets}
    errors: dict = {}
    data = {
        "version": "" if payload["expected_version"] is None else payload["expected_version"],
        "note": payload["note"], "blockers": payload["blockers"],
        "accept_warnings": "on" if payload["accept_warnings"] else "",
    }
    value_errors: dict = {}
    for code, raw in payload["values"].items():
        target = by_code.get(code)
        if target is None:
            value_errors[code] = [_("Not a target this unit reports on this day.")]
            continue
        if isinstance(raw, str) or raw is None:
            data[DailyReportForm.field_name(target)] = raw or ""
            continue
        try:  # a JSON number: read as a number, then handed to the form in its own notation
            number = parse_number(raw if isinstance(raw, int | float) else str(raw))
        except ValidationError as error:
            value_errors[code] = error.messages
        else:
            data[DailyReportForm.field_name(target)] = format_number(number)
    form = DailyReportForm(data, targets=targets, last_values=services.last_values(commune, day))
    form.is_valid()
    for name, messages in form.errors.items():
        target = _target_of(name, targets)
        if target is not None:
            # A JSON value that is no number already has its message (the form saw nothing).
            value_errors.setdefault(target.code, messages)
        elif name == "__all__":
            errors["non_field_errors"] = messages
        else:
            errors["expected_version" if name == "version" else name] = messages
    if value_errors:
        errors["values"] = value_errors
    if errors:
        if form.warnings:
            errors["warnings"] = {
                _target_of(name, targets).code: str(message)
                for name, message in form.warnings.items()
            }
        raise Invalid(errors)
    try:
        result = services.submit_report(
            user, commune, day, form.values(), note=form.cleaned_data["note"],
            blockers=form.cleaned_data["blockers"],
            expected_version=payload["expected_version"],
        )
    except ValidationError as error:
        raise Invalid({"non_field_errors": error.messages}) from error
    warnings = {_target_of(name, targets).code: str(message)
                for name, message in form.warnings.items()}
    return ReportOutcome(result, warnings)


def _target_of(field_name: str, targets: list[Target]) -> Target | None:
    for target in targets:
        if DailyReportForm.field_name(target) == field_name:
            return target
    return None


def may_record_measurements(user, target: Target) -> bool:
    """Province administrators (and superusers) record their province's measurements;
    national accounts write nothing."""
    if user.is_superuser:
        return True
    return (
        user.scope == User.Scope.PROVINCE
        and user.province_id == target.plan.province_id
        and user.has_perm("targets.add_targetmeasurement")
        and user.has_perm("targets.change_targetmeasurement")
    )


def record_measurement(user, target: Target, day: dt.date, raw, note: str):
    """Create or replace the measurement of `target` on `day`: (measurement, created).
    The caller has checked that `target` is visible (404 otherwise)."""
    if not may_record_measurements(user, target):
        raise PermissionDenied(_("Only the province's administrators record measurements."))
    if target.source != Target.Source.PROVINCE:
        raise Invalid({"target": [_("Only targets tracked at province level take measurements; "
                                    "the others come from unit reports.")]})
    try:
        value = parse_number(raw if isinstance(raw, int | float | str) else str(raw))
        if value < 0:
            raise ValidationError(_("The value cannot be negative."))
        measurement = TargetMeasurement(target=target, date=day, value=Decimal(value), note=note)
        measurement.clean()
    except ValidationError as error:
        raise Invalid({"value": error.messages}) from error
    with transaction.atomic():
        stored, created = TargetMeasurement.objects.select_for_update().update_or_create(
            target=target, date=day,
            defaults={"value": value, "note": note, "entered_by": user},
        )
    return stored, created
