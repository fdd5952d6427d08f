"""seed_demo: Quang Ninh's demo as before plus a national login; --provinces adds provinces."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from communes.models import Commune, Province, User
from reports.demo import DEMO_PASSWORD
from reports.models import DailyReport, ReportValue
from targets.models import Plan

END = dt.date(2026, 11, 27)


def _history():
    return sorted(DailyReport.objects.values_list("commune__code", "date", "is_late"))


def test_without_provinces_it_seeds_quang_ninh_only_and_adds_a_national_login(quangninh):
    with transaction.atomic():
        call_command("seed_demo", "--days", "5", "--seed", "1", "--end", END.isoformat())
        first = _history()
        transaction.set_rollback(True)
    call_command("seed_demo", "--days", "5", "--seed", "1", "--end", END.isoformat())
    assert _history() == first  # deterministic with --seed
    codes = {code for code, _day, _late in first}
    assert set(Commune.objects.filter(code__in=codes).values_list("province__code", flat=True)
               ) == {"22"}
    assert Province.objects.count() == 1
    assert set(Plan.objects.values_list("province__code", flat=True)) == {"22"}
    national = User.objects.get(username="national")
    assert (national.scope, national.province) == (User.Scope.NATIONAL, None)
    assert national.check_password(DEMO_PASSWORD)
    assert not User.objects.filter(username__startswith="official_").exists()


def test_provinces_get_units_a_demo_plan_history_and_an_official(client, quangninh):
    call_command("seed_demo", "--days", "3", "--seed", "1", "--end", END.isoformat(),
                 "--provinces", "22,01,79")
    assert set(Province.objects.values_list("code", flat=True)) == {"01", "22", "79"}
    source = Plan.objects.get(province__code="22", year=2026)
    for code in ("01", "79"):
        province = Province.objects.get(code=code)
        assert Commune.objects.filter(province=province).count() > 100
        plan = Plan.objects.get(province=province)
        assert plan.year == 2026 and "(demo)" in plan.title and plan.is_reconstruction
        assert sorted(plan.targets.values_list("code", flat=True)) == sorted(
            source.targets.values_list("code", flat=True))
        assert not plan.targets.exclude(programme_target=None).exists()
        # Rates name the counts of their own plan.
        for target in plan.targets.exclude(numerator=None):
            assert target.numerator.plan == plan and target.denominator.plan == plan
        # Reports of its units hold values of its own plan's targets only.
        assert DailyReport.objects.filter(commune__province=province).exists()
        assert not ReportValue.objects.filter(report__commune__province=province).exclude(
            target__plan=plan).exists()
        official = User.objects.get(username=f"official_{code}")
        assert (official.scope, official.province) == (User.Scope.PROVINCE, province)
    # Quang Ninh's history is the same as without --provinces.
    assert DailyReport.objects.filter(commune__province__code="22").exists()
    national = User.objects.get(username="national")
    client.force_login(national)
    page = client.get(reverse("national:index")).content.decode()
    for name in ("Quảng Ninh", "Thành phố Hà Nội", "Thành phố Hồ Chí Minh"):
        assert name in page


@pytest.mark.django_db
def test_unknown_province_is_refused(quangninh):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("seed_demo", "--days", "1", "--provinces", "23")


def test_the_demo_holds_no_report_submitted_in_the_future(quangninh):
    # Late habits draw submissions up to 90 h after their day: for the last days of a demo
    # ending today, those reports have not arrived yet, so they are not created.
    import time_machine
    from django.utils import timezone

    morning = dt.datetime(2026, 11, 27, 9, 0, tzinfo=timezone.get_current_timezone())
    with time_machine.travel(morning, tick=False):
        call_command("seed_demo", "--days", "10", "--seed", "1", "--end", END.isoformat())
        now = timezone.now()
    assert DailyReport.objects.filter(date__gte=END - dt.timedelta(days=3)).exists()
    assert not DailyReport.objects.filter(submitted_at__gt=now).exists()
