"""Real worker process, real Redis: a submission's roll-up lands within seconds, and a worker
killed in the middle of a roll-up leaves consistent rows once the task is redelivered."""

import datetime as dt
import os
import signal
import time
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from reports import deadlines
from reports.demo import seed_history
from rollups.models import CommuneDay, CommuneTargetDay, ComplianceDay
from rollups.target_values import compute_plan, rollup_targets
from rollups.tasks import rollup_range
from targets.models import Plan

from .celery_worker import running_worker
from .reports_helpers import form_data

pytestmark = [
    pytest.mark.worker,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


def poll(check, timeout: float = 20.0, every: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(every)
    raise AssertionError(f"not true after {timeout}s")


def test_a_submission_is_rolled_up_by_the_worker_within_seconds(
    client, commune_a, focal_a, official
):
    today = timezone.localdate()
    client.force_login(official)
    overview_before = client.get(reverse("home")).content.decode()
    client.force_login(focal_a)
    form_url = reverse("reports:form", args=[commune_a.code, today.isoformat()])
    with running_worker():
        assert not CommuneDay.objects.filter(commune=commune_a, date=today).exists()
        began = time.monotonic()
        response = client.post(form_url, form_data(amount="0", day=today, CX_01="12", CX_03="9"))
        assert response.status_code == 302, response.content.decode()[:2000]
        row = poll(lambda: CommuneDay.objects.filter(commune=commune_a, date=today).first())
        assert row.outcome == "on_time"
        value = poll(lambda: CommuneTargetDay.objects.filter(
            commune=commune_a, date=today, target__code="VN942-DG-02",
            target__plan__year=today.year).first())
        poll(lambda: ComplianceDay.objects.filter(date=today).exists())
        elapsed = time.monotonic() - began
    assert value.value == Decimal(75)
    assert elapsed < 10, elapsed

    client.force_login(official)
    overview_after = client.get(reverse("home")).content.decode()
    assert overview_after != overview_before
    if deadlines.is_expected(commune_a, today):
        # The headline card does not read "1/54 reported" for today: the other 53 units'
        # reports are not yet due, so today is not counted until its deadline passes.
        assert f"Báo cáo từ ngày {today:%d/%m/%Y} trở đi chưa đến hạn." in overview_after


def _rows():
    return sorted(
        CommuneTargetDay.objects.values_list("target_id", "commune_id", "date", "value",
                                             "completion")
    )


def _writing_pids(database: str) -> bool:
    """Whether another connection to the test database is inserting roll-up rows right now."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()"
            " AND state = 'active'"
            # The Python path's bulk upsert, or the PostgreSQL path's INSERT ... SELECT.
            " AND query ILIKE '%%INSERT INTO%%rollups_communetargetday%%'",
            [database],
        )
        return cursor.fetchone()[0] > 0


def test_a_worker_killed_mid_rollup_leaves_consistent_rows_after_the_retry(quangninh):
    start, end = dt.date(2025, 11, 17), dt.date(2025, 12, 31)
    seed_history(days=(end - start).days + 1, seed=3, end=end)
    rollup_targets(start, end)
    CommuneTargetDay.objects.update(value=Decimal(-1))  # a mark no roll-up ever writes
    stale = _rows()

    with running_worker() as worker:
        [child] = worker.child_pids()
        rollup_range.delay(start.isoformat(), end.isoformat())
        poll(lambda: _writing_pids(connection.settings_dict["NAME"]), timeout=60, every=0.02)
        os.kill(child, signal.SIGKILL)
        # The transaction died with the process: every row is still the old one.
        assert _rows() == stale
        worker.wait_for_log("WorkerLostError", timeout=20)
        poll(lambda: not CommuneTargetDay.objects.filter(value=-1).exists(), timeout=120,
             every=0.5)
        poll(lambda: "succeeded" in worker.log(), timeout=60)

    plan = Plan.objects.get(year=2025)
    commune_rows, _, _ = compute_plan(plan, start, end)
    fresh = sorted(
        (r.target.pk, r.commune.pk, r.date, r.value, r.completion) for r in commune_rows
    )
    assert _rows() == fresh
