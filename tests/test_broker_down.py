"""The broker stopped during a submission: the report is saved, the queue call does not raise,
and the nightly job repairs the roll-up. Uses a redis-server of its own on a free port."""

import shutil
import socket
import subprocess
import time

import pytest
from django.utils import timezone

from dtmonitor.celery import app
from reports.models import CommuneDay, DailyReport
from reports.rollup_jobs import first_stale_day, nightly_rollup
from reports.rollup_queue import queue_rollup

from .reporting import submit_report

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not shutil.which("redis-server"), reason="redis-server not installed"),
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
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    app.conf.broker_url = f"redis://127.0.0.1:{port}/0"
    app.conf.task_always_eager = False
    app._pool = None  # connections are pooled per URL; forget the old broker's
    app.amqp._producer_pool = None
    try:
        yield server
    finally:
        if server.poll() is None:
            server.terminate()
            server.wait(timeout=10)
        app.conf.update(saved)
        app._pool = None
        app.amqp._producer_pool = None


def test_broker_down_during_a_submission_saves_the_report_and_nightly_repairs(
    own_broker, commune_a, focal_a, django_capture_on_commit_callbacks, caplog
):
    today = timezone.localdate()
    assert queue_rollup(commune_a.pk, today) is True  # the broker works...
    own_broker.terminate()  # ...then goes away
    own_broker.wait(timeout=10)

    began = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        report = submit_report(commune_a, today, {"CX-01": 5}, user=focal_a)
    assert time.monotonic() - began < 10  # fails fast, does not hang the request
    assert DailyReport.objects.filter(pk=report.pk).exists()
    assert "not queued" in caplog.text
    assert not CommuneDay.objects.filter(commune=commune_a, date=today).exists()
    assert first_stale_day(today) == today

    nightly_rollup(today)
    assert CommuneDay.objects.get(commune=commune_a, date=today).report_id == report.pk
    assert first_stale_day(today) is None
