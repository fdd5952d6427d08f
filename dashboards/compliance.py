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
from core.tabular import Chart
from reports import deadlines
from reports.models import ReportOutcome
from rollups.models import CommuneDay, ComplianceDay

from . import charts
from .overview import NOT_OWED, REPORTED, percent

MAX_RANGE_DAYS = 366
DEFAULT_DAYS = 30
BAD = (ReportOutcome.LATE, ReportOutcome.MISSING)


class RangeForm(forms.Form):
    start = forms.DateField(label=gettext_lazy("From"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    end = forms.DateField(label=gettext_lazy("To"), required=False,
                          widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.initial = {"start": today - dt.timedelta(days=DEFAULT_DAYS - 1), "end": today,
                        **self.initial}
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
        end = data.get("end") or self.today
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
        return self.today - dt.timedelta(days=DEFAULT_DAYS - 1), self.today


class RateColumn(tables.Column):
    def __init__(self, **kwargs):
        super().__init__(attrs={"td": {"class": "num"}}, default="—", **kwargs)

    def render(self, value):
        return floatformat(value, 1) + "%"


class UnitComplianceTable(tables.Table):
    unit = tables.Column(verbose_name=gettext_lazy("Unit"))
    former_area = tables.Column(verbose_name=gettext_lazy("Former district or city"))
    owed = tables.Column(verbose_name=gettext_lazy("Reports owed"), attrs={"td": {"class": "num"}})
    on_time = tables.Column(verbose_name=gettext_lazy("On time"), attrs={"td": {"class": "num"}})
    late = tables.Column(verbose_name=gettext_lazy("Late"), attrs={"td": {"class": "num"}})
    missing = tables.Column(verbose_name=gettext_lazy("Missing"), attrs={"td": {"class": "num"}})
    reporting_rate = RateColumn(verbose_name=gettext_lazy("Reporting rate"))
    on_time_rate = RateColumn(verbose_name=gettext_lazy("On-time rate"))
    streak = tables.Column(verbose_name=gettext_lazy("Late or missing in a row"),
                           attrs={"td": {"class": "num"}})

    class Meta:
        template_name = "django_tables2/table.html"
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


def compliance(province: Province, start: dt.date, end: dt.date, today: dt.date) -> dict:
    units = list(Commune.objects.filter(province=province).only("id", "name", "former_area"))
    outcomes: dict[int, list[str]] = defaultdict(list)
    for commune_id, outcome in (
        CommuneDay.objects.filter(commune__province=province, date__range=(start, end))
        .order_by("date").values_list("commune_id", "outcome")
    ):
        outcomes[commune_id].append(outcome)

    per_unit = []
    for unit in units:
        seen = outcomes.get(unit.id, [])
        owed = [outcome for outcome in seen if outcome not in NOT_OWED]
        streak = 0
        for outcome in reversed(owed):
            if outcome not in BAD:
                break
            streak += 1
        on_time = owed.count(ReportOutcome.ON_TIME)
        per_unit.append({
            "unit": unit.name, "former_area": unit.former_area, "owed": len(owed),
            "on_time": on_time, "late": owed.count(ReportOutcome.LATE),
            "missing": owed.count(ReportOutcome.MISSING),
            "reporting_rate": percent(sum(1 for o in owed if o in REPORTED), len(owed)),
            "on_time_rate": percent(on_time, len(owed)), "streak": streak,
        })

    areas: dict[str, dict] = {}
    for row in per_unit:
        area = areas.setdefault(row["former_area"] or _("(none)"),
                                {"owed": 0, "reported": 0, "on_time": 0})
        area["owed"] += row["owed"]
        area["reported"] += row["owed"] - row["missing"]
        area["on_time"] += row["on_time"]
    by_area = sorted(
        ({"area": name, "reporting_rate": percent(a["reported"], a["owed"]),
          "on_time_rate": percent(a["on_time"], a["owed"])} for name, a in areas.items()),
        key=lambda row: (-(row["on_time_rate"] or -1), row["area"]),
    )
    ranked = sorted(per_unit, key=lambda row: (-(row["on_time_rate"] or -1), row["unit"]))
    trend_rows = [
        (day.date, percent(day.actual, day.expected), percent(day.on_time, day.expected))
        # Days nobody owed a report (weekends, holidays) have no rate to draw.
        for day in ComplianceDay.objects.filter(
            province=province, date__range=(start, end), expected__gt=0
        ).order_by("date")
    ]
    headers = [_("Unit"), _("On-time rate (%)"), _("Reporting rate (%)")]
    return {
        "start": start, "end": end,
        "not_reported": _not_reported(province, [today, today - dt.timedelta(days=1)]),
        "streaks": sorted((row for row in per_unit if row["streak"] >= 2),
                          key=lambda row: (-row["streak"], row["unit"])),
        "per_unit": per_unit,
        "charts": [
            Chart("trend", charts.compliance_trend(trend_rows),
                  [_("Date"), _("Reporting rate (%)"), _("On-time rate (%)")], trend_rows),
            Chart("areas", charts.rate_bars(_("On-time rate by former area"), "areas",
                                            by_area, "area"),
                  [_("Former district or city"), _("On-time rate (%)"), _("Reporting rate (%)")],
                  [[row["area"], row["on_time_rate"], row["reporting_rate"]] for row in by_area]),
            Chart("units", charts.rate_bars(_("On-time rate by unit"), "units", ranked, "unit"),
                  headers,
                  [[row["unit"], row["on_time_rate"], row["reporting_rate"]] for row in ranked]),
        ],
    }
