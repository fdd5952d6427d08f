"""The tasks' contract: registered names in the beat schedule, ids and ISO dates in, retries."""

import datetime as dt
import os
import subprocess
import sys

import pytest
from django.conf import settings

from dtmonitor.celery import app
from reports import tasks as report_tasks
from rollups import tasks
from rollups.models import CommuneDay


def test_beat_schedule_names_registered_tasks_in_local_time():
    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks
    assert app.conf.timezone == "Asia/Ho_Chi_Minh"


@pytest.mark.parametrize("task", [tasks.rollup_commune_day, tasks.nightly_rollup,
                                  tasks.rollup_range, report_tasks.send_missing_report_reminders])
def test_tasks_survive_worker_loss_retry_and_are_time_limited(task):
    assert task.acks_late and task.reject_on_worker_lost
    assert task.max_retries and task.autoretry_for and task.retry_backoff
    assert task.soft_time_limit < task.time_limit


@pytest.mark.django_db
def test_task_bodies_take_ids_and_iso_dates(commune_a):
    day = dt.date(2025, 10, 15)
    tasks.rollup_commune_day.run(commune_a.pk, day.isoformat())
    assert CommuneDay.objects.filter(date=day).count() == 1
    tasks.rollup_commune_day.run(999_999, day.isoformat())  # a unit deleted meanwhile: no-op
    assert tasks.nightly_rollup.run(day.isoformat()) == "2025-10-13..2025-10-15"
    assert CommuneDay.objects.filter(date=day).count() == 54


def test_a_web_process_knows_the_rollup_task_by_name_without_a_worker():
    """The reports nudge `rollups.tasks.rollup_commune_day` by name after a commit; a fresh
    process that only set Django up (a web server) must have it registered."""
    code = (
        "import django; django.setup(); "
        "from celery import current_app; from reports.rollup_queue import ROLLUP_TASK; "
        "print(ROLLUP_TASK in current_app.tasks)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "dtmonitor.settings"},
    )
    assert result.stdout.strip().splitlines()[-1] == "True", result.stderr
