"""Target status and completion, defined once (see README, "Roll-ups").

Every figure that says how far a target is, or whether it is on track, comes from here: the
roll-ups, the dashboards that read them, and the tests.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from .models import KeyTask, Target, TargetStatus, TaskStatus


def trend_days() -> int:
    """How many past days the trend line is fitted on (setting DTM_STATUS_TREND_DAYS)."""
    return int(getattr(settings, "DTM_STATUS_TREND_DAYS", 30))


def at_risk_share() -> float:
    """Share of the way to the target a projection must reach to count as "at risk" rather
    than "behind" (setting DTM_STATUS_AT_RISK_SHARE)."""
    return float(getattr(settings, "DTM_STATUS_AT_RISK_SHARE", 0.9))


def completion(
    value: float | Decimal | None,
    target_value: float | Decimal | None,
    baseline: float | Decimal | None = None,
    direction: str = Target.Direction.HIGHER,
) -> float | None:
    """Share of the way from the baseline to the target (1 = reached, may exceed 1 or be
    negative). Lower-is-better targets are mirrored. A missing baseline counts as 0."""
    if value is None or target_value is None:
        return None
    value, goal, start = float(value), float(target_value), float(baseline or 0)
    if direction == Target.Direction.LOWER:
        value, goal, start = -value, -goal, -start
    if goal == start:
        return 1.0 if value >= goal else 0.0
    return (value - start) / (goal - start)


def is_reached(value, target: Target) -> bool:
    if value is None or target.target_value is None:
        return False
    if target.direction == Target.Direction.LOWER:
        return float(value) <= float(target.target_value)
    return float(value) >= float(target.target_value)


def least_squares_at(points: Sequence[tuple[dt.date, float]], day: dt.date) -> float | None:
    """The least-squares line through (date, value) points, evaluated at `day`; None when
    fewer than two distinct dates make a line."""
    if len({d for d, _ in points}) < 2:
        return None
    xs = [d.toordinal() for d, _ in points]
    ys = [float(v) for _, v in points]
    n = len(xs)
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mean_x) ** 2 for x in xs)
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    slope = sxy / sxx
    return mean_y + slope * (day.toordinal() - mean_x)


@dataclass(frozen=True)
class Judgement:
    status: str
    projected_value: float | None = None


def status_for(
    target: Target,
    day: dt.date,
    value: float | Decimal | None,
    history: Sequence[tuple[dt.date, float | Decimal | None]] = (),
) -> Judgement:
    """THE target status on `day`.

    - completed: an administrator set it, or `value` reaches the target;
    - no_data: no value, no target value, or no deadline to project to;
    - overdue: the deadline has passed and the target is not reached;
    - otherwise the least-squares trend of the values of the last `trend_days()` days
      (`history`, which may include `day`) is projected to the deadline: on_track if the
      projection reaches the target, at_risk if it reaches at least `at_risk_share()` of the
      way from baseline to target, behind otherwise (also behind when a trend cannot be drawn
      from fewer than two days).
    """
    if target.manual_status == Target.ManualStatus.COMPLETED or is_reached(value, target):
        return Judgement(TargetStatus.COMPLETED)
    if value is None or target.target_value is None or target.deadline is None:
        return Judgement(TargetStatus.NO_DATA)
    if day > target.deadline:
        return Judgement(TargetStatus.OVERDUE)
    window_start = day - dt.timedelta(days=trend_days() - 1)
    points = [(d, float(v)) for d, v in history if v is not None and window_start <= d <= day]
    projected = least_squares_at(points, target.deadline)
    if projected is None:
        return Judgement(TargetStatus.BEHIND)
    if is_reached(projected, target):
        return Judgement(TargetStatus.ON_TRACK, projected)
    share = completion(projected, target.target_value, target.baseline, target.direction)
    if share is not None and share >= at_risk_share():
        return Judgement(TargetStatus.AT_RISK, projected)
    return Judgement(TargetStatus.BEHIND, projected)


def expected_progress(task: KeyTask, today: dt.date) -> float | None:
    """Share of the task (0..1) that should be done by the end of `today` if the work were
    spread evenly over start..deadline: elapsed days / planned days, where the start day counts
    0 and the deadline day counts 1. None without a start date (no schedule to compare with)."""
    if task.start_date is None:
        return None
    planned = (task.deadline - task.start_date).days
    elapsed = (today - task.start_date).days
    if elapsed < 0:
        return 0.0
    if planned <= 0 or elapsed >= planned:
        return 1.0
    return elapsed / planned


def task_status(task: KeyTask, today: dt.date) -> str:
    """THE key-task status on `today` (see README, "Programme, plans and tasks"):

    - completed: progress is 100%, whatever the date;
    - overdue: `today` is after the deadline and the task is not completed (the deadline day
      itself is still within the deadline);
    - behind schedule: the task has a start date, `today` is on or after it, and progress is
      below the expected share (`expected_progress`, as a percentage); on the deadline day
      anything below 100% is behind schedule;
    - not started: progress is 0% (and not behind schedule);
    - in progress: otherwise.
    """
    if task.progress >= 100:
        return TaskStatus.COMPLETED
    if today > task.deadline:
        return TaskStatus.OVERDUE
    if task.start_date is not None and today >= task.start_date:
        planned = (task.deadline - task.start_date).days
        elapsed = (today - task.start_date).days
        # progress < 100 * elapsed / planned, in whole numbers (no rounding at the edges).
        if planned <= 0 or task.progress * planned < 100 * elapsed:
            return TaskStatus.BEHIND_SCHEDULE
    if task.progress == 0:
        return TaskStatus.NOT_STARTED
    return TaskStatus.IN_PROGRESS


def within_deadline(status: str) -> bool:
    """"Trong hạn": every status except overdue (a behind-schedule task is still in time)."""
    return status != TaskStatus.OVERDUE
