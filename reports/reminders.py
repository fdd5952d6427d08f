"""Morning reminders: one e-mail per unit that missed its last expected report, and a banner
for its focal points. Idempotent: `ReminderSent` records what went out, so a re-run (or a
second copy of the job) sends nothing."""

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from communes.models import Commune, Province

from . import deadlines
from .models import Notice, ReminderSent, ReportingSettings

logger = logging.getLogger(__name__)


LOOK_BACK_DAYS = 14


def missed_day(
    today: dt.date, province: deadlines.ProvinceRef = None, *, rules=None, days_off=None
) -> dt.date | None:
    """The last expected reporting day of `province` before `today` (Friday on a Monday, the
    day before a province's own festival on the day after it). `rules` and `days_off`, when
    given, must be the province's, from `today - LOOK_BACK_DAYS` to `today`."""
    start, yesterday = today - dt.timedelta(days=LOOK_BACK_DAYS), today - dt.timedelta(days=1)
    if days_off is not None:
        days_off = {day for day in days_off if day <= yesterday}
    days = deadlines.expected_days(start, yesterday, province, rules=rules, days_off=days_off)
    return days[-1] if days else None


def units_missing(day: dt.date, province_ids: Iterable[int] | None = None) -> QuerySet[Commune]:
    """Active units (of `province_ids`, or all) that owed a report for `day` and have none."""
    units = Commune.objects.active_on(day)
    if province_ids is not None:
        units = units.filter(province_id__in=province_ids)
    return (
        units.exclude(daily_reports__date=day)
        .prefetch_related("focal_points")
        .order_by("name")
    )


def days_to_remind(
    today: dt.date, rules: dict[int, ReportingSettings]
) -> dict[dt.date, set[int]]:
    """This morning's missed days, each with the provinces that owed it: provinces keep their
    own rules (`rules`, from `deadlines.rules_by_province`) and days off, and a province whose
    morning is not a working one (a weekend, its own festival) is left out. One query whatever
    the number of provinces."""
    start = today - dt.timedelta(days=LOOK_BACK_DAYS)
    province_ids = set(rules)
    days_off = deadlines.holidays_by_province(start, today, province_ids)
    wanted: dict[dt.date, set[int]] = defaultdict(set)
    for province_id in province_ids:
        own_rules, own_days_off = rules[province_id], days_off[province_id]
        if not deadlines.expected_days(
            today, today, province_id, rules=own_rules, days_off=own_days_off & {today}
        ):
            continue  # not a working morning in this province
        day = missed_day(today, province_id, rules=own_rules, days_off=own_days_off)
        if day is not None:
            wanted[day].add(province_id)
    return wanted


def send_reminders(today: dt.date | None = None) -> int:
    """Send the reminders of this morning; returns how many units were reminded."""
    today = today or timezone.localdate()
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        rules = deadlines.rules_by_province(Province.objects.values_list("pk", flat=True))
        for day, province_ids in sorted(days_to_remind(today, rules).items()):
            for unit in units_missing(day, province_ids):
                try:
                    reminded = _remind(unit, day, rules[unit.province_id])
                except Exception:
                    # One unit's bad address or a mail-server hiccup must not cost the other
                    # units their reminder; its ReminderSent row rolled back, so the next run
                    # retries it.
                    logger.exception("reminder for %s about %s not sent", unit, day)
                    continue
                sent += reminded
    return sent


def _remind(unit: Commune, day: dt.date, rules) -> bool:
    focal_points = [user for user in unit.focal_points.all() if user.is_active]
    emails = sorted({user.email for user in focal_points if user.email})
    deadline = timezone.localtime(deadlines.deadline(day, rules=rules))
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
