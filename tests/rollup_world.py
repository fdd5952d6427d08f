"""A small random province for roll-up tests: a few units, every kind of target, and a random
history of reports (some late, some returned) and administrator measurements."""

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from communes.models import Commune, Province
from reports import deadlines
from reports.models import DailyReport, Holiday, ReportValue
from targets.models import Pillar, Plan, Target, TargetMeasurement

YEAR = 2025


@dataclass
class World:
    province: Province
    plan: Plan
    communes: list[Commune]
    targets: dict[str, Target]
    start: dt.date
    end: dt.date


def _target(plan, pillar, code, **fields) -> Target:
    defaults = {
        "name_vi": code, "name_en": code, "pillar": pillar, "unit": "count",
        "source": "commune_daily", "aggregation": "sum", "counts_in_plan": True,
        "deadline": dt.date(YEAR, 12, 31),
    }
    return Target.objects.create(plan=plan, code=code, **{**defaults, **fields})


def make_world(rng: random.Random, days: int = 40, end: dt.date = dt.date(YEAR, 8, 20)) -> World:
    province = Province.objects.create(code="99", name="Tỉnh thử")
    communes = [
        Commune.objects.create(
            province=province, code=f"9{i:04d}", name=f"Xã {i}", kind="commune",
            population=rng.choice([None, rng.randint(1000, 50000)]),
            active_from=rng.choice([dt.date(YEAR, 7, 1), dt.date(YEAR, 7, 20)]),
            active_until=rng.choice([None, None, None, dt.date(YEAR, 8, 10)]),
        )
        for i in range(5)
    ]
    Holiday.objects.get_or_create(date=dt.date(YEAR, 9, 2), defaults={"name": "Quốc khánh"})
    Holiday.objects.get_or_create(date=dt.date(YEAR, 8, 4), defaults={"name": "Nghỉ bù thử"})
    plan = Plan.objects.create(province=province, year=YEAR, title="Kế hoạch thử")
    pillar, _ = Pillar.objects.get_or_create(
        code="test", defaults={"name_vi": "Thử", "name_en": "Test"}
    )
    t = {}
    t["received"] = _target(plan, pillar, "received", counts_in_plan=False)
    t["online"] = _target(plan, pillar, "online", counts_in_plan=False)
    t["sum"] = _target(plan, pillar, "sum", target_value=Decimal(rng.randint(50, 400)))
    t["mean"] = _target(plan, pillar, "mean", aggregation="mean",
                        target_value=Decimal(rng.randint(20, 120)), baseline=Decimal(5))
    t["weighted"] = _target(plan, pillar, "weighted", aggregation="weighted_mean",
                            target_value=Decimal(rng.randint(20, 120)))
    t["latest"] = _target(plan, pillar, "latest", aggregation="latest", is_cumulative=True,
                          target_value=Decimal(rng.randint(20, 80)))
    t["lower"] = _target(plan, pillar, "lower", aggregation="mean", direction="lower",
                         is_cumulative=True, baseline=Decimal(60), target_value=Decimal(10))
    t["ratio"] = _target(plan, pillar, "ratio", unit="percent", source="derived",
                         aggregation="ratio", numerator=t["online"], denominator=t["received"],
                         target_value=Decimal(rng.choice([60, 80, 95])))
    t["province"] = _target(plan, pillar, "province", unit="percent", source="province",
                            aggregation="latest", target_value=Decimal(90),
                            baseline=Decimal(rng.choice([0, 20])))
    t["manual"] = _target(plan, pillar, "manual", unit="percent", source="province",
                          aggregation="latest", target_value=Decimal(100),
                          manual_status="completed")
    start = end - dt.timedelta(days=days - 1)
    tz = timezone.get_current_timezone()
    reported = [t[k] for k in ("received", "sum", "mean", "weighted", "latest", "lower")]
    for commune in communes:
        cumulative = {"latest": 0, "lower": 60}
        for day in deadlines.date_range(start, end):
            if not commune.is_active_on(day) or rng.random() < 0.3:
                continue
            submitted = dt.datetime.combine(day, dt.time(), tzinfo=tz) + dt.timedelta(
                hours=rng.uniform(10, 60)
            )
            report = DailyReport.objects.create(
                commune=commune, date=day, submitted_at=submitted,
                is_late=deadlines.is_late(day, submitted),
                status=rng.choice(["submitted"] * 6 + ["returned"]),
            )
            received = rng.randint(0, 30)
            cumulative["latest"] = min(100, cumulative["latest"] + rng.randint(0, 5))
            cumulative["lower"] = max(0, cumulative["lower"] - rng.randint(0, 3))
            amounts = {
                "received": received, "online": rng.randint(0, received),
                "sum": rng.randint(0, 9), "mean": rng.randint(0, 9),
                "weighted": rng.randint(0, 9), **cumulative,
            }
            ReportValue.objects.bulk_create(
                ReportValue.for_target(t[code], report=report, value=Decimal(amount))
                for code, amount in amounts.items()
                if t[code] in reported or code == "online"
            )
    for day in sorted(rng.sample(range(days + 30), 4)):
        TargetMeasurement.objects.create(
            target=t["province"], date=start - dt.timedelta(days=30) + dt.timedelta(days=day),
            value=Decimal(rng.randint(20, 95)),
        )
    return World(province, plan, communes, t, start, end)
