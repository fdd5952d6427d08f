"""Reporting compliance roll-ups: CommuneDay and ComplianceDay for a range of days.

Definitions (README, "Roll-ups"), over expected unit-days only:
- a unit-day is expected when the day is an expected reporting day of the unit's province
  (`deadlines.expected_days`: its rules and days off) and the unit is active that day
  (`Commune.active_on`);
- outcome: returned (report sent back for correction), late (`DailyReport.is_late`), on time,
  pending (no report, deadline not passed yet), missing (no report after the deadline),
  not_expected (no report owed; a report sent anyway still shows as on time / late, with
  expected=False, so the rate rule leaves it out);
- ComplianceDay keeps the province's daily counts of expected unit-days for the admin. Rates are
  never computed here or from ComplianceDay: `rollups.rates` is the one rule.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from communes.models import Commune
from reports import deadlines
from reports.models import DailyReport, ReportOutcome
from reports.outcomes import outcome_for

from .models import CommuneDay, ComplianceDay


@dataclass
class ComplianceCounts:
    commune_days: int = 0
    compliance_days: int = 0


def compute(
    start: dt.date, end: dt.date, now: dt.datetime | None = None,
    province_ids: set[int] | None = None, commune_ids: set[int] | None = None,
) -> tuple[list[CommuneDay], list[ComplianceDay]]:
    """Unsaved CommuneDay and ComplianceDay rows for start..end (every unit of every province,
    or of `province_ids` only; CommuneDay rows of `commune_ids` only, when given: the province
    counts still tally every unit)."""
    now = now or timezone.now()
    # Only what the outcome needs: after one submission this is the unit's whole province.
    units = Commune.objects.order_by("pk").only("pk", "province_id", "active_from", "active_until")
    day_reports = DailyReport.objects.filter(date__range=(start, end))
    if province_ids is not None:
        units = units.filter(province_id__in=province_ids)
        day_reports = day_reports.filter(commune__province_id__in=province_ids)
    units = list(units)
    reports = {
        (row["commune_id"], row["date"]): row
        for row in day_reports.values(
            "id", "commune_id", "date", "status", "is_late"
        )
    }
    # Each province's rules and days off, in one query each whatever the number of provinces.
    provinces = {unit.province_id for unit in units}
    rules = deadlines.rules_by_province(provinces)
    days_off = deadlines.holidays_by_province(start, end, provinces)
    expected_by_province = {
        province_id: set(deadlines.expected_days(
            start, end, province_id, rules=rules[province_id], days_off=days_off[province_id]
        ))
        for province_id in provinces
    }
    passed_by_province = {
        province_id: {
            day: deadlines.deadline(day, rules=rules[province_id]) < now
            for day in deadlines.date_range(start, end)
        }
        for province_id in provinces
    }
    commune_rows = []
    tallies: dict[tuple[int, dt.date], dict[str, int]] = {}
    for day in deadlines.date_range(start, end):
        for unit in units:
            active = unit.is_active_on(day)
            report = reports.get((unit.pk, day))
            if not active and report is None:
                continue
            expected = active and day in expected_by_province[unit.province_id]
            outcome = outcome_for(expected, report, passed_by_province[unit.province_id][day])
            if commune_ids is None or unit.pk in commune_ids:
                commune_rows.append(
                    CommuneDay(
                        commune_id=unit.pk, date=day, expected=expected, outcome=outcome,
                        report_id=report["id"] if report else None,
                    )
                )
            tally = tallies.setdefault(
                (unit.province_id, day), defaultdict(int)
            )
            if expected:
                tally["expected"] += 1
                tally[outcome] += 1
    compliance_rows = []
    for province_id in sorted(provinces):
        for day in deadlines.date_range(start, end):
            tally = tallies.get((province_id, day), {})
            on_time, late = tally.get(ReportOutcome.ON_TIME, 0), tally.get(ReportOutcome.LATE, 0)
            compliance_rows.append(
                ComplianceDay(
                    province_id=province_id, date=day, expected=tally.get("expected", 0),
                    actual=on_time + late, on_time=on_time, late=late,
                    returned=tally.get(ReportOutcome.RETURNED, 0),
                )
            )
    return commune_rows, compliance_rows


def rollup_compliance(
    start: dt.date,
    end: dt.date,
    commune_ids: list[int] | None = None,
    now: dt.datetime | None = None,
) -> ComplianceCounts:
    """Rebuild CommuneDay (all units, or only `commune_ids`) and ComplianceDay for start..end.
    Idempotent upserts in one transaction."""
    # A submission touches one unit: only its province's figures can change, so only that
    # province is recomputed (a national deployment must not redo 34 provinces per report).
    province_ids = (
        None if commune_ids is None
        else set(Commune.objects.filter(pk__in=commune_ids).values_list("province_id", flat=True))
    )
    commune_rows, compliance_rows = compute(
        start, end, now, province_ids, None if commune_ids is None else set(commune_ids)
    )
    commune_rows.sort(key=lambda r: (r.date, r.commune_id))
    with transaction.atomic():
        CommuneDay.objects.bulk_create(
            commune_rows, batch_size=2000, update_conflicts=True,
            unique_fields=["commune", "date"],
            update_fields=["expected", "outcome", "report", "updated_at"],
        )
        ComplianceDay.objects.bulk_create(
            compliance_rows, batch_size=2000, update_conflicts=True,
            unique_fields=["province", "date"],
            update_fields=["expected", "actual", "on_time", "late", "returned", "updated_at"],
        )
    return ComplianceCounts(len(commune_rows), len(compliance_rows))
