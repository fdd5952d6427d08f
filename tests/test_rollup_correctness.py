"""Every roll-up row equals a plain, independent computation from the raw rows, on random
histories (seeded, so a failure names its seed). Run against PostgreSQL in CI."""

import datetime as dt
import random
from collections import Counter

import pytest
from django.utils import timezone

from reports import deadlines
from reports.models import DailyReport, ReportValue
from rollups.compliance import rollup_compliance
from rollups.models import CommuneDay, CommuneTargetDay, ComplianceDay, PlanDay, TargetDay
from rollups.target_values import rollup_targets
from targets import status as target_status
from targets.models import TargetMeasurement

from .rollup_world import make_world

pytestmark = pytest.mark.django_db


class Plain:
    """The definitions of README "Roll-ups", computed the slow, obvious way."""

    def __init__(self, world):
        self.world = world
        self.values = [
            (v.report.commune_id, v.target_id, v.report.date, float(v.value))
            for v in ReportValue.objects.select_related("report")
            if v.report.status != DailyReport.Status.RETURNED
        ]
        self.measurements = list(
            TargetMeasurement.objects.values_list("target_id", "date", "value")
        )
        self.cache = {}

    def unit_value(self, commune, target, day):
        if target.aggregation == "ratio":
            num = self.unit_value(commune, target.numerator, day)
            den = self.unit_value(commune, target.denominator, day)
            return None if num is None or not den else num / den * 100
        mine = [(d, v) for c, t, d, v in self.values if c == commune.pk and t == target.pk]
        if target.is_cumulative:
            before = sorted(x for x in mine if x[0] <= day)
            return before[-1][1] if before else None
        window = [v for d, v in mine if dt.date(self.world.plan.year, 1, 1) <= d <= day]
        return sum(window) if window else None

    def as_of(self, commune, target, day):
        dates = [d for c, t, d, _ in self.values if c == commune.pk and t == target.pk and d <= day]
        return max(dates) if dates else None

    def province_value(self, target, day):
        key = (target.pk, day)
        if key in self.cache:
            return self.cache[key]
        active = [c for c in self.world.communes if c.is_active_on(day)]
        if target.source == "province":
            entries = sorted((d, float(v)) for t, d, v in self.measurements
                             if t == target.pk and d <= day)
            result = entries[-1][1] if entries else None
        elif target.aggregation == "ratio":
            nums = [self.unit_value(c, target.numerator, day) for c in active]
            dens = [self.unit_value(c, target.denominator, day) for c in active]
            num = sum(v for v in nums if v is not None)
            den = sum(v for v in dens if v is not None)
            result = num / den * 100 if den else None
        else:
            pairs = [(c, self.unit_value(c, target, day)) for c in active]
            pairs = [(c, v) for c, v in pairs if v is not None]
            if not pairs:
                result = None
            elif target.aggregation == "sum":
                result = sum(v for _, v in pairs)
            elif target.aggregation == "mean":
                result = sum(v for _, v in pairs) / len(pairs)
            elif target.aggregation == "weighted_mean":
                weight = sum(c.population for c, _ in pairs if c.population)
                result = (
                    sum(v * c.population for c, v in pairs if c.population) / weight
                    if weight else None
                )
            else:  # latest: the most recently reported units' value
                dated = [(self.as_of(c, target, day), v) for c, v in pairs]
                newest = max(d for d, _ in dated)
                tied = [v for d, v in dated if d == newest]
                result = sum(tied) / len(tied)
        self.cache[key] = result
        return result

    def outcome(self, commune, day, report):
        if report is not None:
            if report.status == "returned":
                return "returned"
            return "late" if report.is_late else "on_time"
        if not deadlines.is_expected(commune, day):
            return "not_expected"
        return "missing" if deadlines.deadline(day) < timezone.now() else "pending"


def close(a, b, tol=1e-3):
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) <= tol


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_rollup_row_equals_a_plain_computation(seed):
    rng = random.Random(seed)
    world = make_world(rng)
    rollup_targets(world.start, world.end)
    rollup_compliance(world.start, world.end)
    plain = Plain(world)
    targets = list(world.plan.targets.select_related("numerator", "denominator", "plan"))
    days = list(deadlines.date_range(world.start, world.end))

    # Per unit, target and day.
    stored = {(r.target_id, r.commune_id, r.date): r for r in CommuneTargetDay.objects.all()}
    expected_keys = set()
    for day in days:
        for commune in world.communes:
            if not commune.is_active_on(day):
                continue
            for target in targets:
                if target.source == "province":
                    continue
                expected_keys.add((target.pk, commune.pk, day))
                row = stored[(target.pk, commune.pk, day)]
                value = plain.unit_value(commune, target, day)
                assert close(row.value, value), (seed, target.code, commune.code, day)
                share = (
                    None if target.aggregation == "sum"
                    else target_status.completion(value, target.target_value, target.baseline,
                                                  target.direction)
                )
                assert close(row.completion, share), (seed, target.code, commune.code, day)
    assert set(stored) == expected_keys

    # Per target and day, and the plan's counts.
    window = target_status.trend_days()
    for day in days:
        tally = Counter()
        for target in targets:
            row = TargetDay.objects.get(target=target, date=day)
            value = plain.province_value(target, day)
            assert close(row.value, value), (seed, target.code, day)
            share = target_status.completion(
                value, target.target_value, target.baseline, target.direction
            )
            assert close(row.completion_percent, share * 100 if share is not None else None,
                         tol=0.01)
            past = [day - dt.timedelta(days=n) for n in range(window - 1, -1, -1)]
            history = [(d, plain.province_value(target, d)) for d in past]
            judged = target_status.status_for(target, day, value, history)
            assert row.status == judged.status, (seed, target.code, day)
            assert close(row.projected_value, judged.projected_value)
            if target.counts_in_plan:
                tally[judged.status] += 1
        plan_day = PlanDay.objects.get(plan=world.plan, date=day)
        assert plan_day.total == sum(tally.values())
        for status in ("completed", "on_track", "at_risk", "behind", "overdue", "no_data"):
            assert getattr(plan_day, status) == tally[status], (seed, day, status)

    # Reporting outcomes and compliance.
    reports = {(r.commune_id, r.date): r for r in DailyReport.objects.all()}
    for day in days:
        counts = Counter()
        for commune in world.communes:
            report = reports.get((commune.pk, day))
            row = CommuneDay.objects.filter(commune=commune, date=day).first()
            if not commune.is_active_on(day) and report is None:
                assert row is None
                continue
            outcome = plain.outcome(commune, day, report)
            assert (row.expected, row.outcome) == (deadlines.is_expected(commune, day), outcome)
            assert row.report_id == (report.pk if report else None)
            if row.expected:
                counts["expected"] += 1
                counts[outcome] += 1
        compliance = ComplianceDay.objects.get(province=world.province, date=day)
        assert compliance.expected == counts["expected"]
        assert compliance.on_time == counts["on_time"]
        assert compliance.late == counts["late"]
        assert compliance.actual == counts["on_time"] + counts["late"]
        assert compliance.returned == counts["returned"]


def test_running_twice_leaves_the_same_rows():
    world = make_world(random.Random(7), days=20)

    def snapshot():
        return (
            sorted(CommuneTargetDay.objects.values_list("target", "commune", "date", "value",
                                                        "completion")),
            sorted(TargetDay.objects.values_list("target", "date", "value", "status")),
            sorted(PlanDay.objects.values_list("plan", "date", "completed", "behind", "total")),
            sorted(CommuneDay.objects.values_list("commune", "date", "outcome", "report")),
            sorted(ComplianceDay.objects.values_list("date", "expected", "actual", "on_time")),
        )

    rollup_targets(world.start, world.end)
    rollup_compliance(world.start, world.end)
    first = snapshot()
    assert first[0] and first[3]
    rollup_targets(world.start, world.end)
    rollup_compliance(world.start, world.end)
    assert snapshot() == first
    # A single day inside the range, recomputed on its own, agrees with the range run.
    rollup_targets(world.end, world.end)
    assert snapshot() == first


def test_a_plan_counts_only_its_own_provinces_units(quangninh):
    world = make_world(random.Random(5), days=10)
    rollup_targets(world.end, world.end)
    rows = CommuneTargetDay.objects.filter(date=world.end)
    assert set(rows.filter(target__plan=world.plan).values_list("commune__province", flat=True)) \
        == {world.province.pk}
    others = rows.exclude(target__plan=world.plan)
    assert others.exists()
    assert world.province.pk not in set(others.values_list("commune__province", flat=True))
    assert others.values("commune").distinct().count() == 54
