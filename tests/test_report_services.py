"""reports.services: submitting, editing, returning, deadlines and the audit trail."""

import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from reports import deadlines, services
from reports.models import (
    DailyReport,
    DayUnlock,
    Holiday,
    ReportingSettings,
    ReportRevision,
    ReportValue,
    ValueChange,
)
from tests.reports_helpers import MONDAY, at, daily_targets, values_for


@pytest.fixture
def cx(quangninh):
    return {target.code: target for target in daily_targets()}


def submit(user, commune, day=MONDAY, amount=5, now=None, **kwargs):
    return services.submit_report(
        user, commune, day, values_for(amount), now=now or at(day, 16), **kwargs
    )


def test_first_submission_creates_report_values_and_revision(focal_a, commune_a, cx):
    result = submit(focal_a, commune_a, note="ổn")
    report = result.report
    assert result.created
    assert (report.version, report.status, report.note) == (1, "submitted", "ổn")
    assert report.submitted_at == report.updated_at == at(MONDAY, 16)
    assert report.submitted_by == focal_a
    assert report.values.count() == len(cx)
    revision = ReportRevision.objects.get(report=report)
    assert (revision.kind, revision.version, revision.changed_by) == ("submitted", 1, focal_a)
    assert {c.target.code: (c.old_value, c.new_value) for c in revision.value_changes.all()} == {
        code: (None, Decimal(5)) for code in cx
    }


@pytest.mark.parametrize(
    ("submitted", "late"),
    [
        (at(MONDAY + dt.timedelta(days=1), 17, 0, 0), False),  # exactly the cutoff
        (at(MONDAY + dt.timedelta(days=1), 17, 0, 1), True),  # one second after
    ],
)
def test_on_time_until_the_cutoff_late_one_second_after(focal_a, commune_a, cx, submitted, late):
    with time_machine.travel(submitted, tick=False):
        report = services.submit_report(focal_a, commune_a, MONDAY, values_for(5)).report
    assert report.is_late is late
    assert report.submitted_at == submitted


def test_editing_keeps_first_submission_time_and_lateness(focal_a, commune_a, cx):
    submit(focal_a, commune_a, now=at(MONDAY, 16))
    later = at(MONDAY + dt.timedelta(days=3), 9)
    values = values_for(5) | {cx["CX-01"].pk: Decimal(7)}
    result = services.submit_report(
        focal_a, commune_a, MONDAY, values, note="sửa", expected_version=1, now=later
    )
    report = result.report
    assert not result.created
    assert DailyReport.objects.count() == 1
    assert (report.submitted_at, report.updated_at) == (at(MONDAY, 16), later)
    assert not report.is_late
    assert report.version == 2
    assert ReportValue.objects.get(report=report, target=cx["CX-01"]).value == 7
    revision = result.revision
    assert revision.kind == "edited"
    assert revision.text_changes == {"note": ["", "sửa"]}
    assert [(c.target.code, c.old_value, c.new_value) for c in revision.value_changes.all()] == [
        ("CX-01", Decimal(5), Decimal(7))
    ]


def test_a_correction_writes_the_changed_values_and_their_history_only(focal_a, commune_a, cx):
    report = submit(focal_a, commune_a).report
    values = values_for(5) | {cx["CX-01"].pk: Decimal("7"), cx["CX-02"].pk: Decimal("12")}
    services.submit_report(focal_a, commune_a, MONDAY, values, expected_version=1,
                           now=at(MONDAY, 17))
    stored = dict(ReportValue.objects.filter(report=report).values_list("target__code", "value"))
    assert stored == {code: Decimal(5) for code in cx} | {"CX-01": 7, "CX-02": 12}
    changed = ReportValue.history.filter(history_type="~").order_by("target__code")
    assert [
        (row.target.code, row.value, row.history_user, row.history_change_reason, row.report_id)
        for row in changed
    ] == [("CX-01", 7, focal_a, None, report.pk), ("CX-02", 12, focal_a, None, report.pk)]


def test_identical_resubmission_is_a_no_op(focal_a, commune_a, cx):
    submit(focal_a, commune_a)
    result = submit(focal_a, commune_a, expected_version=0)  # a double click on a blank form
    assert result.revision is None
    assert ReportRevision.objects.count() == 1
    assert DailyReport.objects.get().version == 1


def test_stale_version_writes_nothing(focal_a, commune_a, cx, django_user_model):
    submit(focal_a, commune_a)
    with pytest.raises(services.StaleReport) as raised:
        submit(focal_a, commune_a, amount=9, expected_version=0)
    assert raised.value.report.version == 1
    assert set(ReportValue.objects.values_list("value", flat=True)) == {Decimal(5)}
    assert ReportRevision.objects.count() == 1


def test_no_version_check_means_last_writer_wins_and_both_are_recorded(focal_a, commune_a, cx):
    submit(focal_a, commune_a)
    submit(focal_a, commune_a, amount=9, expected_version=None)
    assert set(ReportValue.objects.values_list("value", flat=True)) == {Decimal(9)}
    assert list(ReportRevision.objects.values_list("kind", flat=True)) == ["submitted", "edited"]


def test_posting_for_another_unit_or_as_official_is_refused(
    focal_a, focal_b, official, administrator, commune_a, cx
):
    for user in (focal_b, official, administrator):
        with pytest.raises(PermissionDenied):
            submit(user, commune_a)
    assert not DailyReport.objects.exists()


def test_missing_or_unknown_targets_are_refused(focal_a, commune_a, cx):
    values = values_for(5)
    values.pop(cx["CX-01"].pk)
    with pytest.raises(ValidationError):
        services.submit_report(focal_a, commune_a, MONDAY, values, now=at(MONDAY, 16))
    assert not DailyReport.objects.exists()


def test_backfill_window_counts_late_and_closes_after(focal_a, commune_a, cx):
    rules = ReportingSettings.current()
    now = at(MONDAY + dt.timedelta(days=rules.backfill_days), 10)
    report = submit(focal_a, commune_a, now=now).report
    assert report.is_late
    older = MONDAY - dt.timedelta(days=1)
    with pytest.raises(services.DayClosed):
        submit(focal_a, commune_a, day=older, now=now)
    future = now.date() + dt.timedelta(days=1)
    with pytest.raises(services.DayClosed):
        submit(focal_a, commune_a, day=future, now=now)


def test_administrator_unlock_reopens_a_day_beyond_the_window(
    focal_a, commune_a, administrator, cx
):
    now = at(MONDAY + dt.timedelta(days=30), 10)
    with pytest.raises(services.DayClosed):
        submit(focal_a, commune_a, now=now)
    DayUnlock.objects.create(
        commune=commune_a, date=MONDAY, unlocked_by=administrator, reason="mất điện"
    )
    assert submit(focal_a, commune_a, now=now).report.is_late


def test_days_before_the_unit_existed_are_closed(focal_a, commune_a, cx):
    day = commune_a.active_from - dt.timedelta(days=1)
    with pytest.raises(services.DayClosed):
        submit(focal_a, commune_a, day=day, now=at(day, 12))


def test_non_working_days_may_still_be_reported(focal_a, commune_a, cx):
    Holiday.objects.get_or_create(date=dt.date(2025, 9, 2), defaults={"name": "Quốc khánh"})
    sunday = dt.date(2025, 9, 7)
    assert submit(focal_a, commune_a, day=sunday, now=at(sunday, 10)).created
    holiday = dt.date(2025, 9, 2)
    assert submit(focal_a, commune_a, day=holiday, now=at(holiday, 10)).created


def test_return_and_resubmit_history(focal_a, official, commune_a, cx):
    report = submit(focal_a, commune_a).report
    revision = services.return_report(official, report, "CX-01 sai", now=at(MONDAY, 18))
    report.refresh_from_db()
    assert (report.status, report.review_comment, report.version) == ("returned", "CX-01 sai", 2)
    assert (revision.kind, revision.comment) == ("returned", "CX-01 sai")
    assert revision.changed_by == official

    values = values_for(5) | {cx["CX-01"].pk: Decimal(6)}
    result = services.submit_report(
        focal_a, commune_a, MONDAY, values, expected_version=2, now=at(MONDAY, 19)
    )
    report.refresh_from_db()
    assert (report.status, report.review_comment, report.version) == ("submitted", "", 3)
    assert result.revision.kind == "resubmitted"
    assert list(report.revisions.values_list("kind", "version")) == [
        ("submitted", 1), ("returned", 2), ("resubmitted", 3)
    ]


def test_returned_report_can_be_resubmitted_unchanged(focal_a, official, commune_a, cx):
    report = submit(focal_a, commune_a).report
    services.return_report(official, report, "kiểm tra lại")
    result = submit(focal_a, commune_a, expected_version=2)
    assert result.revision.kind == "resubmitted"
    assert not ValueChange.objects.filter(revision=result.revision).exists()


def test_only_officials_and_administrators_return_reports(
    focal_a, focal_b, administrator, commune_a, cx
):
    report = submit(focal_a, commune_a).report
    for user in (focal_a, focal_b):
        with pytest.raises(PermissionDenied):
            services.return_report(user, report, "x")
    with pytest.raises(ValidationError):
        services.return_report(administrator, report, "   ")
    services.return_report(administrator, report, "thiếu số liệu")
    with pytest.raises(ValidationError):
        services.return_report(administrator, report, "lần nữa")
    assert ReportRevision.objects.filter(kind="returned").count() == 1


def test_rollup_is_queued_after_commit(focal_a, commune_a, cx, django_capture_on_commit_callbacks):
    with mock.patch("reports.rollup_queue._rollup_task") as task_lookup:
        task = task_lookup.return_value
        with django_capture_on_commit_callbacks(execute=True):
            submit(focal_a, commune_a)
            task.apply_async.assert_not_called()  # not before the commit
    task.apply_async.assert_called_once()
    assert task.apply_async.call_args.args[0] == (commune_a.pk, MONDAY.isoformat())


def test_broker_outage_does_not_fail_the_submission(
    focal_a, commune_a, cx, django_capture_on_commit_callbacks, caplog
):
    with mock.patch("reports.rollup_queue._rollup_task") as task_lookup:
        task = task_lookup.return_value
        task.apply_async.side_effect = ConnectionError("redis down")
        with django_capture_on_commit_callbacks(execute=True):
            result = submit(focal_a, commune_a)
    assert result.report.pk
    assert "not queued" in caplog.text


@pytest.mark.parametrize("bad", [Decimal(-1), Decimal("2.5"), Decimal("1e15")])
def test_service_refuses_values_that_do_not_fit_the_unit(focal_a, commune_a, cx, bad):
    values = values_for(5) | {cx["CX-01"].pk: bad}
    with pytest.raises(ValidationError):
        services.submit_report(focal_a, commune_a, MONDAY, values, now=at(MONDAY, 16))
    assert not DailyReport.objects.exists()


@pytest.mark.redis
def test_unreachable_broker_fails_fast_and_is_logged(
    focal_a, commune_a, cx, django_capture_on_commit_callbacks, caplog, settings
):
    """A real publish to a closed port: the submission is kept and the failure logged."""
    import time

    from tests.celery_broker import using_broker

    with using_broker("redis://127.0.0.1:1/3"):  # nothing listens on port 1
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            result = submit(focal_a, commune_a)
        elapsed = time.monotonic() - started
    assert DailyReport.objects.filter(pk=result.report.pk).exists()
    assert "not queued" in caplog.text
    assert "Connection refused" in caplog.text or "connecting to" in caplog.text
    assert elapsed < 10  # not a benchmark: only "does not hang on reconnects"


def test_units_report_the_counts_of_the_plan_in_force_that_day(focal_a, commune_a, cx):
    from targets.models import Plan, Target

    plan_2025 = Plan.objects.get(year=2025)  # the fixtures hold 2025 and 2026
    plan_2027 = Plan.objects.create(province=plan_2025.province, year=2027, title="Kế hoạch 2027")
    new_count = Target.objects.create(
        plan=plan_2027, code="CX-01", name_vi="Hồ sơ tiếp nhận", name_en="Dossiers received",
        pillar=cx["CX-01"].pillar, unit=Target.Unit.COUNT, source=Target.Source.COMMUNE_DAILY,
        aggregation=Target.Aggregation.SUM, counts_in_plan=False,
    )
    in_2026 = set(Target.objects.reported_for(commune_a, dt.date(2026, 12, 31)))
    in_2027 = set(Target.objects.reported_for(commune_a, dt.date(2027, 1, 1)))
    in_2026_plan = set(Target.objects.reported_by_communes().filter(plan__year=2026))
    assert in_2026 == in_2026_plan and in_2027 == {new_count}

    day = dt.date(2027, 1, 5)
    result = services.submit_report(
        focal_a, commune_a, day, {new_count.pk: Decimal(3)}, now=at(day, 16)
    )
    assert list(result.report.values.values_list("target", flat=True)) == [new_count.pk]


@pytest.mark.parametrize("comment", ["sai\x00số", "x" * 1_000_000, "dòng\x1bấy"])
def test_a_return_comment_is_validated_like_the_note(focal_a, official, commune_a, cx, comment):
    report = submit(focal_a, commune_a).report
    with pytest.raises(ValidationError) as refused:
        services.return_report(official, report, comment)
    assert "comment" in refused.value.message_dict
    report.refresh_from_db()
    assert (report.status, report.version) == ("submitted", 1)
    assert not ReportRevision.objects.filter(kind="returned").exists()


def test_returning_a_report_whose_day_closed_reopens_the_day_for_the_focal_point(
    focal_a, official, commune_a, cx
):
    report = submit(focal_a, commune_a).report
    weeks_later = at(MONDAY + dt.timedelta(days=30), 9)
    assert not deadlines.is_day_open(commune_a, MONDAY, today=weeks_later.date())
    with time_machine.travel(weeks_later, tick=False):
        services.return_report(official, report, "CX-01 sai", now=weeks_later)
        assert deadlines.is_day_open(commune_a, MONDAY, today=weeks_later.date())
        result = submit(focal_a, commune_a, amount=6, expected_version=2, now=weeks_later)
    assert result.revision.kind == "resubmitted"
    unlock = DayUnlock.objects.get(commune=commune_a, date=MONDAY)
    assert (unlock.unlocked_by, unlock.reason) == (official, "CX-01 sai")
