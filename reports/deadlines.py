"""The reporting regime's rules, defined once: which days are expected, when a report is late,
which past days may still be submitted. Forms, services, roll-ups and tests all call these."""

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone

from .models import DayUnlock, Holiday, ReportingSettings

# No report can exist outside these days; checking early also keeps date arithmetic (deadline =
# day + cutoff) away from the calendar's ends.
EARLIEST_DAY, LATEST_DAY = dt.date(2000, 1, 1), dt.date(2100, 12, 31)


def non_working_days(start: dt.date, end: dt.date) -> set[dt.date]:
    """Weekends and the holidays administrators entered, between start and end inclusive."""
    days = {day for day in date_range(start, end) if day.weekday() >= 5}
    days |= set(Holiday.objects.filter(date__range=(start, end)).values_list("date", flat=True))
    return days


def date_range(start: dt.date, end: dt.date) -> Iterable[dt.date]:
    for offset in range((end - start).days + 1):
        yield start + dt.timedelta(days=offset)


def expected_days(
    start: dt.date, end: dt.date, rules: ReportingSettings | None = None
) -> list[dt.date]:
    """The days on which every active unit is expected to report, between start and end."""
    rules = rules or ReportingSettings.current()
    if rules.expected_days == ReportingSettings.ExpectedDays.EVERY_DAY:
        return list(date_range(start, end))
    closed = non_working_days(start, end)
    return [day for day in date_range(start, end) if day not in closed]


def is_expected(commune, day: dt.date, rules: ReportingSettings | None = None) -> bool:
    """Whether `commune` owes a report for `day`."""
    return commune.is_active_on(day) and bool(expected_days(day, day, rules))


def deadline(day: dt.date, rules: ReportingSettings | None = None) -> dt.datetime:
    """The last moment a report for `day` counts as on time (default 17:00 on the next day,
    in the project's time zone)."""
    rules = rules or ReportingSettings.current()
    local_day = day + dt.timedelta(days=rules.cutoff_days_after)
    return timezone.make_aware(dt.datetime.combine(local_day, rules.cutoff_time))


def is_late(
    day: dt.date, submitted_at: dt.datetime, rules: ReportingSettings | None = None
) -> bool:
    return submitted_at > deadline(day, rules)


def earliest_open_day(today: dt.date | None = None, rules: ReportingSettings | None = None):
    """The oldest past day a focal point may still submit without an administrator."""
    rules = rules or ReportingSettings.current()
    today = today or timezone.localdate()
    return today - dt.timedelta(days=rules.backfill_days)


def is_open_for_submission(
    day: dt.date, today: dt.date | None = None, rules: ReportingSettings | None = None
) -> bool:
    """Today and the days of the backfill window are open; the future and older days are not."""
    today = today or timezone.localdate()
    return earliest_open_day(today, rules) <= day <= today


def unlocked_days(commune, start: dt.date, end: dt.date) -> set[dt.date]:
    """Days an administrator reopened for `commune` between start and end (one query)."""
    return set(
        DayUnlock.objects.filter(commune=commune, date__range=(start, end)).values_list(
            "date", flat=True
        )
    )


def is_day_open(
    commune,
    day: dt.date,
    today: dt.date | None = None,
    rules: ReportingSettings | None = None,
    unlocked: set[dt.date] | None = None,
) -> bool:
    """Whether the report of `commune` for `day` may still be submitted or edited.

    Open: days the unit existed that are inside the backfill window (today included), or that
    an administrator unlocked (`DayUnlock`). Never the future. Whether the user may report for
    the unit at all is a separate question (`Commune.objects.reportable_by`). Pass `unlocked`
    (from `unlocked_days`) when asking for many days, to keep the query count constant.
    """
    today = today or timezone.localdate()
    if day > today or not commune.is_active_on(day):
        return False
    if is_open_for_submission(day, today, rules):
        return True
    if unlocked is None:
        unlocked = unlocked_days(commune, day, day)
    return day in unlocked
