"""A unit's reporting calendar: what became of each of its recent days.

Built from `reports.deadlines` and the unit's reports in a constant number of queries (rules,
holidays, reports, unlocked days), whatever the number of days shown.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import deadlines
from .models import DailyReport, ReportOutcome
from .outcomes import outcome_for

CALENDAR_DAYS = 60

# State → (label, short mark shown in the cell). The mark is doubled by colour and a legend.
STATES = {
    "on_time": (_("on time"), "✓"),
    "late": (_("late"), "!"),
    "returned": (_("returned"), "↩"),
    "missing": (_("missing"), "✗"),
    "pending": (_("not yet due"), "…"),
    "non_working": (_("non-working day"), "·"),
    "inactive": (_("unit not active"), " "),
}


@dataclass(frozen=True)
class CalendarDay:
    date: dt.date
    state: str
    is_open: bool
    report_id: int | None

    @property
    def label(self):
        return STATES[self.state][0]

    @property
    def mark(self) -> str:
        return STATES[self.state][1]


def day_state(commune, day: dt.date, report, expected: bool, now: dt.datetime, rules) -> str:
    """One day's state: the report's outcome if there is one, otherwise why there is none.
    `rules` are those of the unit's province (`deadlines.rules_for`)."""
    if not commune.is_active_on(day):
        return "inactive"
    # The same rule as the roll-ups (reports.outcomes.outcome_for); the calendar only names
    # "not expected" after its reason, a non-working day.
    outcome = outcome_for(
        expected,
        None if report is None else {"status": report.status, "is_late": report.is_late},
        deadline_passed=now > deadlines.deadline(day, rules=rules),
    )
    return "non_working" if outcome == ReportOutcome.NOT_EXPECTED else str(outcome)


def unit_calendar(
    commune, may_report: bool, today: dt.date | None = None, days: int = CALENDAR_DAYS
) -> list[CalendarDay]:
    """The last `days` days up to `today`, oldest first."""
    now = timezone.now()
    today = today or timezone.localdate()
    start = today - dt.timedelta(days=days - 1)
    rules = deadlines.rules_for(commune.province_id)
    expected = set(deadlines.expected_days(start, today, commune.province_id, rules=rules))
    reports = {
        report.date: report
        for report in DailyReport.objects.filter(commune=commune, date__range=(start, today)).only(
            "id", "date", "status", "is_late"
        )
    }
    unlocked = deadlines.unlocked_days(commune, start, today) if may_report else set()
    return [
        CalendarDay(
            date=day,
            state=day_state(commune, day, reports.get(day), day in expected, now, rules),
            is_open=may_report and deadlines.is_day_open(commune, day, today, rules, unlocked),
            report_id=reports[day].pk if day in reports else None,
        )
        for day in deadlines.date_range(start, today)
    ]
