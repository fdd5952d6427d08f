"""Units' reporting figures and a unit's detail page, read from roll-up tables only."""

import datetime as dt

from django.db.models import FilteredRelation, Max, OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _

from core.tabular import Chart
from reports.models import ReportOutcome
from rollups import rates
from rollups.models import CommuneDay, CommuneTargetDay, TargetDay

from . import charts
from .overview import localised, rate_cells, rate_headers

RATE_DAYS = 30
CALENDAR_DAYS = 91


def with_reporting(communes: QuerySet, today: dt.date, days: int = RATE_DAYS) -> QuerySet:
    """Annotate units with their counts and `reporting_rate`/`on_time_rate` (%) over the last
    `days` days (`rollups.rates`: days not yet due are not owed), and `last_report` (date of
    the latest report ever)."""
    start, end = today - dt.timedelta(days=days - 1), today
    # The window goes in the join's ON clause, not only in the counts' FILTER: otherwise every
    # unit-day ever rolled up is joined (a whole-table scan of CommuneDay at national scale,
    # 450 ms for 54 units) and the window is applied afterwards.
    counted = communes.annotate(
        window_days=FilteredRelation(
            "reporting_days", condition=rates.window(start, end, "reporting_days__")
        ),
    ).annotate(**rates.count_annotations("window_days", "window_days__"))
    last = CommuneDay.objects.filter(commune=OuterRef("pk"), report__isnull=False).order_by("-date")
    return counted.annotate(
        **rates.rate_annotations(), last_report=Subquery(last.values("date")[:1]),
    )


def unit_detail(commune, language: str, today: dt.date) -> dict:
    start = today - dt.timedelta(days=CALENDAR_DAYS - 1)
    # One query: each day's outcome with the rule's counts, summed over the rate's window.
    unit_days = rates.reporting_counts_by(
        CommuneDay.objects.filter(commune=commune, date__range=(start, today)), "date", "outcome"
    )
    days = sorted(unit_days)
    first, last = today - dt.timedelta(days=RATE_DAYS - 1), today
    counts = sum((c for (day, _o), c in unit_days.items() if first <= day <= last),
                 rates.RateCounts())
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
            [{"code": row["code"], "name": row["name"], "unit": row["unit"],
              "province": row["province"]} for row in compared],
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
        "rate_counts": counts, "rate_start": first, "rate_end": last,
        "indicators_day": last_day,
        "charts": [versus, calendar],
        "rate_table": Chart("reporting", {}, rate_headers(), [[first, last, *rate_cells(counts)]]),
    }
