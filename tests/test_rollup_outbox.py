"""The roll-up outbox: a committed report always leaves a request for its roll-up, the
after-commit nudge clears it, and the sweeper rolls up whatever a lost nudge left behind."""

import datetime as dt
from unittest import mock

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from reports import services
from reports.models import DailyReport, RollupRequest
from rollups.jobs import drain_rollup_requests, process_rollup_request
from rollups.models import CommuneDay

from .reports_helpers import MONDAY, at, values_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def monday_afternoon():
    """Every test submits Monday's report on Monday afternoon, before the cutoff."""
    with time_machine.travel(at(MONDAY, 16), tick=True):
        yield


def submit(focal, commune, day):
    return services.submit_report(focal, commune, day, values_for(5)).report


def test_the_request_is_written_in_the_reports_own_transaction(focal_a, commune_a):
    today = MONDAY
    with mock.patch("reports.rollup_queue._rollup_task"):
        with pytest.raises(RuntimeError), transaction.atomic():
            submit(focal_a, commune_a, today)
            assert RollupRequest.objects.filter(commune=commune_a, date=today).exists()
            raise RuntimeError("the request fails after the report was written")
    assert not DailyReport.objects.exists()
    assert not RollupRequest.objects.exists()  # rolled back with the report

    with mock.patch("reports.rollup_queue._rollup_task"):
        submit(focal_a, commune_a, today)
    assert RollupRequest.objects.filter(commune=commune_a, date=today).count() == 1


def test_the_nudge_rolls_up_the_day_and_clears_the_request(
    focal_a, commune_a, eager_celery, django_capture_on_commit_callbacks
):
    today = MONDAY
    with django_capture_on_commit_callbacks(execute=True):
        report = submit(focal_a, commune_a, today)
    assert CommuneDay.objects.get(commune=commune_a, date=today).report_id == report.pk
    assert not RollupRequest.objects.exists()


def test_a_lost_nudge_leaves_the_request_for_the_sweeper(
    focal_a, commune_a, django_capture_on_commit_callbacks, caplog
):
    today = MONDAY
    with mock.patch("reports.rollup_queue._rollup_task") as task_lookup:
        task_lookup.return_value.apply_async.side_effect = ConnectionError("redis down")
        with django_capture_on_commit_callbacks(execute=True):
            report = submit(focal_a, commune_a, today)
    assert "stays in the outbox" in caplog.text
    assert not CommuneDay.objects.filter(commune=commune_a, date=today).exists()

    # Fresh requests are left to their own nudge for a grace period...
    assert drain_rollup_requests(older_than=dt.timedelta(minutes=5)) == 0
    assert RollupRequest.objects.count() == 1
    # ...then the sweeper rolls them up and clears them.
    assert drain_rollup_requests() == 1
    assert CommuneDay.objects.get(commune=commune_a, date=today).report_id == report.pk
    assert not RollupRequest.objects.exists()
    assert drain_rollup_requests() == 0


def test_a_change_arriving_during_a_rollup_is_not_cleared_with_it(focal_a, commune_a):
    today = MONDAY
    with mock.patch("reports.rollup_queue._rollup_task"):
        submit(focal_a, commune_a, today)
    later = timezone.now() + dt.timedelta(seconds=5)

    def newer_change_meanwhile(*args, **kwargs):
        RollupRequest.objects.filter(commune=commune_a, date=today).update(requested_at=later)

    with mock.patch("rollups.jobs.rollup_after_submission", side_effect=newer_change_meanwhile):
        process_rollup_request(commune_a.pk, today)
    assert RollupRequest.objects.get(commune=commune_a, date=today).requested_at == later


def test_returning_a_report_requests_its_rollup_too(focal_a, official, commune_a):
    today = MONDAY
    with mock.patch("reports.rollup_queue._rollup_task"):
        report = submit(focal_a, commune_a, today)
        RollupRequest.objects.all().delete()
        services.return_report(official, report, "thiếu số liệu")
    assert RollupRequest.objects.filter(commune=commune_a, date=today).count() == 1


def test_one_nudge_rolls_up_every_waiting_unit_day_of_the_province(
    focal_a, focal_b, commune_a, commune_b, django_capture_on_commit_callbacks
):
    """Coalesced: the submissions that arrive while a roll-up runs cost one pass, and the
    nudges whose requests that pass took do nothing."""
    today = MONDAY
    with mock.patch("reports.rollup_queue._rollup_task") as task_lookup:
        with django_capture_on_commit_callbacks(execute=True):
            report_a = submit(focal_a, commune_a, today)
            report_b = submit(focal_b, commune_b, today)
            yesterday = submit(focal_a, commune_a, today - dt.timedelta(days=1))
    nudges = [call.args[0] + (call.args[1]["requested_at"],)
              for call in task_lookup.return_value.apply_async.call_args_list]
    assert len(nudges) == 3 and RollupRequest.objects.count() == 3

    first, *others = nudges
    process_rollup_request(first[0], dt.date.fromisoformat(first[1]),
                           dt.datetime.fromisoformat(first[2]))
    assert not RollupRequest.objects.exists()
    for unit, report in ((commune_a, report_a), (commune_b, report_b)):
        assert CommuneDay.objects.get(commune=unit, date=today).report_id == report.pk
    assert CommuneDay.objects.get(commune=commune_a, date=yesterday.date).report_id == \
        yesterday.pk

    with mock.patch("rollups.jobs.rollup_after_submission") as rollup:
        for commune_id, day, requested_at in others:
            process_rollup_request(commune_id, dt.date.fromisoformat(day),
                                   dt.datetime.fromisoformat(requested_at))
    rollup.assert_not_called()


def test_a_nudge_still_rolls_up_a_change_made_after_the_pass_read_it(focal_a, commune_a):
    today = MONDAY
    with mock.patch("reports.rollup_queue._rollup_task"):
        submit(focal_a, commune_a, today)
    newer = timezone.now() + dt.timedelta(seconds=5)
    RollupRequest.objects.filter(commune=commune_a, date=today).update(requested_at=newer)
    with mock.patch("rollups.jobs.rollup_after_submission") as rollup:
        process_rollup_request(commune_a.pk, today, newer - dt.timedelta(seconds=5))
    rollup.assert_called_once()
    assert not RollupRequest.objects.exists()
