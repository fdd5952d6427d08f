"""The broker stopped during a submission: the report is saved, the queue call does not raise,
and the nightly job repairs the roll-up. Uses a redis-server of its own on a free port."""

import os
import shutil
import socket
import subprocess
import time

import pytest
from django.utils import timezone

from reports import services
from reports.models import DailyReport
from reports.rollup_queue import queue_rollup
from rollups.jobs import first_stale_day, nightly_rollup
from rollups.models import CommuneDay

from .celery_broker import using_broker
from .reports_helpers import values_for

pytestmark = [
    pytest.mark.django_db,
    # In CI a missing redis-server must fail the run, not skip it.
    pytest.mark.skipif(
        not shutil.which("redis-server") and not os.environ.get("CI"),
        reason="redis-server not installed",
    ),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def own_broker():
    """A throw-away redis-server, and the Celery app pointed at it (not eager) meanwhile."""
    port = free_port()
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    for _ in range(50):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    try:
        with using_broker(f"redis://127.0.0.1:{port}/0"):
            yield server
    finally:
        if server.poll() is None:
            server.terminate()
            server.wait(timeout=10)


def test_broker_down_during_a_submission_saves_the_report_and_nightly_repairs(
    own_broker, commune_a, focal_a, django_capture_on_commit_callbacks, caplog
):
    today = timezone.localdate()
    assert queue_rollup(commune_a.pk, today) is True  # the broker works...
    own_broker.terminate()  # ...then goes away
    own_broker.wait(timeout=10)

    began = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        report = services.submit_report(
            focal_a, commune_a, today, values_for(5, today)
        ).report
    assert time.monotonic() - began < 10  # fails fast, does not hang the request
    assert DailyReport.objects.filter(pk=report.pk).exists()
    assert "not queued" in caplog.text
    assert not CommuneDay.objects.filter(commune=commune_a, date=today).exists()
    assert first_stale_day(today) == today

    nightly_rollup(today)
    assert CommuneDay.objects.get(commune=commune_a, date=today).report_id == report.pk
    assert first_stale_day(today) is None
