"""Celery tasks of the targets app (thin wrappers around targets.rollups)."""

import datetime as dt

from celery import shared_task
from django.db import DatabaseError

from .rollups import rollup_targets


@shared_task(
    acks_late=True, reject_on_worker_lost=True, autoretry_for=(DatabaseError,),
    retry_backoff=True, max_retries=5, soft_time_limit=1500, time_limit=1800,
)
def rollup_target_range(start: str, end: str) -> int:
    """Recompute target figures for a range, e.g. after an administrator changed a target."""
    counts = rollup_targets(dt.date.fromisoformat(start), dt.date.fromisoformat(end))
    return counts.target_days
