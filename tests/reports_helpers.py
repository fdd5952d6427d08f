"""Shared bits of the daily-report tests: a frozen local clock and form payloads."""

import datetime as dt
import zoneinfo
from decimal import Decimal

from targets.models import Target

HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY = dt.date(2025, 9, 8)  # a working day; Tuesday 9/9 17:00 is its default cutoff


def at(day: dt.date, hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute, second), tzinfo=HANOI)


def daily_targets(day: dt.date = MONDAY) -> list[Target]:
    """The daily counts of the plan in force on `day` (the fixtures hold 2025 and 2026)."""
    year = max(
        year for year in Target.objects.reported_by_communes()
        .values_list("plan__year", flat=True) if year <= day.year
    )
    return list(Target.objects.reported_by_communes().filter(plan__year=year).order_by("code"))


def values_for(amount: int | Decimal = 5, day: dt.date = MONDAY) -> dict[int, Decimal]:
    return {target.pk: Decimal(amount) for target in daily_targets(day)}


def form_data(version: int = 0, amount: str = "5", day: dt.date = MONDAY,
              **overrides) -> dict[str, str]:
    """A complete POST for the daily form of `day`; `overrides` maps target codes or field
    names."""
    data = {"version": str(version), "note": "", "blockers": ""}
    targets = {target.code: target for target in daily_targets(day)}
    for target in targets.values():
        data[f"value_{target.pk}"] = amount
    for key, value in overrides.items():
        target = targets.get(key.replace("_", "-"))
        data[f"value_{target.pk}" if target else key] = value
    return data
