"""The reporting regime's rules, defined once: which days are expected, when a report is late,
which past days may still be submitted. Forms, services, roll-ups and tests all call these.

Every answer is for one province: its own rules if it has an override, else the national
defaults (`rules_for`); its non-working days are weekends, national holidays and its own extra
days off. A province is given as a `Province`, its id, or None for the national calendar.
Pages about one unit fetch its province's rules once and pass them on (`rules=`); roll-ups over
many provinces fetch every province's rules and days off in one query each
(`rules_by_province`, `holidays_by_province`).
"""

import datetime as dt
from collections.abc import Iterable

from django.db.models import Max, Q
from django.utils import timezone

from communes.models import Province

from .models import DayUnlock, Holiday, ReportingSettings

# No report can exist outside these days; checking early also keeps date arithmetic (deadline =
# day + cutoff) away from the calendar's ends.
EARLIEST_DAY, LATEST_DAY = dt.date(2000, 1, 1), dt.date(2100, 12, 31)

ProvinceRef = Province | int | None


def _province_id(province: ProvinceRef) -> int | None:
    if province is None or isinstance(province, int):
        return province
    if isinstance(province, Province):
        return province.pk
    # Before provinces, the third argument of several rules was the rules row: refuse it
    # loudly rather than read it as a province.
    raise TypeError(f"a province, its id or None, not {type(province).__name__}")


def rules_for(province: ProvinceRef) -> ReportingSettings:
    """The rules a province's units follow: its own override, else the national defaults
    (one query)."""
    province_id = _province_id(province)
    wanted = Q(province__isnull=True)
    if province_id is not None:
        wanted |= Q(province_id=province_id)
    rows = {row.province_id: row for row in ReportingSettings.objects.filter(wanted)}
    return rows.get(province_id) or rows.get(None) or ReportingSettings.current()


def rules_by_province(province_ids: Iterable[int]) -> dict[int, ReportingSettings]:
    """Each province's rules, in one query whatever their number."""
    province_ids = set(province_ids)
    rows = {
        row.province_id: row
        for row in ReportingSettings.objects.filter(
            Q(province__isnull=True) | Q(province_id__in=province_ids)
        )
    }
    national = rows.get(None) or ReportingSettings.current()
    return {province_id: rows.get(province_id, national) for province_id in province_ids}


def longest_cutoff_days() -> int:
    """The most days after the report day any province's deadline falls (one query)."""
    longest = ReportingSettings.objects.aggregate(days=Max("cutoff_days_after"))["days"]
    return ReportingSettings.current().cutoff_days_after if longest is None else longest


def holidays(start: dt.date, end: dt.date, province: ProvinceRef = None) -> set[dt.date]:
    """National holidays and the province's own days off between start and end (one query)."""
    province_id = _province_id(province)
    wanted = Q(province__isnull=True)
    if province_id is not None:
        wanted |= Q(province_id=province_id)
    return set(
        Holiday.objects.filter(wanted, date__range=(start, end)).values_list("date", flat=True)
    )


def holidays_by_province(
    start: dt.date, end: dt.date, province_ids: Iterable[int]
) -> dict[int, set[dt.date]]:
    """Each province's days off (national ones included) between start and end, one query."""
    province_ids = set(province_ids)
    national: set[dt.date] = set()
    own: dict[int, set[dt.date]] = {province_id: set() for province_id in province_ids}
    rows = Holiday.objects.filter(
        Q(province__isnull=True) | Q(province_id__in=province_ids), date__range=(start, end)
    ).values_list("province_id", "date")
    for province_id, day in rows:
        (national if province_id is None else own[province_id]).add(day)
    return {province_id: national | days for province_id, days in own.items()}


def non_working_days(
    start: dt.date, end: dt.date, province: ProvinceRef = None,
    *, days_off: set[dt.date] | None = None,
) -> set[dt.date]:
    """Weekends and the province's holidays (national and its own), start..end inclusive.
    Pass `days_off` (from `holidays_by_province`) to skip the query."""
    weekends = {day for day in date_range(start, end) if day.weekday() >= 5}
    if days_off is None:
        days_off = holidays(start, end, province)
    return weekends | days_off


def date_range(start: dt.date, end: dt.date) -> Iterable[dt.date]:
    for offset in range((end - start).days + 1):
        yield start + dt.timedelta(days=offset)


def expected_days(
    start: dt.date, end: dt.date, province: ProvinceRef = None,
    *, rules: ReportingSettings | None = None, days_off: set[dt.date] | None = None,
) -> list[dt.date]:
    """The days on which every active unit of `province` is expected to report, start..end.
    `rules` and `days_off`, when given, must be that province's."""
    rules = rules or rules_for(province)
    if rules.expected_days == ReportingSettings.ExpectedDays.EVERY_DAY:
        return list(date_range(start, end))
    closed = non_working_days(start, end, province, days_off=days_off)
    return [day for day in date_range(start, end) if day not in closed]


def is_expected(commune, day: dt.date, rules: ReportingSettings | None = None) -> bool:
    """Whether `commune` owes a report for `day` (by its province's rules and days off)."""
    return commune.is_active_on(day) and bool(
        expected_days(day, day, commune.province_id, rules=rules)
    )


def deadline(
    day: dt.date, province: ProvinceRef = None, *, rules: ReportingSettings | None = None
) -> dt.datetime:
    """The last moment a report for `day` counts as on time in `province` (national default
    17:00 on the next day, in the project's time zone)."""
    rules = rules or rules_for(province)
    local_day = day + dt.timedelta(days=rules.cutoff_days_after)
    return timezone.make_aware(dt.datetime.combine(local_day, rules.cutoff_time))


def is_late(
    day: dt.date, submitted_at: dt.datetime, province: ProvinceRef = None,
    *, rules: ReportingSettings | None = None,
) -> bool:
    return submitted_at > deadline(day, province, rules=rules)


def earliest_open_day(
    today: dt.date | None = None, province: ProvinceRef = None,
    *, rules: ReportingSettings | None = None,
) -> dt.date:
    """The oldest past day a focal point of `province` may still submit without an
    administrator."""
    rules = rules or rules_for(province)
    today = today or timezone.localdate()
    return today - dt.timedelta(days=rules.backfill_days)


def is_open_for_submission(
    day: dt.date, today: dt.date | None = None, province: ProvinceRef = None,
    *, rules: ReportingSettings | None = None,
) -> bool:
    """Today and the days of the backfill window are open; the future and older days are not."""
    today = today or timezone.localdate()
    return earliest_open_day(today, province, rules=rules) <= day <= today


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

    Open: days the unit existed that are inside its province's backfill window (today
    included), or that an administrator unlocked (`DayUnlock`). Never the future. Whether the
    user may report for the unit at all is a separate question (`Commune.objects.reportable_by`).
    Pass `rules` (its province's) and `unlocked` (from `unlocked_days`) when asking for many
    days, to keep the query count constant.
    """
    today = today or timezone.localdate()
    if day > today or not commune.is_active_on(day):
        return False
    if is_open_for_submission(day, today, commune.province_id, rules=rules):
        return True
    if unlocked is None:
        unlocked = unlocked_days(commune, day, day)
    return day in unlocked
