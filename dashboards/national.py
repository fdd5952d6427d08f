"""The national page: every province compared over a date range, read from the roll-up
tables only. Rates come from `rollups.rates` (counts per province, summed over unit-days),
plan completion from `rollups.progress.plan_completions`; the page computes neither."""

import datetime as dt

from django import forms
from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communes.models import Province
from core.tabular import Chart
from rollups import rates
from rollups.models import CommuneDay
from rollups.progress import plan_completions
from targets.models import Plan, TargetStatus

from . import charts
from .compliance import RangeForm
from .overview import SETTLING_DAYS, rate_cells, rate_headers


class NationalForm(RangeForm):
    region = forms.ChoiceField(
        label=gettext_lazy("Region"), required=False,
        choices=[("", gettext_lazy("all regions")), *Province.Region.choices],
    )

    def chosen_region(self) -> str:
        return self.cleaned_data.get("region", "") if self.is_valid() else ""


def last_due_day(today: dt.date) -> dt.date:
    """The last day whose deadline has passed everywhere: the day before today, or before the
    earliest day that still has a unit-day pending (one query)."""
    pending = CommuneDay.objects.filter(
        rates.pending_q(), date__range=(today - dt.timedelta(days=SETTLING_DAYS), today)
    ).aggregate(first=Min("date"))["first"]
    return min(today, pending or today) - dt.timedelta(days=1)


def _latest_plans(provinces: list[Province]) -> dict[int, Plan]:
    """Each province's latest plan (the one its overview shows), in one query."""
    latest: dict[int, Plan] = {}
    for plan in Plan.objects.filter(province__in=provinces).order_by("province_id", "-year"):
        latest.setdefault(plan.province_id, plan)
    return latest


def comparison(start: dt.date, end: dt.date, region: str = "") -> dict:
    """One row per loaded province (of `region`, if given): units, reporting counts and rates
    over start..end, plan completion, targets behind and overdue on `end`. A fixed number of
    queries whatever the number of provinces."""
    provinces = Province.objects.order_by("code").annotate(
        unit_count=Count("communes", filter=Q(communes__is_active=True))
    )
    days = CommuneDay.objects.filter(date__range=(start, end))
    if region:
        provinces = provinces.filter(region=region)
        days = days.filter(commune__province__region=region)
    provinces = list(provinces)
    counts = rates.reporting_counts_by(days, "commune__province_id")
    plans = _latest_plans(provinces)
    completions = plan_completions(list(plans.values()), end)
    regions = dict(Province.Region.choices)
    rows = []
    for province in provinces:
        tally = counts.get(province.pk, rates.RateCounts())
        plan = plans.get(province.pk)
        completion = completions.get(plan.pk) if plan else None
        rows.append({
            "code": province.code, "province": province.name,
            "region": str(regions.get(province.region, "")),
            "url": f"{reverse('home')}?province={province.code}",
            "units": province.unit_count, "counts": tally, "owed": tally.owed,
            "reported": tally.reported, "on_time": tally.on_time,
            "reporting_rate": tally.reporting_rate, "on_time_rate": tally.on_time_rate,
            "plan_year": plan.year if plan else None,
            "completed": completion.completed if completion else None,
            "total": completion.total if completion else None,
            "plan_share": (completion.completed / completion.total
                           if completion and completion.total else None),
            "behind": completion.counts.get(TargetStatus.BEHIND) if completion else None,
            "overdue": completion.counts.get(TargetStatus.OVERDUE) if completion else None,
        })
    total = sum((row["counts"] for row in rows), rates.RateCounts())
    ranked = sorted(rows, key=lambda row: (-(row["on_time_rate"] or -1), row["code"]))
    chart = Chart(
        "provinces",
        charts.province_ranking(ranked),
        [_("Code"), _("Province"), *rate_headers()[2:]],
        [[row["code"], row["province"], *rate_cells(row["counts"])] for row in ranked],
    )
    return {"start": start, "end": end, "rows": rows, "total": total, "charts": [chart]}
