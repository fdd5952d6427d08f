"""A unit-day's outcome: on time, late, returned, pending, missing or not expected."""

from .models import DailyReport, ReportOutcome


def outcome_for(
    expected: bool, report: dict | None, deadline_passed: bool
) -> str:
    """The outcome of one unit-day, from the stored report's status and lateness."""
    if report is not None:
        if report["status"] == DailyReport.Status.RETURNED:
            return ReportOutcome.RETURNED
        return ReportOutcome.LATE if report["is_late"] else ReportOutcome.ON_TIME
    if not expected:
        return ReportOutcome.NOT_EXPECTED
    return ReportOutcome.MISSING if deadline_passed else ReportOutcome.PENDING
