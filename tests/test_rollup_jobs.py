"""Roll-up jobs on Quang Ninh data: after a submission, nightly repair, the rollup command."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from reports.models import DailyReport
from rollups.compliance import rollup_compliance
from rollups.jobs import first_stale_day, nightly_rollup, rollup_range
from rollups.models import CommuneDay, CommuneTargetDay, ComplianceDay, TargetDay
from targets.models import Target, TargetMeasurement

from .reporting import submit_report

pytestmark = pytest.mark.django_db


WEDNESDAY = dt.date(2025, 10, 15)
TZ = timezone.get_fixed_timezone(7 * 60)


def at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=TZ)


def value(code: str, commune, day: dt.date):
    return CommuneTargetDay.objects.get(target__code=code, commune=commune, date=day).value


def test_pending_until_the_deadline_then_missing(commune_a):
    with time_machine.travel(at(WEDNESDAY + dt.timedelta(days=1), 16), tick=False):
        rollup_compliance(WEDNESDAY, WEDNESDAY)
        assert CommuneDay.objects.get(commune=commune_a, date=WEDNESDAY).outcome == "pending"
    with time_machine.travel(at(WEDNESDAY + dt.timedelta(days=1), 18), tick=False):
        nightly_rollup(WEDNESDAY + dt.timedelta(days=1))
        assert CommuneDay.objects.get(commune=commune_a, date=WEDNESDAY).outcome == "missing"
    saturday = dt.date(2025, 10, 18)
    rollup_compliance(saturday, saturday)
    row = CommuneDay.objects.get(commune=commune_a, date=saturday)
    assert (row.expected, row.outcome) == (False, "not_expected")
    assert ComplianceDay.objects.get(date=saturday).expected == 0


def test_submission_rolls_up_the_day_and_the_running_totals_after_it(
    commune_a, django_capture_on_commit_callbacks, eager_celery
):
    monday = dt.date(2025, 10, 13)
    with time_machine.travel(at(WEDNESDAY, 20), tick=False):
        rollup_range(monday, WEDNESDAY)
        assert value("CX-01", commune_a, WEDNESDAY) is None
        # A backfilled Monday report (eager Celery here) moves Monday..today.
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            submit_report(commune_a, monday, {"CX-01": 10, "CX-03": 4},
                          submitted_at=at(WEDNESDAY, 20))
        assert len(callbacks) == 1
    assert CommuneDay.objects.get(commune=commune_a, date=monday).outcome == "late"
    for day in (monday, WEDNESDAY):
        assert value("CX-01", commune_a, day) == Decimal(10)
        assert value("VN942-DG-02", commune_a, day) == Decimal(40)  # 4 / 10 fully online
        assert TargetDay.objects.get(target__code="CX-01", date=day).value == Decimal(10)
    compliance = ComplianceDay.objects.get(date=monday)
    assert (compliance.expected, compliance.actual, compliance.late) == (54, 1, 1)


def test_nightly_repairs_a_day_whose_report_changed_after_its_rollup(commune_a):
    with time_machine.travel(at(WEDNESDAY, 10), tick=False):
        rollup_range(WEDNESDAY - dt.timedelta(days=20), WEDNESDAY)
        assert first_stale_day(WEDNESDAY) is None
    old_day = WEDNESDAY - dt.timedelta(days=10)
    with time_machine.travel(at(WEDNESDAY, 11), tick=False):
        # Saved without a roll-up, as when the broker was down.
        report = DailyReport.objects.create(
            commune=commune_a, date=old_day, submitted_at=timezone.now(), is_late=True
        )
        report.values.create(target=Target.objects.get(plan__year=2025, code="CX-01"), value=7)
        assert first_stale_day(WEDNESDAY) == old_day
    with time_machine.travel(at(WEDNESDAY + dt.timedelta(days=1), 0), tick=False):
        nightly_rollup(WEDNESDAY + dt.timedelta(days=1))
    assert CommuneDay.objects.get(commune=commune_a, date=old_day).outcome == "late"
    assert value("CX-01", commune_a, WEDNESDAY) == Decimal(7)
    assert first_stale_day(WEDNESDAY + dt.timedelta(days=1)) is None


def test_nightly_repairs_a_deleted_report_and_a_value_edited_in_the_admin(commune_a):
    monday = dt.date(2025, 10, 13)
    with time_machine.travel(at(monday, 10), tick=False):
        kept = DailyReport.objects.create(commune=commune_a, date=monday,
                                          submitted_at=timezone.now())
        cx_01 = Target.objects.get(plan__year=2025, code="CX-01")
        count = kept.values.create(target=cx_01, value=3)
        gone = DailyReport.objects.create(commune=commune_a, date=WEDNESDAY,
                                          submitted_at=timezone.now())
        rollup_range(monday, WEDNESDAY)
        assert first_stale_day(WEDNESDAY) is None
    with time_machine.travel(at(WEDNESDAY, 21), tick=False):
        gone.delete()
        assert first_stale_day(WEDNESDAY) == WEDNESDAY
        count.value = 8
        count.save()  # the report itself is untouched
        assert first_stale_day(WEDNESDAY) == monday
        nightly_rollup(WEDNESDAY)
    assert CommuneDay.objects.get(commune=commune_a, date=WEDNESDAY).outcome == "pending"
    assert value("CX-01", commune_a, WEDNESDAY) == Decimal(8)
    assert first_stale_day(WEDNESDAY) is None


def test_nightly_picks_up_a_measurement_entered_by_an_administrator(quangninh):
    target = Target.objects.get(plan__year=2025, code="VN749-DG-02")  # 60%, province level
    with time_machine.travel(at(WEDNESDAY, 10), tick=False):
        rollup_range(WEDNESDAY - dt.timedelta(days=5), WEDNESDAY)
    assert TargetDay.objects.get(target=target, date=WEDNESDAY).status == "no_data"
    with time_machine.travel(at(WEDNESDAY, 11), tick=False):
        TargetMeasurement.objects.create(target=target, date=WEDNESDAY - dt.timedelta(days=5),
                                         value=Decimal("61.5"))
        nightly_rollup(WEDNESDAY)
    row = TargetDay.objects.get(target=target, date=WEDNESDAY)
    assert (row.value, row.status) == (Decimal("61.5"), "completed")
    assert row.completion_percent == Decimal("102.50")


def test_rollup_command_rebuilds_a_range(quangninh):
    call_command("rollup", "--from", "2025-10-01", "--to", "2025-10-31")
    assert TargetDay.objects.filter(date__range=("2025-10-01", "2025-10-31")).count() == 31 * 30
    assert CommuneDay.objects.filter(date="2025-10-10").count() == 54


def test_huge_daily_counts_do_not_break_the_running_totals(commune_a):
    """Values the form accepts (up to 999.999.999.999) summed over days must still fit."""
    biggest = 999_999_999_999
    for day in (WEDNESDAY - dt.timedelta(days=1), WEDNESDAY):
        submit_report(commune_a, day, {"CX-01": biggest}, submitted_at=at(day, 16))
    rollup_range(WEDNESDAY - dt.timedelta(days=1), WEDNESDAY)
    assert value("CX-01", commune_a, WEDNESDAY) == Decimal(2 * biggest)


def test_a_submission_recomputes_only_its_own_province(commune_a):
    from communes.models import Commune, Province
    from rollups.jobs import rollup_after_submission

    other = Province.objects.create(code="99", name="Tỉnh khác")
    far_unit = Commune.objects.create(province=other, code="99001", name="Xã xa",
                                      kind=Commune.Kind.COMMUNE)
    with time_machine.travel(at(WEDNESDAY, 10), tick=False):
        rollup_after_submission(commune_a.pk, WEDNESDAY)
    assert CommuneDay.objects.filter(commune=commune_a, date=WEDNESDAY).exists()
    assert not CommuneDay.objects.filter(commune=far_unit).exists()
    assert list(ComplianceDay.objects.filter(date=WEDNESDAY).values_list(
        "province__code", flat=True)) == ["22"]
    # The nightly rebuild still covers every province.
    rollup_range(WEDNESDAY, WEDNESDAY)
    assert ComplianceDay.objects.filter(date=WEDNESDAY).count() == 2
