"""The reporting-rate rule, defined once (README, "Roll-ups", "Reporting compliance").

Over the per-unit-day outcomes (`CommuneDay`):
- a unit-day is *owed* when the unit is active, the day is expected and its deadline has
  passed: `expected` and the outcome is not pending. A report on a day that is not expected is
  neither owed nor reported;
- *reported* = on time + late. A returned report is owed and not reported until corrected;
- reporting rate = reported / owed, on-time rate = on time / owed, in % rounded to 0.1; None
  when nothing is owed.
Areas, provinces and the nation sum the counts of their unit-days; a rate is never an average
of rates. Every page, table, chart and export gets its counts and rates from here.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

from django.db.models import Count, F, FloatField, Q, QuerySet
from django.db.models.functions import Cast, NullIf

from reports.models import ReportOutcome

from .models import CommuneDay

OWED_OUTCOMES = (
    ReportOutcome.ON_TIME, ReportOutcome.LATE, ReportOutcome.RETURNED, ReportOutcome.MISSING,
)


def owed_q(prefix: str = "") -> Q:
    """Unit-days owed. `prefix` reaches CommuneDay through a relation ("reporting_days__")."""
    return Q(**{f"{prefix}expected": True, f"{prefix}outcome__in": OWED_OUTCOMES})


def on_time_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}expected": True, f"{prefix}outcome": ReportOutcome.ON_TIME})


def late_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}expected": True, f"{prefix}outcome": ReportOutcome.LATE})


def pending_q(prefix: str = "") -> Q:
    """Expected unit-days not yet due: neither owed nor reported (counted to say so)."""
    return Q(**{f"{prefix}expected": True, f"{prefix}outcome": ReportOutcome.PENDING})


def percent(part: int, owed: int) -> float | None:
    return round(100 * part / owed, 1) if owed else None


@dataclass(frozen=True)
class RateCounts:
    owed: int = 0
    on_time: int = 0
    late: int = 0
    pending: int = 0  # not yet due: outside owed

    @property
    def reported(self) -> int:
        return self.on_time + self.late

    @property
    def missing_or_returned(self) -> int:
        return self.owed - self.reported

    @property
    def reporting_rate(self) -> float | None:
        return percent(self.reported, self.owed)

    @property
    def on_time_rate(self) -> float | None:
        return percent(self.on_time, self.owed)

    def __add__(self, other: "RateCounts") -> "RateCounts":
        """Counts of two sets of unit-days: an area is the sum of its units' counts."""
        return RateCounts.total((self, other))

    @classmethod
    def total(cls, counts: Iterable["RateCounts"]) -> "RateCounts":
        """Counts of several sets of unit-days (a province's thousands of unit-days at once,
        without a new RateCounts per addition)."""
        owed = on_time = late = pending = 0
        for part in counts:
            owed += part.owed
            on_time += part.on_time
            late += part.late
            pending += part.pending
        return cls(owed, on_time, late, pending)


def totals_by(pairs: Iterable[tuple[Hashable, RateCounts]]) -> dict:
    """{key: the total of its counts} from (key, RateCounts) pairs: a day's or a unit's counts
    from per-unit-day counts."""
    grouped: dict = defaultdict(list)
    for key, counts in pairs:
        grouped[key].append(counts)
    return {key: RateCounts.total(parts) for key, parts in grouped.items()}


def count_annotations(relation: str = "pk", prefix: str = "", extra: Q | None = None) -> dict:
    """owed/on_time/late as Count() aggregates; `relation`/`prefix` reach CommuneDay from another
    model (e.g. units: "reporting_days", "reporting_days__"), `extra` narrows (a date window)."""
    extra = extra if extra is not None else Q()
    return {
        "owed": Count(relation, filter=owed_q(prefix) & extra),
        "on_time": Count(relation, filter=on_time_q(prefix) & extra),
        "late": Count(relation, filter=late_q(prefix) & extra),
        "pending": Count(relation, filter=pending_q(prefix) & extra),
    }


def rate_annotations() -> dict:
    """`reporting_rate`/`on_time_rate` (%, unrounded) in SQL from annotated owed/on_time/late, so
    a list can sort by them; RateCounts rounds the same ratio to 0.1 for display."""
    owed = NullIf(Cast(F("owed"), FloatField()), 0.0)
    return {
        "reporting_rate": 100.0 * Cast(F("on_time") + F("late"), FloatField()) / owed,
        "on_time_rate": 100.0 * Cast(F("on_time"), FloatField()) / owed,
    }


def reporting_counts(days: QuerySet[CommuneDay]) -> RateCounts:
    """The counts of a set of unit-days (one query)."""
    return RateCounts(**days.aggregate(**count_annotations()))


def reporting_counts_by(days: QuerySet[CommuneDay], *fields: str) -> dict:
    """Counts per group of unit-days (one query): {value (or tuple of values): RateCounts}."""
    # Tuples, not dicts: a province's 37 days are ~2,000 rows.
    rows = days.order_by().values(*fields).annotate(**count_annotations()).values_list(
        *fields, "owed", "on_time", "late", "pending"
    )
    width = len(fields)
    if width == 1:
        return {row[0]: RateCounts(*row[1:]) for row in rows}
    return {row[:width]: RateCounts(*row[width:]) for row in rows}


def window(start: dt.date, end: dt.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}date__range": (start, end)})

