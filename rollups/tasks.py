"""Celery tasks of the roll-ups. Thin wrappers: ids and ISO dates in, plain functions inside.

All roll-up writes are idempotent upserts in one transaction, so a task may run twice (acks_late
re-delivers it when a worker dies mid-way) and leave the same rows."""

import datetime as dt

from celery import shared_task

from core.tasks import RETRY

from . import jobs

# A request younger than this is left to its own after-commit nudge.
SWEEP_GRACE_SECONDS = 30


@shared_task(**RETRY, soft_time_limit=120, time_limit=180)
def rollup_commune_day(commune_id: int, day: str, requested_at: str | None = None) -> None:
    """Queued after a report commits (`requested_at`: when it wrote its outbox row): that
    unit's day and whatever else of its province waits in the outbox, then the province
    figures (`jobs.process_rollup_request`)."""
    jobs.process_rollup_request(
        commune_id, dt.date.fromisoformat(day),
        dt.datetime.fromisoformat(requested_at) if requested_at else None,
    )


@shared_task(**RETRY, soft_time_limit=600, time_limit=720)
def drain_rollup_requests() -> int:
    """Every minute: roll up the reports whose after-commit nudge never arrived."""
    return jobs.drain_rollup_requests(older_than=dt.timedelta(seconds=SWEEP_GRACE_SECONDS))


@shared_task(**RETRY, soft_time_limit=1500, time_limit=1800)
def nightly_rollup(today: str | None = None) -> str:
    result = jobs.nightly_rollup(dt.date.fromisoformat(today) if today else None)
    return f"{result.start}..{result.end}"


@shared_task(**RETRY, soft_time_limit=1500, time_limit=1800)
def rollup_range(start: str, end: str) -> str:
    result = jobs.rollup_range(dt.date.fromisoformat(start), dt.date.fromisoformat(end))
    return f"{result.start}..{result.end}"
