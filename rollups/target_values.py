"""Target roll-ups: CommuneTargetDay, TargetDay and PlanDay for a range of days.

Inputs are read with a handful of aggregate queries (one per kind of source, not one per
report), combined in memory, and written with upserts in one transaction, so running this
twice, or two copies at once, leaves the same rows. Value semantics (README, "Roll-ups"):

- daily counts (source commune_daily): a unit's value on day D is the running total of its
  daily counts from 1 January of the plan's year to D (None before its first report);
- cumulative counts: the latest value the unit reported on or before D;
- computed rates (derived): sum of numerator counts / sum of denominator counts x 100 over the
  same window, per unit and for the province;
- province-level targets: the latest administrator-entered `TargetMeasurement` on or before D.

Only units active on D have a row for D, and only they count in the province figure. Values
of reports returned for correction are left out until they are submitted again.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Max, Sum

from communes.models import Commune
from reports.deadlines import date_range
from reports.models import DailyReport, ReportValue
from targets import status as target_status
from targets.models import Plan, Target

from . import target_values_pg
from .models import CommuneTargetDay, PlanDay, TargetDay
from .target_days import clamp, dec, first_series_day, judge_plan, measurements


@dataclass
class RollupCounts:
    commune_target_days: int = 0
    target_days: int = 0
    plan_days: int = 0


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return numerator / denominator * 100


def unit_completion(target: Target, value: float | None) -> float | None:
    """A unit's completion; None for summed targets, whose target is the province total."""
    if target.aggregation == Target.Aggregation.SUM:
        return None
    return clamp(
        target_status.completion(value, target.target_value, target.baseline, target.direction)
    )


class _UnitValues:
    """Each unit's value in effect per day, for the commune-reported targets of one plan."""

    def __init__(self, plan: Plan, targets: list[Target], first: dt.date, last: dt.date):
        self.first, self.last = first, last
        year_start = dt.date(plan.year, 1, 1)
        counts = {t.pk for t in targets if t.source == Target.Source.COMMUNE_DAILY}
        counts |= {t.numerator_id for t in targets if t.numerator_id}
        counts |= {t.denominator_id for t in targets if t.denominator_id}
        by_id = {t.pk: t for t in Target.objects.filter(pk__in=counts)}
        running = [pk for pk in counts if not by_id[pk].is_cumulative]
        cumulative = [pk for pk in counts if by_id[pk].is_cumulative]
        accepted = ReportValue.objects.filter(report__commune__province=plan.province_id).exclude(
            report__status=DailyReport.Status.RETURNED
        )

        # (unit, count) -> {day: value in effect}, and the day of the unit's last report.
        self.values: dict[tuple[int, int], dict[dt.date, float]] = defaultdict(dict)
        self.as_of: dict[tuple[int, int], dict[dt.date, dt.date]] = defaultdict(dict)

        totals: dict[tuple[int, int], float] = {}
        last_day: dict[tuple[int, int], dt.date] = {}
        for row in (
            accepted.filter(target__in=running, report__date__gte=year_start,
                            report__date__lt=first)
            .values("report__commune_id", "target_id")
            .annotate(total=Sum("value"), last=Max("report__date"))
            .order_by()
        ):
            key = (row["report__commune_id"], row["target_id"])
            totals[key], last_day[key] = float(row["total"]), row["last"]
        daily: dict[dt.date, list[tuple[tuple[int, int], float]]] = defaultdict(list)
        for unit, target, day, total in (
            accepted.filter(target__in=running, report__date__range=(max(first, year_start), last))
            .values_list("report__commune_id", "target_id", "report__date")
            .annotate(total=Sum("value"))
            .order_by()
        ):
            daily[day].append(((unit, target), float(total)))

        latest: dict[tuple[int, int], float] = {}
        for unit, target, day, value in (
            accepted.filter(target__in=cumulative, report__date__lte=last)
            .values_list("report__commune_id", "target_id", "report__date", "value")
            .order_by("report__date")
        ):
            if day < first:
                latest[(unit, target)], last_day[(unit, target)] = float(value), day
            else:
                daily[day].append(((unit, target), float(value)))
        cumulative_set = set(cumulative)

        for day in date_range(first, last):
            for key, amount in daily.get(day, ()):
                if key[1] in cumulative_set:
                    latest[key] = amount
                else:
                    totals[key] = totals.get(key, 0.0) + amount
                last_day[key] = day
            for key, total in (*totals.items(), *latest.items()):
                self.values[key][day] = total
                self.as_of[key][day] = last_day[key]

    def get(self, unit: int, count: int, day: dt.date) -> float | None:
        return self.values.get((unit, count), {}).get(day)


def _province_value(
    target: Target, rows: list[tuple[Commune, float | None, dt.date | None]]
) -> float | None:
    """Combine the units' values of one day by the target's aggregation rule."""
    present = [(unit, value, as_of) for unit, value, as_of in rows if value is not None]
    if not present:
        return None
    rule = target.aggregation
    if rule == Target.Aggregation.SUM:
        return sum(value for _, value, _ in present)
    if rule == Target.Aggregation.MEAN:
        return sum(value for _, value, _ in present) / len(present)
    if rule == Target.Aggregation.WEIGHTED_MEAN:
        # Units without a recorded population carry no weight (README).
        weighted = [(value, unit.population) for unit, value, _ in present if unit.population]
        weight = sum(population for _, population in weighted)
        return sum(v * p for v, p in weighted) / weight if weight else None
    if rule == Target.Aggregation.LATEST:
        newest = max(as_of for _, _, as_of in present)
        tied = [value for _, value, as_of in present if as_of == newest]
        return sum(tied) / len(tied)
    raise ValueError(f"Aggregation {rule} is computed elsewhere")


def compute_plan(plan: Plan, start: dt.date, end: dt.date) -> tuple[list, list, list]:
    """Unsaved CommuneTargetDay, TargetDay and PlanDay rows of one plan for start..end."""
    targets = list(plan.targets.select_related("plan"))
    first = first_series_day(start)
    units = list(Commune.objects.filter(province=plan.province_id).order_by("pk"))
    unit_values = _UnitValues(plan, targets, first, end)
    measured = measurements(targets, first, end)

    commune_rows = []
    province: dict[int, dict[dt.date, float | None]] = defaultdict(dict)
    for day in date_range(first, end):
        active = [unit for unit in units if unit.is_active_on(day)]
        for target in targets:
            if target.source == Target.Source.PROVINCE:
                province[target.pk][day] = measured.get(target.pk, {}).get(day)
                continue
            if target.aggregation == Target.Aggregation.RATIO:
                per_unit = [
                    (unit, _ratio(unit_values.get(unit.pk, target.numerator_id, day),
                                  unit_values.get(unit.pk, target.denominator_id, day)), None)
                    for unit in active
                ]
                numerators = [unit_values.get(u.pk, target.numerator_id, day) for u in active]
                denominators = [unit_values.get(u.pk, target.denominator_id, day) for u in active]
                value = _ratio(
                    sum(v for v in numerators if v is not None),
                    sum(v for v in denominators if v is not None),
                )
            else:
                per_unit = [
                    (unit, unit_values.get(unit.pk, target.pk, day),
                     unit_values.as_of.get((unit.pk, target.pk), {}).get(day))
                    for unit in active
                ]
                value = _province_value(target, per_unit)
            province[target.pk][day] = value
            if day >= start:
                commune_rows.extend(
                    CommuneTargetDay(
                        target=target, commune=unit, date=day, value=dec(unit_value),
                        completion=dec(unit_completion(target, unit_value)),
                    )
                    for unit, unit_value, _ in per_unit
                )

    target_rows, plan_rows = judge_plan(plan, targets, province, start, end)
    return commune_rows, target_rows, plan_rows


def _upsert(model, rows: list, unique: list[str], keys) -> int:
    rows.sort(key=keys)  # one order for every writer, so concurrent upserts do not deadlock
    fields = [
        f.name for f in model._meta.concrete_fields
        if not f.primary_key and f.name not in unique
    ]
    model.objects.bulk_create(
        rows, batch_size=2000, update_conflicts=True, unique_fields=unique, update_fields=fields
    )
    return len(rows)


def _within(plan: Plan, start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The days of start..end in the plan's year."""
    return max(start, dt.date(plan.year, 1, 1)), min(end, dt.date(plan.year, 12, 31))


def rollup_targets(
    start: dt.date, end: dt.date, commune_ids: list[int] | None = None
) -> RollupCounts:
    """Rebuild the target roll-ups of start..end (of every plan whose year overlaps it, within
    that year).

    With `commune_ids`, only those units' CommuneTargetDay rows are rewritten; the province
    figures (TargetDay, PlanDay) are always recomputed from every unit (on PostgreSQL, from the
    other units' stored rows). PostgreSQL computes in the database, set-based; other databases
    (SQLite for `make run`) use the Python path of this module, which gives the same rows."""
    counts = RollupCounts()
    # A plan is rolled up within its own year: after 31/12 it is shown as of that day (its
    # final state), so later rows would never be read (at national scale they doubled a
    # year's roll-up spanning two plans).
    plans = Plan.objects.filter(year__lte=end.year, year__gte=start.year)
    if commune_ids is not None:
        # Only the plans of those units' provinces can change.
        plans = plans.filter(province__communes__in=commune_ids).distinct()
    if connection.vendor == "postgresql":
        # Set-based: the same rows, computed by the database (rollups/target_values_pg.py).
        written = target_values_pg.rollup_plans(
            ((plan, *_within(plan, start, end)) for plan in plans.order_by("pk")), commune_ids
        )
        counts.commune_target_days += written[0]
        counts.target_days += written[1]
        counts.plan_days += written[2]
        return counts
    computed = []
    for plan in plans:
        computed.append(compute_plan(plan, *_within(plan, start, end)))
    with transaction.atomic():
        for commune_rows, target_rows, plan_rows in computed:
            if commune_ids is not None:
                wanted = set(commune_ids)
                commune_rows = [row for row in commune_rows if row.commune_id in wanted]
            counts.commune_target_days += _upsert(
                CommuneTargetDay, commune_rows, ["target", "commune", "date"],
                lambda r: (r.date, r.target_id, r.commune_id),
            )
            counts.target_days += _upsert(
                TargetDay, target_rows, ["target", "date"], lambda r: (r.date, r.target_id)
            )
            counts.plan_days += _upsert(
                PlanDay, plan_rows, ["plan", "date"], lambda r: (r.date, r.plan_id)
            )
    return counts
