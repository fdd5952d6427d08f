"""The benchmark harness cannot rot: a tiny province run (3 days, one repeat) of the seeding
and of the pages suite over real HTTP, against the test database.

Timings are not asserted here (the harness reports them against the issue's bars); what is
asserted is that the seeded data is what the app itself would have written, and that every
page of every account answers with a time and a query count.
"""

import datetime as dt

import pytest
from django.conf import global_settings
from django.db.models import Count
from django.utils import timezone

from benchmarks import pages, scenarios
from benchmarks.accounts import PASSWORD
from benchmarks.results import Context
from benchmarks.seeding import seed
from benchmarks.services import gunicorn
from communes.models import Commune
from reports import deadlines
from reports.models import DailyReport, ReportRevision, ReportValue, ValueChange
from rollups.models import CommuneDay, TargetDay
from targets.models import Target
from tests.celery_worker import worker_database_url

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def seeded(settings):
    # gunicorn checks passwords with the deployment's hashers, not the tests' fast MD5.
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    return seed("province", days=3)


def test_harness_seeds_then_times_every_page_over_http(seeded):
    _seeding_writes_what_a_first_submission_writes(seeded)
    _pages_suite_times_every_page(seeded)


def _seeding_writes_what_a_first_submission_writes(seeded):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    assert (seeded.start, seeded.end) == (yesterday - dt.timedelta(days=2), yesterday)
    assert seeded.units == Commune.objects.count() == 54
    reports = DailyReport.objects.all()
    assert reports.count() == seeded.reports > 0
    assert {report.date for report in reports} <= {seeded.start, seeded.end,
                                                    seeded.start + dt.timedelta(days=1)}
    # Every report carries each daily count of the plan in force, once.
    counts = set(Target.objects.reported_for(reports[0].commune, reports[0].date)
                 .values_list("pk", flat=True))
    assert len(counts) == 8
    per_report = reports.annotate(n=Count("values")).order_by().values_list("n", flat=True)
    assert set(per_report) == {8}
    assert ReportValue.objects.count() == seeded.values == 8 * seeded.reports
    assert set(ReportValue.objects.values_list("target_id", flat=True)) <= counts | set(
        Target.objects.reported_by_communes().values_list("pk", flat=True))
    # ... its first revision with the values as changes, and its history row.
    assert ReportRevision.objects.filter(version=1, kind="submitted").count() == seeded.reports
    assert ValueChange.objects.count() == seeded.values
    assert DailyReport.history.filter(history_type="+").count() == seeded.reports
    # Lateness follows the deadline rule; a report submitted later gets the next free id.
    assert all(report.is_late == deadlines.is_late(report.date, report.submitted_at)
               for report in reports)
    later = DailyReport.objects.create(commune=reports[0].commune, date=timezone.localdate(),
                                       submitted_at=timezone.now())
    assert later.pk > max(report.pk for report in reports)
    later.delete()
    # The roll-ups were built over the seeded days.
    assert CommuneDay.objects.filter(date=seeded.end).count() == 54
    assert TargetDay.objects.filter(date=seeded.end).exists()


def _pages_suite_times_every_page(seeded):
    ctx = Context(scale="province", days=3, repeat=1, start=seeded.start, end=seeded.end,
                  password=PASSWORD)
    # Every page of every account answers the test client (and has a query count)...
    for account in scenarios.accounts():
        counts = pages.query_counts(account.username, account.pages)
        assert set(counts) == {page.name for page in account.pages}
        assert all(count > 0 for count in counts.values())
    # ... and some are timed over real HTTP after logging in through the form (all of them
    # would take minutes on a busy machine; `python -m benchmarks` does that).
    env = {**pages.SERVER_ENV, "DATABASE_URL": worker_database_url()}
    with gunicorn(workers=1, threads=2, env=env) as base_url:
        results = pages.measure(ctx, base_url, only="units")
    assert {result.scenario for result in results} == {"baseline: login page (no data)"} | {
        f"{name} ({who})" for who in ("official", "national")
        for name in ("units", "units: export CSV", "units: export XLSX")}
    assert {result.measurement for result in results} == {
        "median, real HTTP", "p95, real HTTP", "SQL queries"}
    for result in results:
        assert result.value > 0, result
        if result.measurement.startswith("median") and "baseline" not in result.scenario:
            assert result.bar == pages.MEDIAN_BAR_MS["province"]
