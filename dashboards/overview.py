"""The province overview's figures, read from roll-up tables and plan metadata only."""

import datetime as dt
from collections import defaultdict

from django.db.models import Count
from django.utils.translation import gettext as _

from communes.models import Commune, Province
from core.tabular import Chart
from reports.models import ReportOutcome
from rollups.models import CommuneDay, ComplianceDay, TargetDay
from rollups.progress import STATUS_ORDER, plan_completion, with_current_status
from targets.models import Plan, ProcedureStatistics, Target

from . import charts
from .plan_summary import chosen_plan, key_task_summary, plan_as_of, science_summary

TREND_DAYS = 90
HEATMAP_DAYS = 30
REPORTED = (ReportOutcome.ON_TIME, ReportOutcome.LATE, ReportOutcome.RETURNED)
# Days that do not count against a unit: not expected, or not yet past the deadline.
NOT_OWED = (None, ReportOutcome.NOT_EXPECTED, ReportOutcome.PENDING)


def localised(obj, field: str, language: str) -> str:
    """`name_en` in English, `name_vi` otherwise (targets and pillars carry both)."""
    return getattr(obj, f"{field}_en" if language == "en" else f"{field}_vi")


def percent(part: int | float | None, whole: int | float | None) -> float | None:
    """part/whole as a percentage rounded to 0.1, or None when nothing was expected."""
    if not whole or part is None:
        return None
    return round(100 * part / whole, 1)


def compliance_summary(province: Province, today: dt.date) -> dict:
    """Latest day with expected reports (e.g. 49/54), and on-time rates over 7 and 30 days."""
    rows = list(
        ComplianceDay.objects.filter(
            province=province, date__range=(today - dt.timedelta(days=29), today)
        ).order_by("date")
    )
    latest = next((row for row in reversed(rows) if row.expected), None)

    def on_time_rate(days: int) -> float | None:
        window = [row for row in rows if row.date > today - dt.timedelta(days=days)]
        return percent(sum(r.on_time for r in window), sum(r.expected for r in window))

    return {"latest": latest, "on_time_7": on_time_rate(7), "on_time_30": on_time_rate(30)}


def overview(language: str, today: dt.date, plan_id: str | None = None) -> dict:
    """Everything the overview page shows. A fixed number of queries, whatever the data size.

    The plan shown is `?plan=<id>` or the plan in force today (see `chosen_plan`); an ended
    plan's figures are those of its last day."""
    province = Province.objects.first()
    if province is None:
        return {"province": None}
    plan, plans = chosen_plan(province, today, plan_id)
    kinds = dict(
        Commune.objects.filter(province=province, is_active=True)
        .values_list("kind").annotate(count=Count("id")).order_by()
    )
    units_by_kind = [
        {"kind": label, "count": kinds[kind]}
        for kind, label in Commune.Kind.choices
        if kind in kinds
    ]
    context = {
        "province": province,
        "plan": plan,
        "units_by_kind": units_by_kind,
        "unit_count": sum(row["count"] for row in units_by_kind),
        "procedures": ProcedureStatistics.objects.filter(province=province).first(),
        "compliance": compliance_summary(province, today),
        "charts": [],
        "plans": plans,
        "science": science_summary(province),
    }
    if plan is not None:
        context["key_tasks"] = key_task_summary(plan, today)
        context["plan_day"] = plan_day = plan_as_of(plan, today)
        context["plan_ended"] = plan_day < today
        completion = plan_completion(plan, plan_day)
        targets = list(
            with_current_status(plan.targets.in_plan().select_related("pillar"), plan_day)
        )
        context.update(completion=completion, status_rows=[
            (str(status.label), status.value, completion.counts.get(status.value, 0))
            for status in STATUS_ORDER
        ])
        context["charts"] += [
            _pillar_chart(targets, language),
            _status_chart(completion),
            _trend_chart(plan, language, plan_day),
        ]
    context["charts"] += _reporting_charts(province, today)
    return context


def _pillar_chart(targets: list[Target], language: str) -> Chart:
    by_pillar: dict = {}
    for target in targets:
        counts = by_pillar.setdefault(localised(target.pillar, "name", language), defaultdict(int))
        counts[target.current_status] += 1
    rows = [{"pillar": pillar, "counts": counts} for pillar, counts in by_pillar.items()]
    return Chart(
        "pillars", charts.pillar_completion(rows),
        [_("Pillar"), *[str(status.label) for status in STATUS_ORDER]],
        [[row["pillar"], *[row["counts"].get(s.value, 0) for s in STATUS_ORDER]] for row in rows],
    )


def _status_chart(completion) -> Chart:
    return Chart(
        "statuses", charts.status_breakdown(completion.counts),
        [_("Status"), _("Targets")],
        [[str(status.label), completion.counts.get(status.value, 0)] for status in STATUS_ORDER],
    )


def _trend_chart(plan: Plan, language: str, today: dt.date) -> Chart:
    """Key indicators: the plan's rates computed from unit reports, as % of their target."""
    days = (
        TargetDay.objects.filter(
            target__plan=plan, target__counts_in_plan=True, target__source=Target.Source.DERIVED,
            date__range=(today - dt.timedelta(days=TREND_DAYS - 1), today),
        )
        .select_related("target").order_by("target__code", "date")
    )
    series: dict[str, list] = {}
    rows = []
    for day in days:
        label = f"{day.target.code} · {localised(day.target, 'name', language)}"
        value = float(day.completion_percent) if day.completion_percent is not None else None
        series.setdefault(label, []).append((day.date, value))
        rows.append([day.target.code, day.date, day.value, value])
    return Chart(
        "trend", charts.indicator_trend(series),
        [_("Code"), _("Date"), _("Value"), _("Share of target reached (%)")], rows,
    )


def _reporting_charts(province: Province, today: dt.date) -> list[Chart]:
    start = today - dt.timedelta(days=HEATMAP_DAYS - 1)
    days = [start + dt.timedelta(days=offset) for offset in range(HEATMAP_DAYS)]
    units = list(Commune.objects.filter(province=province).active_on(today).only("id", "name"))
    cells = {
        (commune_id, date): outcome
        for commune_id, date, outcome in CommuneDay.objects.filter(
            commune__province=province, date__range=(start, today)
        ).values_list("commune_id", "date", "outcome")
    }
    grid = [[cells.get((unit.id, day)) for day in days] for unit in units]
    labels = dict(ReportOutcome.choices)
    heatmap = Chart(
        "heatmap", charts.reporting_heatmap([unit.name for unit in units], days, grid),
        [_("Unit"), *[day.strftime("%d/%m") for day in days]],
        [
            [unit.name, *[str(labels.get(cell, "")) for cell in row]]
            for unit, row in zip(units, grid, strict=True)
        ],
    )
    ranking = []
    for unit, row in zip(units, grid, strict=True):
        expected = sum(1 for cell in row if cell not in NOT_OWED)
        reported = sum(1 for cell in row if cell in REPORTED)
        on_time = sum(1 for cell in row if cell == ReportOutcome.ON_TIME)
        ranking.append({
            "unit": unit.name,
            "on_time_rate": percent(on_time, expected),
            "reporting_rate": percent(reported, expected),
        })
    ranking.sort(key=lambda row: (-(row["on_time_rate"] or -1), row["unit"]))
    ranked = Chart(
        "ranking", charts.compliance_ranking(ranking),
        [_("Unit"), _("On-time rate (%)"), _("Reporting rate (%)")],
        [[row["unit"], row["on_time_rate"], row["reporting_rate"]] for row in ranking],
    )
    return [heatmap, ranked]
