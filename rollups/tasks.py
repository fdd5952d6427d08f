"""Celery tasks of the roll-ups. Thin wrappers: ids and ISO dates in, plain functions inside.

All roll-up writes are idempotent upserts in one transaction, so a task may run twice (acks_late
re-delivers it when a worker dies mid-way) and leave the same rows."""

import datetime as dt

from celery import shared_task

from communes.models import Commune
from core.tasks import RETRY

from . import jobs


@shared_task(**RETRY, soft_time_limit=120, time_limit=180)
def rollup_commune_day(commune_id: int, day: str) -> None:
    """Queued after a report commits: that unit's day, then the province figures."""
    if not Commune.objects.filter(pk=commune_id).exists():
        return
    jobs.rollup_after_submission(commune_id, dt.date.fromisoformat(day))


@shared_task(**RETRY, soft_time_limit=1500, time_limit=1800)
def nightly_rollup(today: str | None = None) -> str:
    result = jobs.nightly_rollup(dt.date.fromisoformat(today) if today else None)
    return f"{result.start}..{result.end}"


@shared_task(**RETRY, soft_time_limit=1500, time_limit=1800)
def rollup_range(start: str, end: str) -> str:
    result = jobs.rollup_range(dt.date.fromisoformat(start), dt.date.fromisoformat(end))
    return f"{result.start}..{result.end}"
