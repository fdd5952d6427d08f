"""Celery tasks of the reports app. Thin wrappers: ids and ISO dates in, plain functions inside."""

from celery import shared_task


@shared_task(acks_late=True)
def rollup_commune_day(commune_id: int, day: str) -> None:
    """Placeholder until the roll-up issue lands: queued after each report commits."""
