"""Celery tasks of the reports app. Thin wrappers: ids and ISO dates in, plain functions inside."""

import datetime as dt

from celery import shared_task

from core.tasks import RETRY

from . import reminders


@shared_task(**RETRY, soft_time_limit=240, time_limit=300)
def send_missing_report_reminders(today: str | None = None) -> int:
    """Each working morning: one e-mail per unit that missed the last expected day."""
    return reminders.send_reminders(dt.date.fromisoformat(today) if today else None)
