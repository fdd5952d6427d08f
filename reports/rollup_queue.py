"""Ask for a unit-day's roll-up from inside the report's transaction, without importing the
roll-ups (they sit above the reports in the layers) and without ever failing the submission.

Two halves: `request_rollup` writes an outbox row (`RollupRequest`) in the caller's transaction,
then, once that transaction commits, nudges the roll-up task by name so figures are fresh within
seconds. If the broker is down the nudge is logged and dropped; the row stays until the roll-up
app's sweeper (`rollups.tasks.drain_rollup_requests`) has processed it."""

import datetime as dt
import logging

from celery import current_app
from django.db import transaction
from django.utils import timezone

from .models import RollupRequest

logger = logging.getLogger(__name__)

# By name: the roll-ups sit above the reports in the layers, so reports never import them.
ROLLUP_TASK = "rollups.tasks.rollup_commune_day"


def _rollup_task():
    """The registered task (not `send_task`: an eager, broker-less set-up must run it here)."""
    return current_app.tasks[ROLLUP_TASK]


def queue_rollup(
    commune_id: int, day: dt.date | str, requested_at: dt.datetime | None = None
) -> bool:
    """Nudge the roll-up of one unit-day now; True if the broker took it. `requested_at` (the
    time written in the outbox) lets the worker skip a nudge whose change an earlier, coalesced
    roll-up already took.

    A broker that is down must not turn a saved report into an error page: the failure is
    logged and the outbox row waits for the sweeper."""
    day_iso = day if isinstance(day, str) else day.isoformat()
    try:
        # No publish retries and no result to track: with Redis down, `.delay()` kept a focal
        # point waiting ~19 s (result-backend reconnects); this fails in well under a second
        # (with CELERY_BROKER_TRANSPORT_OPTIONS' bounded retries).
        _rollup_task().apply_async(
            (commune_id, day_iso),
            {"requested_at": requested_at.isoformat()} if requested_at else None,
            retry=False, ignore_result=True,
        )
    except Exception:  # kombu/redis raise many types; none may reach the user
        logger.exception(
            "roll-up of unit %s on %s not queued (broker unreachable?); it stays in the outbox "
            "for the sweeper", commune_id, day_iso,
        )
        return False
    return True


def request_rollup(commune_id: int, day: dt.date) -> None:
    """Record in the current transaction that this unit-day changed, then nudge its roll-up
    once the transaction commits (never for a rolled-back one)."""
    now = timezone.now()
    RollupRequest.objects.bulk_create(
        [RollupRequest(commune_id=commune_id, date=day, requested_at=now)],
        update_conflicts=True, unique_fields=["commune", "date"], update_fields=["requested_at"],
    )
    transaction.on_commit(lambda: queue_rollup(commune_id, day, now))

