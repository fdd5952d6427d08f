"""Celery options shared by every task of the project (no domain knowledge)."""

from django.db import DatabaseError

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
