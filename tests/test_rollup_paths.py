"""The PostgreSQL roll-up (set-based, rollups/target_values_pg.py) writes exactly the rows the
Python path (rollups/target_values.py, used on SQLite) computes, on random histories: a full
rebuild, and the incremental roll-up after one unit's backfilled report."""

import datetime as dt
import random
from decimal import Decimal

import pytest
from django.utils import timezone

from reports.models import DailyReport, ReportValue
from rollups.models import CommuneTargetDay, PlanDay, TargetDay
from rollups.target_values import compute_plan, rollup_targets

from .rollup_world import make_world

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def stored(plan):
    return (
        sorted(CommuneTargetDay.objects.filter(target__plan=plan).values_list(
            "target", "commune", "date", "value", "completion")),
        sorted(TargetDay.objects.filter(target__plan=plan).values_list(
            "target", "date", "value", "completion_percent", "projected_value", "status")),
        sorted(PlanDay.objects.filter(plan=plan).values_list(
            "plan", "date", "total", "completed", "on_track", "at_risk", "behind", "overdue",
            "no_data")),
    )


def python_rows(plan, start, end):
    commune_rows, target_rows, plan_rows = compute_plan(plan, start, end)
    return (
        sorted((r.target.pk, r.commune.pk, r.date, r.value, r.completion) for r in commune_rows),
        sorted((r.target.pk, r.date, r.value, r.completion_percent, r.projected_value, r.status)
               for r in target_rows),
        sorted((r.plan.pk, r.date, r.total, r.completed, r.on_track, r.at_risk, r.behind,
                r.overdue, r.no_data) for r in plan_rows),
    )


def assert_same(actual, expected):
    for table, (mine, theirs) in zip(("unit", "target", "plan"), zip(actual, expected,
                                                                      strict=True), strict=True):
        assert len(mine) == len(theirs), table
        for row_a, row_b in zip(mine, theirs, strict=True):
            assert row_a == row_b, table


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, 6])
def test_postgres_and_python_paths_write_identical_rows(seed):
    rng = random.Random(seed)
    world = make_world(rng, days=rng.choice([20, 40, 60]))
    rollup_targets(world.start, world.end)
    assert_same(stored(world.plan), python_rows(world.plan, world.start, world.end))

    # A backfilled report of one unit moves its running totals and the province from that
    # day on: the incremental roll-up leaves the same rows as a full recomputation.
    unit = next(c for c in world.communes if c.is_active_on(world.end - dt.timedelta(days=9)))
    day = max(unit.active_from, world.end - dt.timedelta(days=9))
    while DailyReport.objects.filter(commune=unit, date=day).exists():
        day += dt.timedelta(days=1)
    if day <= world.end and unit.is_active_on(day):
        report = DailyReport.objects.create(commune=unit, date=day, status="submitted",
                                           submitted_at=timezone.now())
        for code in ("received", "online", "sum", "mean", "weighted", "latest", "lower"):
            ReportValue.objects.create(report=report, target=world.targets[code],
                                       value=Decimal(rng.randint(0, 9)))
    rollup_targets(day, world.end, commune_ids=[unit.pk])
    assert_same(stored(world.plan), python_rows(world.plan, world.start, world.end))
