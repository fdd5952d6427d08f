"""The one definition of target status and completion (targets/status.py)."""

import datetime as dt
from decimal import Decimal

import pytest

from rollups.jobs import rollup_range
from rollups.models import PlanDay, TargetDay
from targets.models import Target, TargetStatus
from targets.status import completion, least_squares_at, status_for

DEADLINE = dt.date(2025, 12, 31)


def target(**fields) -> Target:
    defaults = {"target_value": Decimal(80), "baseline": None, "deadline": DEADLINE,
                "direction": Target.Direction.HIGHER, "manual_status": ""}
    return Target(**{**defaults, **fields})


def line(day: dt.date, start: float, per_day: float, days: int = 30):
    return [(day - dt.timedelta(days=n), start + per_day * (days - 1 - n)) for n in range(days)]


def test_completion_is_baseline_and_direction_aware():
    assert completion(50, 100) == 0.5
    assert completion(60, 100, baseline=20) == 0.5
    assert completion(10, 100, baseline=20) == -0.125
    # Lower is better: from 60 down to 10, at 35 we are half-way.
    assert completion(35, 10, baseline=60, direction="lower") == 0.5
    assert completion(None, 100) is None
    assert completion(5, None) is None


def test_least_squares_needs_two_days():
    day = dt.date(2025, 6, 1)
    assert least_squares_at([(day, 3.0)], day) is None
    assert least_squares_at([(day, 1.0), (day + dt.timedelta(days=1), 2.0)],
                            day + dt.timedelta(days=3)) == pytest.approx(4.0)


def test_manual_completion_wins_even_without_data():
    assert status_for(target(manual_status="completed"), dt.date(2026, 3, 1), None).status == (
        TargetStatus.COMPLETED
    )


def test_reached_is_completed_and_lower_is_better_is_mirrored():
    day = dt.date(2025, 6, 1)
    assert status_for(target(), day, 80).status == TargetStatus.COMPLETED
    lower = target(direction="lower", target_value=Decimal(10), baseline=Decimal(60))
    assert status_for(lower, day, 9).status == TargetStatus.COMPLETED
    assert status_for(lower, day, 11, line(day, 11, 0)).status == TargetStatus.AT_RISK  # 98%
    assert status_for(lower, day, 30, line(day, 30, 0)).status == TargetStatus.BEHIND


def test_overdue_after_the_deadline():
    assert status_for(target(), dt.date(2026, 1, 1), 79).status == TargetStatus.OVERDUE
    assert status_for(target(), DEADLINE, 79, line(DEADLINE, 70, 0.1)).status != "overdue"


def test_no_data():
    day = dt.date(2025, 6, 1)
    assert status_for(target(), day, None).status == TargetStatus.NO_DATA
    assert status_for(target(target_value=None), day, 5).status == TargetStatus.NO_DATA
    assert status_for(target(deadline=None), day, 5).status == TargetStatus.NO_DATA


@pytest.mark.parametrize(
    ("per_day", "expected"),
    [
        (0.2, TargetStatus.ON_TRACK),  # 40 + 0.2 * 213 days > 80
        (0.16, TargetStatus.AT_RISK),  # reaches ~ 74: at least 90% of the way
        (0.05, TargetStatus.BEHIND),
        (-0.1, TargetStatus.BEHIND),
    ],
)
def test_trend_projected_to_the_deadline(per_day, expected):
    day = dt.date(2025, 6, 1)
    history = line(day, 40 - per_day * 29, per_day)
    judged = status_for(target(), day, history[-1][1], history)
    assert judged.status == expected
    assert judged.projected_value == pytest.approx(40 + per_day * (DEADLINE - day).days)


def test_trend_uses_only_the_last_days(settings):
    settings.DTM_STATUS_TREND_DAYS = 5
    day = dt.date(2025, 6, 1)
    # Fast early growth, flat for the last 5 days: flat is what counts.
    history = line(day - dt.timedelta(days=5), 0, 2, 25) + line(day, 50, 0, 5)
    assert status_for(target(), day, 50, history).status == TargetStatus.BEHIND


@pytest.mark.django_db
def test_quang_ninh_without_history_shows_7_of_22_completed(quangninh):
    day = dt.date(2025, 10, 1)
    rollup_range(day, day)
    plan_day = PlanDay.objects.get(date=day)
    assert (plan_day.completed, plan_day.total) == (7, 22)
    assert plan_day.no_data == 15
    manual = Target.objects.filter(manual_status="completed")
    assert set(TargetDay.objects.filter(date=day, target__in=manual)
               .values_list("status", flat=True)) == {"completed"}
