"""Units' reporting figures and a unit's detail page, read from roll-up tables only."""

import datetime as dt

from django.db.models import Count, F, FloatField, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Cast, NullIf
from django.utils.translation import gettext as _

from core.tabular import Chart
from reports.models import ReportOutcome
from rollups.models import CommuneDay, CommuneTargetDay, TargetDay

from . import charts
from .overview import NOT_OWED, REPORTED, localised, percent

RATE_DAYS = 30
CALENDAR_DAYS = 91


def with_reporting(communes: QuerySet, today: dt.date, days: int = RATE_DAYS) -> QuerySet:
    """Annotate units with `reporting_rate` and `on_time_rate` (%) over the last `days` days and
    `last_report` (date of the latest report ever). A day counts once it is owed: expected and
    past its deadline (not "pending")."""
    window = Q(reporting_days__date__range=(today - dt.timedelta(days=days - 1), today))
    owed = window & ~Q(reporting_days__outcome__in=[c for c in NOT_OWED if c])
    counted = communes.annotate(
        owed_days=Count("reporting_days", filter=owed),
        reported_days=Count(
            "reporting_days", filter=window & Q(reporting_days__outcome__in=REPORTED)
        ),
        on_time_days=Count(
            "reporting_days", filter=window & Q(reporting_days__outcome=ReportOutcome.ON_TIME)
        ),
    )
    owed_float = NullIf(Cast(F("owed_days"), FloatField()), 0.0)
    last = CommuneDay.objects.filter(commune=OuterRef("pk"), outcome__in=REPORTED).order_by("-date")
    return counted.annotate(
        reporting_rate=100.0 * Cast(F("reported_days"), FloatField()) / owed_float,
        on_time_rate=100.0 * Cast(F("on_time_days"), FloatField()) / owed_float,
        last_report=Subquery(last.values("date")[:1]),
    )


def unit_detail(commune, language: str, today: dt.date) -> dict:
    start = today - dt.timedelta(days=CALENDAR_DAYS - 1)
    days = list(
        CommuneDay.objects.filter(commune=commune, date__range=(start, today))
        .order_by("date").values_list("date", "outcome")
    )
    recent = [outcome for day, outcome in days if day > today - dt.timedelta(days=RATE_DAYS)]
    owed = sum(1 for outcome in recent if outcome not in NOT_OWED)
    labels = dict(ReportOutcome.choices)
    calendar = Chart(
        "calendar", charts.report_calendar(days), [_("Date"), _("Outcome")],
        [[day, str(labels.get(outcome, outcome))] for day, outcome in days],
    )

    last_day = CommuneTargetDay.objects.filter(commune=commune).aggregate(day=Max("date"))["day"]
    unit_rows = list(
        CommuneTargetDay.objects.filter(commune=commune, date=last_day)
        .select_related("target").order_by("target__code")
    ) if last_day else []
    province = {
        row.target_id: row
        for row in TargetDay.objects.filter(
            date=last_day, target__in=[row.target_id for row in unit_rows]
        )
    } if unit_rows else {}
    indicators = []
    for row in unit_rows:
        theirs = province.get(row.target_id)
        indicators.append({
            "code": row.target.code,
            "name": localised(row.target, "name", language),
            "unit_value": row.value,
            "province_value": theirs.value if theirs else None,
            "unit": round(float(row.completion) * 100, 1) if row.completion is not None else None,
            "province": float(theirs.completion_percent)
            if theirs and theirs.completion_percent is not None else None,
        })
    compared = [row for row in indicators if row["unit"] is not None or row["province"] is not None]
    versus = Chart(
        "versus",
        charts.unit_vs_province(
            [{"indicator": row["code"], "unit": row["unit"], "province": row["province"]}
             for row in compared],
            commune.name,
        ),
        [_("Code"), _("Indicator"), _("Unit value"), _("Province value"),
         _("Unit: share of target reached (%)"), _("Province: share of target reached (%)")],
        [[row["code"], row["name"], row["unit_value"], row["province_value"], row["unit"],
          row["province"]] for row in indicators],
    )
    return {
        "commune": commune,
        "readiness": commune.readiness(),
        "focal_points": list(commune.focal_points.all()),
        "reporting_rate": percent(sum(1 for o in recent if o in REPORTED), owed),
        "on_time_rate": percent(sum(1 for o in recent if o == ReportOutcome.ON_TIME), owed),
        "indicators_day": last_day,
        "charts": [versus, calendar],
    }
