"""Queue a unit-day roll-up without ever failing the submission that asks for it."""

import datetime as dt
import logging

from celery import current_app
from django.db import transaction

logger = logging.getLogger(__name__)

# By name: the roll-ups sit above the reports in the layers, so reports never import them.
ROLLUP_TASK = "rollups.tasks.rollup_commune_day"


def _rollup_task():
    """The registered task (not `send_task`: an eager, broker-less set-up must run it here)."""
    return current_app.tasks[ROLLUP_TASK]


def queue_rollup(commune_id: int, day: dt.date | str) -> bool:
    """Send `rollup_commune_day` to the broker; True if it was queued.

    A broker that is down must not turn a saved report into an error page: the failure is
    logged and the nightly job rebuilds the day (its inputs are newer than its roll-up)."""
    day_iso = day if isinstance(day, str) else day.isoformat()
    try:
        # No publish retries and no result to track: with Redis down, `.delay()` kept a focal
        # point waiting ~19 s (result-backend reconnects); this fails in well under a second
        # (with CELERY_BROKER_TRANSPORT_OPTIONS' bounded retries).
        _rollup_task().apply_async((commune_id, day_iso), retry=False, ignore_result=True)
    except Exception:  # kombu/redis raise many types; none may reach the user
        logger.exception(
            "roll-up of unit %s on %s not queued; the nightly job will repair it",
            commune_id, day_iso,
        )
        return False
    return True


def queue_rollup_on_commit(commune_id: int, day: dt.date | str) -> None:
    """Queue the roll-up once the current transaction commits (never for a rolled-back one)."""
    transaction.on_commit(lambda: queue_rollup(commune_id, day))
