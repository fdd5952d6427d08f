"""Submitting with an idempotency key: a retry of one submission is answered, never written
twice."""

import threading
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from reports import services
from reports.models import DailyReport, ReportRevision
from tests.reports_helpers import MONDAY, at, values_for


def submit(user, commune, amount=5, key=None, **kwargs):
    kwargs.setdefault("now", at(MONDAY, 16))
    return services.submit_report(
        user, commune, MONDAY, values_for(amount), idempotency_key=key, **kwargs
    )


@pytest.mark.django_db
def test_same_key_twice_gives_the_same_result_and_one_revision(focal_a, commune_a):
    key = uuid.uuid4()
    first = submit(focal_a, commune_a, key=key, expected_version=0)
    again = submit(focal_a, commune_a, key=str(key), expected_version=0, now=at(MONDAY, 18))
    assert ReportRevision.objects.count() == 1
    assert again.replayed and not first.replayed
    assert (again.report.pk, again.revision.pk, again.created) == (
        first.report.pk, first.revision.pk, True
    )
    assert again.revision.changed_at == at(MONDAY, 16)  # the stored result, not a new one
    assert {c.pk for c in again.changes} == {c.pk for c in first.changes}
    assert ReportRevision.objects.get().idempotency_key == key


@pytest.mark.django_db
def test_a_retry_is_answered_even_after_a_newer_edit(focal_a, commune_a):
    """The first try's answer was lost; meanwhile the report moved on. The retry must not be
    taken for a stale edit, nor overwrite the newer one."""
    key = uuid.uuid4()
    submit(focal_a, commune_a, amount=5, key=key, expected_version=0)
    submit(focal_a, commune_a, amount=7, key=uuid.uuid4(), expected_version=1)
    retry = submit(focal_a, commune_a, amount=5, key=key, expected_version=0)
    assert retry.replayed and retry.revision.version == 1
    report = DailyReport.objects.get()
    assert report.version == 2
    assert {v.value for v in report.values.all()} == {7}


@pytest.mark.django_db
def test_an_edit_retried_gives_one_edit(focal_a, commune_a):
    submit(focal_a, commune_a, amount=5, key=uuid.uuid4(), expected_version=0)
    key = uuid.uuid4()
    edit = submit(focal_a, commune_a, amount=6, key=key, expected_version=1)
    retry = submit(focal_a, commune_a, amount=6, key=key, expected_version=1)
    assert retry.replayed and retry.revision == edit.revision and not retry.created
    assert list(ReportRevision.objects.values_list("kind", flat=True)) == ["submitted", "edited"]


@pytest.mark.django_db
def test_a_different_key_with_identical_content_is_todays_no_op(focal_a, commune_a):
    first = submit(focal_a, commune_a, key=uuid.uuid4(), expected_version=0)
    second = submit(focal_a, commune_a, key=uuid.uuid4(), expected_version=0)
    assert second.revision is None and not second.replayed
    assert second.report.pk == first.report.pk
    assert ReportRevision.objects.count() == 1


@pytest.mark.django_db
def test_a_different_key_on_an_older_version_is_still_a_conflict(focal_a, commune_a):
    submit(focal_a, commune_a, amount=5, key=uuid.uuid4(), expected_version=0)
    with pytest.raises(services.StaleReport):
        submit(focal_a, commune_a, amount=8, key=uuid.uuid4(), expected_version=0)
    assert ReportRevision.objects.count() == 1


@pytest.mark.django_db
def test_the_key_of_another_unit_or_day_is_not_a_replay(focal_a, focal_b, commune_a, commune_b):
    key = uuid.uuid4()
    submit(focal_a, commune_a, key=key)
    other = submit(focal_b, commune_b, key=key)
    assert not other.replayed and other.created
    assert ReportRevision.objects.count() == 2


@pytest.mark.django_db
def test_a_key_that_is_not_a_uuid_is_refused(focal_a, commune_a):
    with pytest.raises(ValidationError):
        submit(focal_a, commune_a, key="not-a-key")
    assert not DailyReport.objects.exists()


@pytest.mark.django_db
def test_a_replay_needs_the_right_to_report(focal_a, focal_b, commune_a):
    key = uuid.uuid4()
    submit(focal_a, commune_a, key=key)
    with pytest.raises(services.PermissionDenied):
        submit(focal_b, commune_a, key=key)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_key_posted_twenty_times_at_once_gives_one_revision(focal_a, commune_a):
    key = uuid.uuid4()
    start = threading.Barrier(20, timeout=30)
    outcomes = [None] * 20

    def run(index):
        try:
            start.wait()
            outcomes[index] = submit(focal_a, commune_a, key=key, expected_version=0)
        except Exception as error:  # recorded for the assertions
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(isinstance(outcome, services.SubmitResult) for outcome in outcomes), outcomes
    assert DailyReport.objects.count() == 1
    assert ReportRevision.objects.count() == 1
    revision = ReportRevision.objects.get()
    assert {outcome.revision.pk for outcome in outcomes} == {revision.pk}
    assert sum(not outcome.replayed for outcome in outcomes) == 1
