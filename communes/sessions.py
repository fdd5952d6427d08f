"""Signed-in sessions: what is noted at login, and when an unused one ends.

The last-seen time is written to the session only when it is more than a minute old, so an
active account costs one session write a minute, not one per request.
"""

import time

from django.conf import settings

from . import two_factor

SEEN_KEY = "dtm_seen"
SEEN_RESOLUTION = 60  # seconds


def start(sender, request, user, **kwargs) -> None:
    """`user_logged_in` receiver: every way of logging in (the login form, the admin's,
    password-reset auto-login, tests' force_login) goes through it, and the session is saved
    right after, so the first page after login writes nothing more."""
    request.session[SEEN_KEY] = int(time.time())
    two_factor.start_session(request, user)


def is_idle(session, now: float) -> bool:
    seen = session.get(SEEN_KEY)
    return seen is not None and now - seen > settings.DTM_SESSION_IDLE_MINUTES * 60


def note_activity(session, now: float) -> None:
    """Refresh the last-seen time when it is more than SEEN_RESOLUTION old (or missing: a
    session from before this rule)."""
    seen = session.get(SEEN_KEY)
    if seen is None or now - seen > SEEN_RESOLUTION:
        session[SEEN_KEY] = int(now)
