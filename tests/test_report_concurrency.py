"""Two first submissions at once, against PostgreSQL's real locking: one report, a true history."""

import threading
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection

from communes import roles
from reports import deadlines, services
from reports.models import DailyReport, ReportRevision, ReportValue
from tests.conftest import make_user
from tests.reports_helpers import MONDAY, at, values_for

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(submissions):
    """Run each (user, values, expected_version) in its own thread. Both threads pass the
    "no report yet" check before either inserts (a barrier inside `is_late`, which only the
    create path calls), so the unique constraint, not luck, decides."""
    barrier = threading.Barrier(len(submissions), timeout=20)
    real_is_late = deadlines.is_late
    outcomes = [None] * len(submissions)

    def is_late_after_everyone_looked(*args, **kwargs):
        barrier.wait()
        return real_is_late(*args, **kwargs)

    def run(index, user, commune, values, expected_version):
        try:
            outcomes[index] = services.submit_report(
                user, commune, MONDAY, values, expected_version=expected_version,
                now=at(MONDAY, 16),
            )
        except Exception as error:  # recorded for the assertions
            outcomes[index] = error
        finally:
            connection.close()

    with (
        mock.patch.object(services.deadlines, "is_late", is_late_after_everyone_looked),
        mock.patch.object(services, "_submit_locked", wraps=services._submit_locked) as attempts,
    ):
        threads = [
            threading.Thread(target=run, args=(index, *submission))
            for index, submission in enumerate(submissions)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    # Both inserted; the loser hit the unique constraint and retried once.
    assert attempts.call_count == len(submissions) + 1
    return outcomes


@pytest.fixture
def two_focal_points(django_user_model, commune_a):
    return (
        make_user(django_user_model, "first", roles.FOCAL_POINTS, [commune_a]),
        make_user(django_user_model, "second", roles.FOCAL_POINTS, [commune_a]),
    )


def test_two_first_submissions_give_one_report_and_two_revisions(two_focal_points, commune_a):
    first, second = two_focal_points
    outcomes = race(
        [(first, commune_a, values_for(3), None), (second, commune_a, values_for(4), None)]
    )
    assert all(isinstance(outcome, services.SubmitResult) for outcome in outcomes), outcomes
    assert DailyReport.objects.count() == 1
    report = DailyReport.objects.get()
    revisions = list(report.revisions.order_by("version"))
    assert [r.kind for r in revisions] == ["submitted", "edited"]
    assert report.version == 2
    # The history is truthful: the edit's old values are the first submission's new values,
    # and what is stored is the edit's.
    winner, loser = revisions[0].changed_by, revisions[1].changed_by
    assert {winner, loser} == {first, second}
    amounts = {first: Decimal(3), second: Decimal(4)}
    assert {c.new_value for c in revisions[0].value_changes.all()} == {amounts[winner]}
    assert {(c.old_value, c.new_value) for c in revisions[1].value_changes.all()} == {
        (amounts[winner], amounts[loser])
    }
    assert set(ReportValue.objects.values_list("value", flat=True)) == {amounts[loser]}
    assert report.submitted_by == winner


def test_two_blank_forms_with_different_values_keep_the_first_and_warn_the_second(
    two_focal_points, commune_a
):
    first, second = two_focal_points
    outcomes = race([(first, commune_a, values_for(3), 0), (second, commune_a, values_for(4), 0)])
    stale = [outcome for outcome in outcomes if isinstance(outcome, services.StaleReport)]
    saved = [outcome for outcome in outcomes if isinstance(outcome, services.SubmitResult)]
    assert len(stale) == 1 and len(saved) == 1, outcomes
    assert DailyReport.objects.count() == 1
    assert ReportRevision.objects.count() == 1
    kept = saved[0].report
    expected = Decimal(3) if kept.submitted_by == first else Decimal(4)
    assert set(ReportValue.objects.values_list("value", flat=True)) == {expected}


def test_double_click_gives_one_report_and_one_revision(focal_a, commune_a):
    outcomes = race(
        [(focal_a, commune_a, values_for(5), 0), (focal_a, commune_a, values_for(5), 0)]
    )
    assert all(isinstance(outcome, services.SubmitResult) for outcome in outcomes), outcomes
    assert DailyReport.objects.count() == 1
    assert ReportRevision.objects.count() == 1


def test_the_submit_path_locks_the_report_row_only(focal_a, commune_a):
    """Locking the unit's row too (a join through the default ordering) deadlocked with the
    roll-up's foreign-key checks under threaded workers."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        services.submit_report(focal_a, commune_a, MONDAY, values_for(5), now=at(MONDAY, 16))
        services.submit_report(focal_a, commune_a, MONDAY, values_for(6), now=at(MONDAY, 16))
    locks = [q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"]]
    assert len(locks) == 2
    for sql in locks:
        assert "JOIN" not in sql and 'FOR UPDATE OF "reports_dailyreport"' in sql, sql


def test_a_deadlock_is_retried_not_a_server_error(focal_a, commune_a):
    from django.db import OperationalError

    class Deadlock(Exception):
        pgcode = "40P01"

    real = services._submit_locked
    calls = []

    def deadlock_once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("deadlock detected") from Deadlock()
        return real(*args, **kwargs)

    with mock.patch.object(services, "_submit_locked", deadlock_once):
        result = services.submit_report(
            focal_a, commune_a, MONDAY, values_for(5), now=at(MONDAY, 16)
        )
    assert len(calls) == 2
    assert DailyReport.objects.get(pk=result.report.pk).version == 1
