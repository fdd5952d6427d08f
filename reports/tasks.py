"""Celery tasks of the reports app. Thin wrappers: ids and ISO dates in, plain functions inside.

All roll-up writes are idempotent upserts in one transaction, so a task may run twice (acks_late
re-delivers it when a worker dies mid-way) and leave the same rows."""

import datetime as dt

from celery import shared_task
from django.db import DatabaseError

from communes.models import Commune

from . import reminders, rollup_jobs

RETRY = {
    "acks_late": True,
    # A worker killed mid-task gives the message back to the queue instead of dropping it.
    "reject_on_worker_lost": True,
    "autoretry_for": (DatabaseError, ConnectionError, TimeoutError),
    "retry_backoff": True,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(**RETRY, soft_time_limit=120, time_limit=180)
def rollup_commune_day(commune_id: int, day: str) -> None:
    """Queued after a report commits: that unit's day, then the province figures."""
    if not Commune.objects.filter(pk=commune_id).exists():
        return
    rollup_jobs.rollup_after_submission(commune_id, dt.date.fromisoformat(day))


@shared_task(**RETRY, soft_time_limit=1500, time_limit=1800)
def nightly_rollup(today: str | None = None) -> str:
    result = rollup_jobs.nightly_rollup(dt.date.fromisoformat(today) if today else None)
    return f"{result.start}..{result.end}"


@shared_task(**RETRY, soft_time_limit=1500, time_limit=1800)
def rollup_range(start: str, end: str) -> str:
    result = rollup_jobs.rollup_range(dt.date.fromisoformat(start), dt.date.fromisoformat(end))
    return f"{result.start}..{result.end}"


@shared_task(**RETRY, soft_time_limit=240, time_limit=300)
def send_missing_report_reminders(today: str | None = None) -> int:
    """Each working morning: one e-mail per unit that missed the last expected day."""
    return reminders.send_reminders(dt.date.fromisoformat(today) if today else None)
