"""Roll-up rows for dashboard tests, written directly (the Celery roll-ups live elsewhere).

`fill_rollups(today, days)` gives every active unit a deterministic outcome per day and derives
the province tables from those same rows, so the figures a page shows can be recomputed here.
`SMALL` and `LARGE` are the two sizes query-count tests compare.
"""

import datetime as dt
import random
from collections import Counter
from decimal import Decimal

import factory

from communes.models import Commune
from reports.models import ReportOutcome
from rollups.models import CommuneDay, CommuneTargetDay, ComplianceDay, PlanDay, TargetDay
from targets.models import Plan, Target, TargetStatus

SMALL = {"days": 3, "extra_units": 0, "extra_targets": 0}
LARGE = {"days": 40, "extra_units": 12, "extra_targets": 6}
REPORTED = (ReportOutcome.ON_TIME, ReportOutcome.LATE, ReportOutcome.RETURNED)


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune

    province = factory.LazyFunction(lambda: Commune.objects.first().province)
    code = factory.Sequence(lambda n: f"9{n:04d}")
    name = factory.Sequence(lambda n: f"Xã Thử {n}")
    kind = Commune.Kind.COMMUNE
    former_area = "Huyện Thử"


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    plan = factory.LazyFunction(lambda: Plan.objects.first())
    code = factory.Sequence(lambda n: f"T-{n:03d}")
    name_vi = factory.Sequence(lambda n: f"Chỉ tiêu thử {n}")
    name_en = factory.Sequence(lambda n: f"Test target {n}")
    pillar = factory.LazyAttribute(lambda o: o.plan.targets.first().pillar)
    unit = Target.Unit.PERCENT
    target_value = Decimal("80")
    source = Target.Source.PROVINCE
    aggregation = Target.Aggregation.LATEST
    responsible_agency = "Sở Thử nghiệm"


class CommuneDayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommuneDay

    expected = True
    outcome = ReportOutcome.ON_TIME


class TargetDayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TargetDay

    status = TargetStatus.ON_TRACK


def _outcome(rng: random.Random, day: dt.date, today: dt.date, reliability: float) -> str:
    if day.weekday() >= 5:
        return ReportOutcome.NOT_EXPECTED
    if day >= today - dt.timedelta(days=1):
        # Today and yesterday are still before their deadline unless already reported.
        return ReportOutcome.ON_TIME if rng.random() < reliability / 2 else ReportOutcome.PENDING
    draw = rng.random()
    if draw < reliability:
        return ReportOutcome.ON_TIME
    if draw < reliability + (1 - reliability) / 2:
        return ReportOutcome.LATE
    if draw < reliability + 0.6 * (1 - reliability):
        return ReportOutcome.RETURNED
    return ReportOutcome.MISSING


def fill_rollups(today: dt.date, days: int, extra_units: int = 0, extra_targets: int = 0,
                 seed: int = 1) -> dict:
    """Fill the roll-up tables for the `days` days ending `today`. Returns what it wrote."""
    rng = random.Random(seed)
    CommuneFactory.create_batch(extra_units)
    TargetFactory.create_batch(extra_targets)
    plan = Plan.objects.first()
    communes = list(Commune.objects.filter(is_active=True).order_by("code"))
    dates = [today - dt.timedelta(days=offset) for offset in range(days - 1, -1, -1)]

    reliability = {c.id: rng.choice((0.95, 0.8, 0.5)) for c in communes}
    commune_days = [
        CommuneDayFactory.build(
            commune=commune, date=day,
            outcome=(outcome := _outcome(rng, day, today, reliability[commune.id])),
            expected=outcome != ReportOutcome.NOT_EXPECTED,
        )
        for day in dates for commune in communes
    ]
    CommuneDay.objects.bulk_create(commune_days)

    compliance = []
    for day in dates:
        outcomes = Counter(row.outcome for row in commune_days if row.date == day)
        compliance.append(ComplianceDay(
            province=communes[0].province, date=day,
            expected=sum(n for o, n in outcomes.items() if o != ReportOutcome.NOT_EXPECTED),
            actual=sum(outcomes[o] for o in REPORTED), on_time=outcomes[ReportOutcome.ON_TIME],
            late=outcomes[ReportOutcome.LATE], returned=outcomes[ReportOutcome.RETURNED],
        ))
    ComplianceDay.objects.bulk_create(compliance)

    targets = list(plan.targets.in_plan().order_by("code"))
    statuses = [s for s in TargetStatus.values if s != TargetStatus.NO_DATA]
    target_days = []
    for target in targets:
        goal = float(target.target_value or 100)
        for index, day in enumerate(dates):
            value = round(goal * (0.5 + 0.5 * (index + 1) / days) * rng.uniform(0.8, 1.0), 2)
            status = (TargetStatus.COMPLETED if target.manual_status
                      else rng.choice(statuses[1:]) if index == days - 1 else TargetStatus.ON_TRACK)
            target_days.append(TargetDayFactory.build(
                target=target, date=day, value=Decimal(str(value)),
                completion_percent=Decimal(str(round(100 * value / goal, 2))),
                projected_value=Decimal(str(round(goal * 1.02, 2))), status=status,
            ))
    TargetDay.objects.bulk_create(target_days)

    for day in dates:
        counts = Counter(row.status for row in target_days if row.date == day)
        PlanDay.objects.create(plan=plan, date=day, total=len(targets), **{
            status: counts[status] for status in TargetStatus.values
        })

    # The plan's computed rates (whose province values are in TargetDay) and two daily counts.
    per_unit_targets = [
        *plan.targets.filter(source=Target.Source.DERIVED).order_by("code"),
        *plan.targets.filter(source=Target.Source.COMMUNE_DAILY).order_by("code")[:2],
    ]
    CommuneTargetDay.objects.bulk_create(
        CommuneTargetDay(
            target=target, commune=commune, date=day,
            value=Decimal(rng.randint(0, 100)), completion=Decimal(str(round(rng.random(), 4))),
        )
        for day in dates[-3:] for commune in communes for target in per_unit_targets
    )
    return {"communes": communes, "dates": dates, "commune_days": commune_days,
            "compliance": compliance, "target_days": target_days, "targets": targets}
