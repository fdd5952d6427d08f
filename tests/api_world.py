"""Two provinces for the API tests: Quang Ninh (P, units A and B) and a small province Q, each
with reports, a province measurement and roll-ups; the six people of the route × scope test
and a token helper. Q's identifiers all contain "QQ", B's unit code is 07192, so a leak is a
plain substring of a response."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
import time_machine

from communes import roles
from communes.models import Commune, Province
from communes.tokens import ApiToken
from reports import services
from rollups.jobs import rollup_range
from targets.models import Pillar, Plan, Target, TargetMeasurement
from tests.conftest import make_user
from tests.reports_helpers import MONDAY, at

Q_MARK = "QQ"
B_CODE = "07192"


def token_for(user, name: str = "test system") -> str:
    token = ApiToken(user=user, name=name)
    secret = token.issue()
    token.save()
    return secret


def auth(secret: str | None) -> dict:
    return {"HTTP_AUTHORIZATION": f"Token {secret}"} if secret else {}


@dataclass
class ApiWorld:
    province_q: Province
    unit_q: Commune
    plan_q: Plan
    targets_q: list[Target]
    province_target_p: Target


@pytest.fixture
def api_clock():
    """Monday 8/9/2025, 16:00 in Ha Noi: MONDAY's report is open and on time."""
    with time_machine.travel(at(MONDAY, 16), tick=False) as traveller:
        yield traveller


def _province_target(plan: Plan, code: str) -> Target:
    return Target.objects.create(
        plan=plan, code=code, name_vi=code, name_en=code, pillar=Pillar.objects.first(),
        unit=Target.Unit.PERCENT, source=Target.Source.PROVINCE,
        aggregation=Target.Aggregation.LATEST, target_value=Decimal(90),
    )


@pytest.fixture
def api_world(quangninh, api_clock, commune_a, commune_b, focal_a, focal_b):
    province_q = Province.objects.create(code=Q_MARK, name="Tỉnh QQ")
    unit_q = Commune.objects.create(province=province_q, code="QQ001", name="Xã QQ",
                                    kind="commune", former_area="Huyện QQ")
    plan_q = Plan.objects.create(province=province_q, year=2025, title="Kế hoạch QQ")
    pillar = Pillar.objects.first()
    daily_q = Target.objects.create(
        plan=plan_q, code="QQ-D1", name_vi="QQ đếm", name_en="QQ count", pillar=pillar,
        unit="count", source="commune_daily", aggregation="sum", target_value=Decimal(100),
    )
    measured_q = _province_target(plan_q, "QQ-M1")
    plan_p = Plan.objects.get(province__code=commune_a.province.code, year=2025)
    measured_p = _province_target(plan_p, "CX-M1")
    focal_q = make_user(type(focal_a), "focal_qq", roles.FOCAL_POINTS, [unit_q])
    day = MONDAY - dt.timedelta(days=1 if MONDAY.weekday() else 3)
    now = at(MONDAY, 9)
    for user, unit, note in ((focal_a, commune_a, "A-note"), (focal_b, commune_b, "B-note"),
                             (focal_q, unit_q, "QQ-note")):
        values = {target.pk: Decimal(3) for target in Target.objects.reported_for(unit, day)}
        services.submit_report(user, unit, day, values, note=note, now=now)
    TargetMeasurement.objects.create(target=measured_q, date=day, value=Decimal(40))
    TargetMeasurement.objects.create(target=measured_p, date=day, value=Decimal(50))
    rollup_range(day - dt.timedelta(days=3), MONDAY)
    return ApiWorld(province_q, unit_q, plan_q, [daily_q, measured_q], measured_p)


@pytest.fixture
def official_q(django_user_model, api_world):
    return make_user(django_user_model, "official_qq", roles.PROVINCIAL_OFFICIALS,
                     scope="province", province=api_world.province_q)


@pytest.fixture
def national(django_user_model, quangninh):
    return make_user(django_user_model, "national", roles.PROVINCIAL_OFFICIALS,
                     scope="national")
