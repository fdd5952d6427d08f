"""200 submissions at once from the focal points of every unit, with deliberate duplicates
(a double tap, a retry): every report is stored exactly once, and the roll-ups drained from
the outbox equal a recomputation from scratch (real PostgreSQL, 20 threads)."""

import datetime as dt
import itertools
import random
from concurrent.futures import ThreadPoolExecutor
from unittest import mock

import pytest
from django.db import connection

from communes import roles
from communes.models import Commune
from reports import services
from reports.models import DailyReport, ReportRevision, RollupRequest
from rollups.jobs import drain_rollup_requests, rollup_range
from rollups.models import CommuneDay, CommuneTargetDay, TargetDay
from tests.conftest import make_user
from tests.reports_helpers import MONDAY, at, values_for

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

DAYS = [MONDAY, MONDAY + dt.timedelta(days=1)]


def snapshot():
    return (
        sorted(CommuneDay.objects.values_list("commune_id", "date", "expected", "outcome",
                                              "report_id")),
        sorted(CommuneTargetDay.objects.values_list("target_id", "commune_id", "date", "value")),
        sorted(TargetDay.objects.values_list("target_id", "date", "value", "status")),
    )


def test_concurrent_submissions_are_stored_once_and_roll_up_exactly(django_user_model,
                                                                      quangninh):
    units = list(Commune.objects.order_by("code"))
    focal = {
        unit.pk: make_user(django_user_model, f"dd{unit.code}", roles.FOCAL_POINTS, [unit])
        for unit in units
    }
    values = values_for(5)
    jobs = [(unit, day, random.Random(unit.pk).randint(1, 50))
            for unit, day in itertools.product(units, DAYS)]  # 108 distinct reports
    rng = random.Random(7)
    jobs += [rng.choice(jobs) for _ in range(200 - len(jobs))]  # 92 duplicates
    rng.shuffle(jobs)

    def submit(job):
        unit, day, amount = job
        try:
            services.submit_report(
                focal[unit.pk], unit, day, {pk: amount for pk in values}, now=at(day, 16)
            )
            return "ok"
        except Exception as error:  # every outcome is counted below
            return type(error).__name__
        finally:
            connection.close()

    # No broker nudges: the outbox and the sweeper alone must bring every figure up to date.
    with mock.patch("reports.rollup_queue._rollup_task"):
        with ThreadPoolExecutor(max_workers=20) as pool:
            outcomes = list(pool.map(submit, jobs))

    assert outcomes.count("ok") == 200, sorted(set(outcomes))
    assert DailyReport.objects.count() == len(units) * len(DAYS)
    # One revision per report: every duplicate carried identical values, a no-op.
    assert ReportRevision.objects.count() == len(units) * len(DAYS)
    assert RollupRequest.objects.count() == len(units) * len(DAYS)

    drain_rollup_requests(today=DAYS[-1])
    assert not RollupRequest.objects.exists()
    drained = snapshot()
    rollup_range(DAYS[0], DAYS[-1])
    assert snapshot() == drained
