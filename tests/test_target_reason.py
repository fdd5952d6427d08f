"""A target's page says why it stands where it does, in one sentence."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from core.numbers import format_number
from dashboards.target_detail import status_reason
from rollups.models import TargetDay
from targets.models import Target, TargetStatus

pytestmark = pytest.mark.django_db


def test_projection_against_the_target(quangninh):
    target = Target.objects.get(code="VN942-DG-02", plan__year=2025)
    target.manual_status = ""
    target.deadline = dt.date(2026, 12, 31)
    day = TargetDay(target=target, date=dt.date(2026, 11, 29), value=Decimal("61.5"),
                    projected_value=Decimal("72.25"), status=TargetStatus.BEHIND)
    with translation.override("vi"):
        sentence = status_reason(target, day)
    assert "72,25%" in sentence and "31/12/2026" in sentence
    assert sentence.endswith(f"so với chỉ tiêu {format_number(target.target_value)}%.")


def test_status_set_by_an_administrator_says_when(quangninh):
    target = Target.objects.get(code="VN942-DG-02", plan__year=2025)
    target.manual_status = Target.ManualStatus.COMPLETED
    target.save()
    with translation.override("vi"):
        sentence = status_reason(target, None)
    assert sentence.startswith("Do quản trị viên đặt ngày ")
