"""Province series to TargetDay and PlanDay rows: completion, status and projection.

Both roll-up paths (the Python one in rollups/target_values.py, the PostgreSQL one in
rollups/target_values_pg.py) compute each target's province value per day and hand the series
to `judge_plan`, so status and projection are decided by one piece of code over the same
floats, and the two paths write identical rows.
"""

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from reports.deadlines import date_range
from targets import status as target_status
from targets.models import Plan, Target, TargetMeasurement

from .models import PlanDay, TargetDay

FOUR_PLACES = Decimal("0.0001")
TWO_PLACES = Decimal("0.01")
# Completion can explode when a target sits next to its baseline; keep it inside the column.
COMPLETION_LIMIT = 99_999.0


def dec(value: float | None, places: Decimal = FOUR_PLACES) -> Decimal | None:
    """A float as the column stores it (shortest repr, rounded half to even)."""
    if value is None:
        return None
    return Decimal(repr(float(value))).quantize(places)


def clamp(value: float | None) -> float | None:
    if value is None:
        return None
    return max(-COMPLETION_LIMIT, min(COMPLETION_LIMIT, value))


def first_series_day(start: dt.date) -> dt.date:
    """The first day whose province value the status of `start` looks at (the trend window)."""
    return start - dt.timedelta(days=target_status.trend_days() - 1)


# The columns of the rows `judge_days` returns, in order.
TARGET_DAY_COLUMNS = ("target_id", "date", "value", "exact_value", "completion_percent",
                      "projected_value", "status")
PLAN_DAY_COLUMNS = ("plan_id", "date", "total", "completed", "on_track", "at_risk", "behind",
                    "overdue", "no_data")
_TALLIED = PLAN_DAY_COLUMNS[3:]


def judge_days(
    plan: Plan,
    targets: list[Target],
    province: dict[int, dict[dt.date, float | None]],
    start: dt.date,
    end: dt.date,
) -> tuple[list[tuple], list[tuple]]:
    """TargetDay and PlanDay rows for start..end from the province series, as tuples in the
    order of TARGET_DAY_COLUMNS and PLAN_DAY_COLUMNS (a year of a plan is ~8,000 rows: tuples,
    not model instances, which cost more to build than the judgement itself).

    `province[target][day]` holds every day from `first_series_day(start)` to `end`, in order."""
    window = target_status.trend_days()
    # What each target's day needs, read once per target rather than once per target-day (a
    # model's `pk` is a property: ~3 lookups per target-day were a tenth of this loop).
    judged = [
        (target, target.pk, list(province[target.pk].items()), province[target.pk],
         (target.target_value, target.baseline, target.direction), target.counts_in_plan)
        for target in targets
    ]
    plan_id = plan.pk
    target_rows, plan_rows = [], []
    for offset, day in enumerate(date_range(start, end)):
        tally = dict.fromkeys(_TALLIED, 0)
        total = 0
        for target, target_id, series, by_day, goal, counts_in_plan in judged:
            # The series holds first..end in order; day is at index window-1+offset.
            history = series[offset : offset + window]
            value = by_day.get(day)
            judgement = target_status.status_for(target, day, value, history)
            percent = target_status.completion(value, *goal)
            target_rows.append((
                target_id, day, dec(value), value,
                dec(clamp(percent * 100 if percent is not None else None), TWO_PLACES),
                dec(judgement.projected_value), judgement.status,
            ))
            if counts_in_plan:
                tally[judgement.status] += 1
                total += 1
        plan_rows.append((plan_id, day, total, *tally.values()))
    return target_rows, plan_rows


def judge_plan(
    plan: Plan,
    targets: list[Target],
    province: dict[int, dict[dt.date, float | None]],
    start: dt.date,
    end: dt.date,
) -> tuple[list[TargetDay], list[PlanDay]]:
    """`judge_days` as unsaved TargetDay and PlanDay instances (the Python path)."""
    target_rows, plan_rows = judge_days(plan, targets, province, start, end)
    by_id = {target.pk: target for target in targets}
    return (
        [TargetDay(target=by_id[row[0]], **dict(zip(TARGET_DAY_COLUMNS[1:], row[1:],
                                                     strict=True)))
         for row in target_rows],
        [PlanDay(plan=plan, **dict(zip(PLAN_DAY_COLUMNS[1:], row[1:], strict=True)))
         for row in plan_rows],
    )


def measurements(targets: list[Target], first: dt.date, last: dt.date) -> dict:
    """Province-level targets: {target: {day: latest measurement on or before day}}."""
    ids = [t.pk for t in targets if t.source == Target.Source.PROVINCE]
    rows = (
        TargetMeasurement.objects.filter(target__in=ids, date__lte=last)
        .order_by("target_id", "date")
        .values_list("target_id", "date", "value")
    )
    by_target: dict[int, list[tuple[dt.date, float]]] = defaultdict(list)
    for target_id, day, value in rows:
        by_target[target_id].append((day, float(value)))
    result: dict[int, dict[dt.date, float]] = {}
    for target_id, entries in by_target.items():
        series, index, current = {}, 0, None
        for day in date_range(first, last):
            while index < len(entries) and entries[index][0] <= day:
                current = entries[index][1]
                index += 1
            if current is not None:
                series[day] = current
        result[target_id] = series
    return result
