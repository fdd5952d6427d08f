"""A target's detail page: its province series, its values by unit, its status history."""

from itertools import groupby

from django.db.models import Max
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from core.numbers import format_number
from core.tabular import Chart
from rollups.models import CommuneTargetDay, TargetDay
from rollups.progress import status_label
from targets.models import Target

from . import charts
from .overview import localised


def _float(value):
    return float(value) if value is not None else None


def status_history(days: list[TargetDay]) -> list[dict]:
    """Runs of consecutive days in the same status, newest first: {status, start, end}."""
    runs = []
    for status, group in groupby(days, key=lambda day: day.status):
        group = list(group)
        runs.append({
            "status": status, "label": status_label(status),
            "start": group[0].date, "end": group[-1].date,
        })
    return runs[::-1]


def _amount(target: Target, value) -> str:
    return format_number(value) + ("%" if target.is_percent else "")


def manual_status_since(target: Target):
    """When an administrator set the target's current manual status (its history), or None."""
    since = None
    for record in target.history.order_by("-history_date").only("manual_status", "history_date"):
        if record.manual_status != target.manual_status:
            break
        since = record.history_date
    return since


def status_reason(target: Target, latest: TargetDay | None) -> str | None:
    """Why the target stands where it does, in one sentence."""
    if target.manual_status:
        since = manual_status_since(target)
        if since is None:
            return _("Set by an administrator.")
        day = formats.date_format(timezone.localtime(since).date(), "SHORT_DATE_FORMAT")
        return _("Set by an administrator on %(day)s.") % {"day": day}
    if latest is None or target.target_value is None:
        return None
    if (latest.projected_value is not None and target.deadline
            and latest.status != "completed"):
        return _(
            "At the current pace it reaches %(projected)s by the deadline (%(deadline)s), "
            "against a target of %(target)s."
        ) % {
            "projected": _amount(target, latest.projected_value),
            "deadline": formats.date_format(target.deadline, "SHORT_DATE_FORMAT"),
            "target": _amount(target, target.target_value),
        }
    if latest.value is not None:
        return _("%(value)s now, against a target of %(target)s.") % {
            "value": _amount(target, latest.value), "target": _amount(target, target.target_value),
        }
    return None


def target_detail(target: Target, language: str) -> dict:
    days = list(TargetDay.objects.filter(target=target).order_by("date"))
    unit_label = "%" if target.is_percent else _("count")
    latest = days[-1] if days else None
    projection = None
    if latest and latest.projected_value is not None and target.deadline:
        projection = (target.deadline, float(latest.projected_value))
    progress = Chart(
        "progress",
        charts.target_progress(
            [(day.date, _float(day.value)) for day in days],
            target_value=_float(target.target_value), deadline=target.deadline,
            projection=projection, unit_label=unit_label,
        ),
        [_("Date"), f"{_('Value')} ({unit_label})", _("Share of target reached (%)"),
         f"{_('Projected value')} ({unit_label})", _("Status")],
        [[day.date, _float(day.value), _float(day.completion_percent),
          _float(day.projected_value), status_label(day.status)] for day in days],
    )
    last_day = CommuneTargetDay.objects.filter(target=target).aggregate(day=Max("date"))["day"]
    unit_values = list(
        CommuneTargetDay.objects.filter(target=target, date=last_day)
        .select_related("commune").order_by("-value", "commune__name")
    ) if last_day else []
    by_unit = Chart(
        "units",
        charts.values_by_unit(
            [{"name": row.commune.name, "code": row.commune.code, "value": _float(row.value)}
             for row in unit_values],
            unit_label,
        ),
        [_("Unit"), _("Unit code"), f"{_('Value')} ({unit_label})",
         _("Share of target reached (%)")],
        [[row.commune.name, row.commune.code, _float(row.value),
          round(float(row.completion) * 100, 1) if row.completion is not None else None]
         for row in unit_values],
    )
    return {
        "target": target,
        "name": localised(target, "name", language),
        "pillar": localised(target.pillar, "name", language),
        "latest": latest,
        "latest_label": status_label(latest.status) if latest else None,
        "reason": status_reason(target, latest),
        "units_day": last_day,
        "history": status_history(days),
        "charts": [progress, by_unit],
    }
