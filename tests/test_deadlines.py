"""The reporting regime's rules: expected days, the on-time cutoff, the backfill window."""

import datetime as dt
import zoneinfo

import pytest

from reports import deadlines
from reports.models import Holiday, ReportingSettings

HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY = dt.date(2025, 9, 8)


@pytest.fixture
def rules(db):
    return ReportingSettings.current()


def test_default_cutoff_is_17h_local_on_the_next_day(rules):
    assert deadlines.deadline(MONDAY) == dt.datetime(2025, 9, 9, 17, 0, tzinfo=HANOI)


def test_on_time_until_the_cutoff_and_late_one_second_after(rules):
    cutoff = dt.datetime(2025, 9, 9, 17, 0, tzinfo=HANOI)
    assert not deadlines.is_late(MONDAY, cutoff)
    assert deadlines.is_late(MONDAY, cutoff + dt.timedelta(seconds=1))


def test_cutoff_is_configurable(rules):
    rules.cutoff_days_after, rules.cutoff_time = 0, dt.time(23, 59)
    rules.save()
    assert deadlines.deadline(MONDAY) == dt.datetime(2025, 9, 8, 23, 59, tzinfo=HANOI)


def test_working_days_exclude_weekends_and_holidays(rules):
    Holiday.objects.create(date=dt.date(2025, 9, 2), name="Quốc khánh")
    days = deadlines.expected_days(dt.date(2025, 9, 1), dt.date(2025, 9, 7))
    assert days == [dt.date(2025, 9, 1), dt.date(2025, 9, 3), dt.date(2025, 9, 4),
                    dt.date(2025, 9, 5)]


def test_every_day_mode_expects_weekends_and_holidays_too(rules):
    rules.expected_days = ReportingSettings.ExpectedDays.EVERY_DAY
    rules.save()
    Holiday.objects.create(date=dt.date(2025, 9, 2), name="Quốc khánh")
    assert len(deadlines.expected_days(dt.date(2025, 9, 1), dt.date(2025, 9, 7))) == 7


def test_units_are_not_expected_before_they_existed(rules, commune_a):
    assert not deadlines.is_expected(commune_a, dt.date(2025, 6, 30))
    assert deadlines.is_expected(commune_a, dt.date(2025, 7, 1))
    commune_a.active_until = dt.date(2025, 9, 30)
    assert not deadlines.is_expected(commune_a, dt.date(2025, 10, 1))


def test_backfill_window_opens_past_days_but_not_the_future(rules):
    today = dt.date(2025, 9, 20)
    assert deadlines.is_open_for_submission(today, today)
    assert deadlines.is_open_for_submission(dt.date(2025, 9, 13), today)
    assert not deadlines.is_open_for_submission(dt.date(2025, 9, 12), today)
    assert not deadlines.is_open_for_submission(dt.date(2025, 9, 21), today)


def test_loaded_holidays_include_national_day(quangninh):
    assert Holiday.objects.filter(date=dt.date(2025, 9, 2)).exists()


def test_switching_a_unit_off_stops_expecting_reports_from_today(rules, commune_a):
    import time_machine

    with time_machine.travel(dt.datetime(2025, 10, 15, 9, tzinfo=HANOI), tick=False):
        commune_a.is_active = False
        commune_a.save()
    commune_a.refresh_from_db()
    assert commune_a.active_until == dt.date(2025, 10, 14)
    assert deadlines.is_expected(commune_a, dt.date(2025, 10, 14))
    assert not deadlines.is_expected(commune_a, dt.date(2025, 10, 15))
