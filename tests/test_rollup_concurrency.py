"""Two copies of the same roll-up at once leave the same rows as one copy (PostgreSQL)."""

import datetime as dt
import random
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from rollups.compliance import rollup_compliance
from rollups.models import CommuneDay, CommuneTargetDay, ComplianceDay, PlanDay, TargetDay
from rollups.target_values import rollup_targets

from .rollup_world import make_world

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def snapshot():
    return (
        sorted(CommuneTargetDay.objects.values_list("target", "commune", "date", "value")),
        sorted(TargetDay.objects.values_list("target", "date", "value", "status")),
        sorted(PlanDay.objects.values_list("plan", "date", "completed", "total")),
        sorted(CommuneDay.objects.values_list("commune", "date", "outcome")),
        sorted(ComplianceDay.objects.values_list("date", "expected", "actual")),
    )


def test_two_copies_at_once_leave_the_same_rows_as_one():
    world = make_world(random.Random(11), days=30)

    def job(_):
        try:
            rollup_compliance(world.start, world.end)
            rollup_targets(world.start, world.end)
        finally:
            connection.close()  # each thread has its own connection

    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(job, range(2)))
    together = snapshot()
    assert len(together[0]) == CommuneTargetDay.objects.count() > 0

    for model in (CommuneTargetDay, TargetDay, PlanDay, CommuneDay, ComplianceDay):
        model.objects.all().delete()
    job(None)
    assert snapshot() == together
    assert TargetDay.objects.filter(date=world.end).count() == world.plan.targets.count()
    assert world.end > world.start + dt.timedelta(days=20)


def test_two_units_rolled_up_at_once_both_count_in_the_province_figure():
    """After one submission the province figure reads the other units' stored rows: two
    submissions rolled up at once must not each miss the other's new values."""
    from decimal import Decimal

    from django.utils import timezone

    from reports.models import DailyReport, ReportValue
    from rollups.target_values import compute_plan

    world = make_world(random.Random(13), days=30)
    rollup_targets(world.start, world.end)
    day = world.end
    units = [c for c in world.communes if c.is_active_on(day)][:2]
    assert len(units) == 2
    for unit in units:
        DailyReport.objects.filter(commune=unit, date=day).delete()
        report = DailyReport.objects.create(commune=unit, date=day, submitted_at=timezone.now())
        ReportValue.objects.create(report=report, target=world.targets["sum"],
                                   value=Decimal(1000))

    def job(unit):
        try:
            rollup_targets(day, day, commune_ids=[unit.pk])
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(job, units))
    _, target_rows, _ = compute_plan(world.plan, day, day)
    expected = {r.target.pk: r.value for r in target_rows}
    stored = dict(TargetDay.objects.filter(date=day).values_list("target", "value"))
    assert stored == expected
    assert stored[world.targets["sum"].pk] >= Decimal(2000)
