"""Morning reminders: one e-mail per unit that missed its last expected report, and a banner
for its focal points. Idempotent: `ReminderSent` records what went out, so a re-run (or a
second copy of the job) sends nothing."""

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from communes.models import Commune

from . import deadlines
from .models import Notice, ReminderSent

logger = logging.getLogger(__name__)


def missed_day(today: dt.date) -> dt.date | None:
    """The last expected reporting day before `today` (Friday on a Monday)."""
    days = deadlines.expected_days(today - dt.timedelta(days=14), today - dt.timedelta(days=1))
    return days[-1] if days else None


def units_missing(day: dt.date) -> QuerySet[Commune]:
    """Active units that owed a report for `day` and have none."""
    return (
        Commune.objects.active_on(day)
        .exclude(daily_reports__date=day)
        .prefetch_related("focal_points")
        .order_by("name")
    )


def send_reminders(today: dt.date | None = None) -> int:
    """Send the reminders of this morning; returns how many units were reminded."""
    today = today or timezone.localdate()
    if not deadlines.expected_days(today, today):
        return 0  # not a working morning
    day = missed_day(today)
    if day is None:
        return 0
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for unit in units_missing(day):
            try:
                reminded = _remind(unit, day)
            except Exception:
                # One unit's bad address or a mail-server hiccup must not cost the other units
                # their reminder; its ReminderSent row rolled back, so the next run retries it.
                logger.exception("reminder for %s about %s not sent", unit, day)
                continue
            sent += reminded
    return sent


def _remind(unit: Commune, day: dt.date) -> bool:
    focal_points = [user for user in unit.focal_points.all() if user.is_active]
    emails = sorted({user.email for user in focal_points if user.email})
    deadline = timezone.localtime(deadlines.deadline(day))
    context = {
        "unit": unit.name,
        "day": date_format(day, "SHORT_DATE_FORMAT"),
        "deadline": date_format(deadline, "SHORT_DATETIME_FORMAT"),
    }
    message = _(
        "%(unit)s has not sent its daily report for %(day)s yet. Please submit it; "
        "the deadline for an on-time report is %(deadline)s."
    ) % context
    try:
        with transaction.atomic():
            # The row is the lock: a second run (or copy) finds it and sends nothing. If the
            # mail fails the row rolls back with it, so the next run tries again.
            ReminderSent.objects.create(commune=unit, date=day, recipients=", ".join(emails))
            Notice.objects.bulk_create(
                [Notice(user=user, commune=unit, date=day, message=message)
                 for user in focal_points],
                ignore_conflicts=True,
            )
            if emails:
                EmailMessage(
                    subject=_("Reminder: daily report of %(unit)s for %(day)s") % context,
                    body=message + "\n\n" + _("This message was sent automatically by dtmonitor."),
                    to=emails,
                ).send()
    except IntegrityError:
        return False
    logger.info("reminded %s about %s (%d recipients)", unit, day, len(emails))
    return True
