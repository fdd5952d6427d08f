"""The database itself refuses bad report data, whatever code path writes it."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from reports.models import DailyReport, ReportValue
from targets.models import Target

DAY = dt.date(2025, 9, 1)


@pytest.fixture
def report(commune_a):
    return DailyReport.objects.create(commune=commune_a, date=DAY, submitted_at=timezone.now())


@pytest.fixture
def count_target(quangninh):
    return Target.objects.get(plan__year=2025, code="CX-01")


@pytest.fixture
def percent_target(quangninh):
    return Target.objects.get(plan__year=2025, code="VN749-DG-02")


def test_second_report_for_the_same_unit_and_day_is_refused(report, commune_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        DailyReport.objects.create(commune=commune_a, date=DAY, submitted_at=timezone.now())


def test_reports_for_other_days_and_units_are_accepted(report, commune_a, commune_b):
    DailyReport.objects.create(commune=commune_a, date=DAY + dt.timedelta(days=1),
                               submitted_at=timezone.now())
    DailyReport.objects.create(commune=commune_b, date=DAY, submitted_at=timezone.now())
    assert DailyReport.objects.count() == 3


def test_second_value_for_the_same_target_is_refused(report, count_target):
    ReportValue.for_target(count_target, report=report, value=5).save()
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportValue.for_target(count_target, report=report, value=6).save()


def test_negative_value_is_refused_by_the_database(report, count_target):
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportValue.objects.bulk_create(
            [ReportValue.for_target(count_target, report=report, value=Decimal("-1"))]
        )


def test_percentage_over_100_is_refused_by_the_database(report, percent_target):
    with pytest.raises(IntegrityError), transaction.atomic():
        # bulk_create skips save(): the CHECK constraint alone has to stop it.
        ReportValue.objects.bulk_create(
            [ReportValue.for_target(percent_target, report=report, value=Decimal("100.5"))]
        )


def test_percentage_flag_cannot_be_dodged_through_save(report, percent_target):
    value = ReportValue(report=report, target=percent_target, value=Decimal("150"))
    with pytest.raises(IntegrityError), transaction.atomic():
        value.save()


def test_boundary_values_are_accepted(report, count_target, percent_target):
    ReportValue.for_target(percent_target, report=report, value=Decimal("100")).save()
    ReportValue.for_target(count_target, report=report, value=Decimal("0")).save()
    assert report.values.count() == 2


def test_count_above_100_is_fine(report, count_target):
    ReportValue.for_target(count_target, report=report, value=Decimal("250")).save()
    assert report.values.get().value == 250


def test_percent_target_value_over_100_is_refused(quangninh):
    target = Target.objects.get(plan__year=2025, code="VN749-DG-02")
    target.target_value = Decimal("120")
    with pytest.raises(IntegrityError), transaction.atomic():
        target.save()


def test_rate_target_must_name_its_counts(quangninh):
    target = Target.objects.get(plan__year=2025, code="QN-DG-03")
    target.numerator = None
    with pytest.raises(IntegrityError), transaction.atomic():
        target.save()
