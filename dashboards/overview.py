"""The province overview's figures, read from roll-up tables and plan metadata only."""

import datetime as dt
from collections import defaultdict

from django.db.models import Count
from django.utils.translation import gettext as _

from communes.models import Commune, Province
from core.tabular import Chart
from reports.models import ReportOutcome
from rollups import rates
from rollups.models import CommuneDay, TargetDay
from rollups.progress import STATUS_ORDER, plan_completion, with_current_status
from targets.models import Plan, ProcedureStatistics, Target

from . import charts
from .plan_summary import chosen_plan, key_task_summary, plan_as_of, science_summary

TREND_DAYS = 90
HEATMAP_DAYS = 30
CARD_DAYS = (7, 30)
# Days after the card's periods that may still be pending (the deadline is the next day).
SETTLING_DAYS = 7


def localised_field(field: str, language: str) -> str:
    """`name_en` in English, `name_vi` otherwise (targets and pillars carry both)."""
    return f"{field}_en" if language == "en" else f"{field}_vi"


def localised(obj, field: str, language: str) -> str:
    return getattr(obj, localised_field(field, language))


# The unit-days the overview reads: the card's longest period and the days after it, which
# hold the heat map's days too.
REPORTING_DAYS = max(CARD_DAYS) + SETTLING_DAYS
assert HEATMAP_DAYS <= REPORTING_DAYS


def reporting_counts(province: Province, today: dt.date) -> tuple[dict, dict]:
    """(counts per (unit, day), outcome per (unit, day)) over the last REPORTING_DAYS days, in
    one query: a unit has one roll-up row a day, so grouping by its outcome too splits nothing."""
    start = today - dt.timedelta(days=REPORTING_DAYS - 1)
    by_row = rates.reporting_counts_by(
        CommuneDay.objects.filter(commune__province=province, date__range=(start, today)),
        "commune_id", "date", "outcome",
    )
    counts = {(unit, day): row_counts for (unit, day, _outcome), row_counts in by_row.items()}
    outcomes = {(unit, day): outcome for unit, day, outcome in by_row}
    return counts, outcomes


def compliance_summary(by_unit_day: dict, today: dt.date) -> dict:
    """The reporting card. Its periods end on the last day before any day that is not yet due
    (today, or a day with a unit-day still pending), so they count only days whose deadline has
    passed; its figure is the latest such day with reports owed (reported/owed, e.g. 49/54)."""
    by_day = rates.totals_by((day, counts) for (_unit, day), counts in by_unit_day.items())
    # Today is never due under the default rules (deadline: the next day); an earlier day is not
    # due while a unit-day of it is still pending.
    not_due = min([today, *(day for day, counts in by_day.items() if counts.pending)])
    end = not_due - dt.timedelta(days=1)
    latest = max((day for day, c in by_day.items() if c.owed and day <= end), default=None)
    periods = []
    for days in CARD_DAYS:
        start = end - dt.timedelta(days=days - 1)
        periods.append({
            "days": days, "start": start, "end": end,
            "counts": rates.RateCounts.total(
                c for day, c in by_day.items() if start <= day <= end
            ),
        })
    return {"latest": latest, "latest_counts": by_day.get(latest), "periods": periods,
            "end": end, "not_yet_due": not_due}


def card_table(summary: dict) -> Chart:
    """The reporting card's figures as rows, for its CSV (`?csv=reporting`)."""
    rows = []
    if summary["latest"]:
        rows.append((summary["latest"], summary["latest"], summary["latest_counts"]))
    rows += [(p["start"], p["end"], p["counts"]) for p in summary["periods"]]
    return Chart(
        "reporting", {}, rate_headers(),
        [[first, last, *rate_cells(counts)] for first, last, counts in rows],
    )


def reporting_card(province: Province, today: dt.date) -> Chart:
    """The reporting card's figures alone, for its CSV: what `overview` puts under "card"."""
    return card_table(compliance_summary(reporting_counts(province, today)[0], today))


def rate_headers() -> list[str]:
    return [_("From"), _("To"), _("Reports owed"), _("On time"), _("Late"),
            _("Reported"), _("Reporting rate (%)"), _("On-time rate (%)")]


def rate_cells(counts: rates.RateCounts) -> list:
    return [counts.owed, counts.on_time, counts.late, counts.reported, counts.reporting_rate,
            counts.on_time_rate]


def overview(
    language: str, today: dt.date, province: Province | None, plan_id: str | None = None
) -> dict:
    """Everything the overview page shows. A fixed number of queries, whatever the data size.

    The plan shown is `?plan=<id>` or the plan in force today (see `chosen_plan`); an ended
    plan's figures are those of its last day."""
    if province is None:
        return {"province": None}
    by_unit_day, outcomes = reporting_counts(province, today)
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
        "compliance": (summary := compliance_summary(by_unit_day, today)),
        "card": card_table(summary),
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
    context["charts"] += _reporting_charts(province, today, summary, by_unit_day, outcomes)
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
    # Plain rows, not TargetDay and Target objects: ~90 rows per indicator.
    days = (
        TargetDay.objects.filter(
            target__plan=plan, target__counts_in_plan=True, target__source=Target.Source.DERIVED,
            date__range=(today - dt.timedelta(days=TREND_DAYS - 1), today),
        )
        .order_by("target__code", "date")
        .values_list("target__code", "target__" + localised_field("name", language), "date",
                     "value", "completion_percent")
    )
    series: dict[str, dict] = {}
    rows = []
    for code, name, date, value, completion_percent in days:
        percent = float(completion_percent) if completion_percent is not None else None
        series.setdefault(code, {"code": code, "name": name, "points": []})
        series[code]["points"].append((date, percent))
        rows.append([code, name, date, value, percent])
    return Chart(
        "trend", charts.indicator_trend(list(series.values())),
        [_("Code"), _("Target"), _("Date"), _("Value"), _("Share of target reached (%)")], rows,
    )


def _reporting_charts(province: Province, today: dt.date, summary: dict,
                      by_unit_day: dict, outcomes: dict) -> list[Chart]:
    start = today - dt.timedelta(days=HEATMAP_DAYS - 1)
    days = [start + dt.timedelta(days=offset) for offset in range(HEATMAP_DAYS)]
    units = list(Commune.objects.filter(province=province).active_on(today)
                 .only("id", "name", "code"))
    grid = [[outcomes.get((unit.id, day)) for day in days] for unit in units]
    # Translated once, not once per cell (1,620 cells).
    labels = {value: str(label) for value, label in ReportOutcome.choices}
    heatmap = Chart(
        "heatmap",
        charts.reporting_heatmap([{"name": u.name, "code": u.code} for u in units], days, grid),
        [_("Unit"), _("Unit code"), *[day.strftime("%d/%m") for day in days]],
        [
            [unit.name, unit.code, *[labels.get(cell, "") for cell in row]]
            for unit, row in zip(units, grid, strict=True)
        ],
    )
    # The ranking covers the card's 30 days (deadline passed), so its counts sum to the card's.
    period = summary["periods"][-1]
    by_unit = rates.totals_by(
        (unit_id, counts) for (unit_id, day), counts in by_unit_day.items()
        if period["start"] <= day <= period["end"]
    )
    ranking = []
    for unit in units:
        counts = by_unit.get(unit.id, rates.RateCounts())
        ranking.append({"name": unit.name, "code": unit.code,
                        "on_time_rate": counts.on_time_rate,
                        "reporting_rate": counts.reporting_rate})
    ranking.sort(key=lambda row: (-(row["on_time_rate"] or -1), row["name"]))
    # Name first, then the rates (the columns readers of this CSV already use), code last.
    ranked = Chart(
        "ranking", charts.compliance_ranking(ranking),
        [_("Unit"), _("On-time rate (%)"), _("Reporting rate (%)"), _("Unit code")],
        [[row["name"], row["on_time_rate"], row["reporting_rate"], row["code"]]
         for row in ranking],
    )
    return [heatmap, ranked]
