"""Reporting compliance for a date range, read from the roll-up tables only: who has not
reported today and yesterday, late streaks, on-time rate by unit and by former area."""

import datetime as dt
from collections import defaultdict

import django_tables2 as tables
from django import forms
from django.db.models import Prefetch
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communes.models import Commune, Province, User
from core.tables import TEMPLATE, Table
from core.tabular import Chart, NumberColumn
from reports import deadlines
from reports.models import ReportOutcome
from rollups import rates
from rollups.models import CommuneDay

from . import charts
from .overview import rate_cells, rate_headers

MAX_RANGE_DAYS = 366
DEFAULT_DAYS = 30
BAD = (ReportOutcome.LATE, ReportOutcome.MISSING)


class RangeForm(forms.Form):
    start = forms.DateField(label=gettext_lazy("From"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    end = forms.DateField(label=gettext_lazy("To"), required=False,
                          widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, today: dt.date, default_end: dt.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        # The range shown when none is asked for ends here (the national page: the last day
        # whose deadline has passed).
        self.default_end = default_end or today
        self.initial = {"start": self.default_end - dt.timedelta(days=DEFAULT_DAYS - 1),
                        "end": self.default_end, **self.initial}
        # HTML date inputs send ISO dates whatever the language.
        for field in self.fields.values():
            field.input_formats = ["%Y-%m-%d", "%d/%m/%Y"]

    def clean(self):
        data = super().clean()
        first, last = deadlines.EARLIEST_DAY, deadlines.LATEST_DAY
        for name in ("start", "end"):
            if data.get(name) and not first <= data[name] <= last:
                self.add_error(name, _("Choose a date between %(first)s and %(last)s.") % {
                    "first": f"{first:%d/%m/%Y}", "last": f"{last:%d/%m/%Y}"})
                data[name] = None
        if self.errors:
            return data
        end = data.get("end") or self.default_end
        start = data.get("start") or end - dt.timedelta(days=DEFAULT_DAYS - 1)
        if start > end:
            self.add_error("start", _("The start date must not be after the end date."))
        elif (end - start).days >= MAX_RANGE_DAYS:
            self.add_error("start", _("Choose a range of at most %(days)s days.")
                           % {"days": MAX_RANGE_DAYS})
        data["start"], data["end"] = start, end
        return data

    def range(self) -> tuple[dt.date, dt.date]:
        """The valid range asked for, or the default last 30 days."""
        if self.is_valid():
            return self.cleaned_data["start"], self.cleaned_data["end"]
        return self.default_end - dt.timedelta(days=DEFAULT_DAYS - 1), self.default_end


class RateColumn(NumberColumn):
    """A rate in percent: "60,0%" on the page, 60.0 under "<header> (%)" in exports."""

    def __init__(self, **kwargs):
        super().__init__(unit="%", **kwargs)

    def render(self, value):
        return floatformat(value, 1) + "%"

    def value(self, value):
        return round(value, 1) if value is not None else None


class UnitComplianceTable(Table):
    unit = tables.Column(verbose_name=gettext_lazy("Unit"))
    former_area = tables.Column(verbose_name=gettext_lazy("Former district or city"))
    owed = NumberColumn(verbose_name=gettext_lazy("Reports owed"))
    on_time = NumberColumn(verbose_name=gettext_lazy("On time"))
    late = NumberColumn(verbose_name=gettext_lazy("Late"))
    missing = NumberColumn(verbose_name=gettext_lazy("Not reported (missing or returned)"))
    reporting_rate = RateColumn(verbose_name=gettext_lazy("Reporting rate"))
    on_time_rate = RateColumn(verbose_name=gettext_lazy("On-time rate"))
    streak = NumberColumn(verbose_name=gettext_lazy("Late or missing in a row"))

    class Meta:
        template_name = TEMPLATE
        attrs = {"class": "data-table", "id": "compliance-table"}
        order_by = ("on_time_rate",)


def _not_reported(province: Province, days: list[dt.date]) -> dict[dt.date, list]:
    """Units that owed a report on each day and have none yet, with their focal points."""
    rows = (
        CommuneDay.objects.filter(
            commune__province=province, date__in=days, expected=True,
            outcome__in=[ReportOutcome.MISSING, ReportOutcome.PENDING],
        )
        .select_related("commune")
        .prefetch_related(Prefetch("commune__focal_points", queryset=User.objects.order_by("id")))
        .order_by("commune__name")
    )
    by_day: dict = {day: [] for day in days}
    for row in rows:
        by_day[row.date].append(row)
    return by_day


def _streak(outcomes: list[str]) -> int:
    """Owed days late or missing in a row, counting back from the last owed day."""
    streak = 0
    for outcome in reversed(outcomes):
        if outcome not in BAD:
            break
        streak += 1
    return streak


def unit_rows(province: Province, start: dt.date, end: dt.date) -> list[dict]:
    """The "By unit" table's rows alone (its CSV and XLSX): what `compliance` gives as
    "per_unit", without the page's other figures and their queries."""
    return _by_unit(province, start, end)[0]


def _by_unit(province: Province, start: dt.date, end: dt.date) -> tuple:
    """(a row per unit, the counts per former area, the counts per day)."""
    units = list(Commune.objects.filter(province=province)
                 .only("id", "name", "code", "former_area"))
    # One query: the rule's counts per unit-day, which sum to units, areas, the province, days.
    unit_days = rates.reporting_counts_by(
        CommuneDay.objects.filter(commune__province=province, date__range=(start, end)),
        "commune_id", "date", "outcome",
    )
    owed_outcomes: dict[int, list[str]] = defaultdict(list)
    ordered = sorted(unit_days.items(), key=lambda item: item[0][1])
    for (commune_id, _day, outcome), counts in ordered:
        if counts.owed:
            owed_outcomes[commune_id].append(outcome)
    by_unit = rates.totals_by((commune_id, c) for (commune_id, _d, _o), c in ordered)
    by_day = defaultdict(rates.RateCounts, rates.totals_by((d, c) for (_u, d, _o), c in ordered))

    per_unit = []
    areas: dict[str, rates.RateCounts] = {}
    for unit in units:
        counts = by_unit.get(unit.id, rates.RateCounts())
        area = unit.former_area or _("(none)")
        areas[area] = areas.get(area, rates.RateCounts()) + counts
        per_unit.append({
            "unit": unit.name, "code": unit.code, "former_area": unit.former_area,
            "owed": counts.owed,
            "on_time": counts.on_time, "late": counts.late,
            "missing": counts.missing_or_returned,
            "reporting_rate": counts.reporting_rate, "on_time_rate": counts.on_time_rate,
            "streak": _streak(owed_outcomes.get(unit.id, [])),
        })
    return per_unit, areas, by_day


def compliance(province: Province, start: dt.date, end: dt.date, today: dt.date) -> dict:
    per_unit, areas, by_day = _by_unit(province, start, end)
    # A former area's and the province's counts are the sums of their units' counts.
    total = sum(areas.values(), rates.RateCounts())
    by_area = sorted(
        ({"area": name, "counts": counts, "reporting_rate": counts.reporting_rate,
          "on_time_rate": counts.on_time_rate} for name, counts in areas.items()),
        key=lambda row: (-(row["on_time_rate"] or -1), row["area"]),
    )
    ranked = sorted(per_unit, key=lambda row: (-(row["on_time_rate"] or -1), row["unit"]))
    # Days nobody owed a report (weekends, holidays, not yet due) have no rate: a gap.
    trend_rows = [
        (day, by_day[day].reporting_rate, by_day[day].on_time_rate)
        for day in deadlines.date_range(start, end)
    ]
    headers = [_("Unit"), _("On-time rate (%)"), _("Reporting rate (%)"), _("Unit code")]
    return {
        "start": start, "end": end, "total": total,
        "not_reported": (not_reported := _not_reported(
            province, [today, today - dt.timedelta(days=1)]
        )),
        # Who is late comes first: owed and missing (past the deadline), oldest day first;
        # today's units still inside the deadline are "not yet", not late.
        "late": [row for day in sorted(not_reported) for row in not_reported[day]
                 if row.outcome == ReportOutcome.MISSING],
        "not_yet": [row for row in not_reported[today] if row.outcome == ReportOutcome.PENDING],
        "deadline_today": deadlines.deadline(today, province),
        "streaks": sorted((row for row in per_unit if row["streak"] >= 2),
                          key=lambda row: (-row["streak"], row["unit"])),
        "per_unit": per_unit,
        "charts": [
            Chart("trend", charts.compliance_trend(trend_rows),
                  [_("Date"), _("Reporting rate (%)"), _("On-time rate (%)")], trend_rows),
            Chart("areas", charts.rate_bars(_("On-time rate by former area"), "areas",
                                            by_area, "area"),
                  [_("Former district or city"), *rate_headers()[2:]],
                  [[row["area"], *rate_cells(row["counts"])] for row in by_area]),
            Chart("units", charts.rate_bars(_("On-time rate by unit"), "units", ranked, "unit"),
                  headers,
                  [[row["unit"], row["on_time_rate"], row["reporting_rate"], row["code"]]
                   for row in ranked]),
        ],
        "province_table": Chart(
            "province", {}, rate_headers(), [[start, end, *rate_cells(total)]]
        ),
    }
