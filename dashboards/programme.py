"""The programme page: each long-term target with its yearly path and a projection.

A programme target's yearly path is the value of the yearly target that contributes to it in
each plan (Target.programme_target), read from the roll-ups: the latest TargetDay of that plan's
year, up to today. The projection to the horizon year is the least-squares line through the
baseline and those values (`targets.status.least_squares_at`, the same helper target statuses
use).
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import CharField, DateField, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Concat
from django.utils.translation import gettext as _

from core.tabular import Chart
from rollups.models import TargetDay
from targets.models import Programme, ProgrammeTarget, Target
from targets.status import least_squares_at

from . import charts
from .overview import localised


def _float(value):
    return float(value) if value is not None else None


@dataclass
class PathPoint:
    year: int
    target: Target  # the yearly target of that year's plan
    value: float | None
    as_of: dt.date | None


@dataclass
class ProgrammeTargetPath:
    target: ProgrammeTarget
    name: str
    points: list[PathPoint] = field(default_factory=list)
    projection: float | None = None

    def share(self, value: float | None) -> float | None:
        """value as a percentage of the programme target."""
        goal = float(self.target.target_value)
        return round(100 * value / goal, 1) if value is not None and goal else None


def horizon_day(programme: Programme) -> dt.date:
    return dt.date(programme.horizon_year, 12, 31)


def _day_of_plan_year(month_day: str):
    """The day `month_day` ("-MM-DD") of the outer target's plan year, as a date expression
    (portable: SQLite's dates are ISO text)."""
    return Cast(Concat(Cast(OuterRef("plan__year"), CharField()), Value(month_day)), DateField())


def target_paths(programme: Programme, today: dt.date, language: str) -> list[ProgrammeTargetPath]:
    # The plan's year as a date range, not `date__year` (EXTRACT(YEAR FROM date) = year): a
    # range is what the (target, date) index can bound; EXTRACT made PostgreSQL walk the
    # country's TargetDay rows by date, ~40 ms a target at national scale.
    latest = TargetDay.objects.filter(
        target=OuterRef("pk"), date__lte=today,
        date__range=(_day_of_plan_year("-01-01"), _day_of_plan_year("-12-31")),
    ).order_by("-date")
    contributions = (
        Target.objects.filter(programme_target__programme=programme)
        .select_related("plan")
        .annotate(
            path_value=Subquery(latest.values("value")[:1]),
            path_date=Subquery(latest.values("date")[:1]),
        )
        .order_by("plan__year")
    )
    paths = {
        target.pk: ProgrammeTargetPath(target, localised(target, "name", language))
        for target in programme.targets.all()
    }
    for contribution in contributions:
        paths[contribution.programme_target_id].points.append(PathPoint(
            contribution.plan.year, contribution, _float(contribution.path_value),
            contribution.path_date,
        ))
    for path in paths.values():
        known = [(point.as_of, point.value) for point in path.points if point.value is not None]
        if path.target.baseline is not None and path.target.baseline_year:
            known.insert(0, (dt.date(path.target.baseline_year, 12, 31),
                             float(path.target.baseline)))
        path.projection = least_squares_at(known, horizon_day(programme))
    return list(paths.values())


def programme_page(programme: Programme, today: dt.date, language: str) -> dict:
    paths = target_paths(programme, today, language)
    rows = []
    series = []
    for path in paths:
        code = path.target.code
        shares = [(point.year, path.share(point.value)) for point in path.points]
        series.append({
            "code": code, "name": path.name,
            "points": [(year, share) for year, share in shares if share is not None],
            "projection": path.share(path.projection),
        })
        for point in path.points:
            rows.append([
                code, path.name, point.year, point.target.code, _float(point.target.target_value),
                point.value, point.as_of, path.share(point.value),
            ])
        if path.projection is not None:
            rows.append([code, path.name, programme.horizon_year, _("projection"),
                         float(path.target.target_value), round(path.projection, 2), None,
                         path.share(path.projection)])
    chart = Chart(
        "path",
        charts.programme_path(series, programme.horizon_year),
        [_("Programme target"), _("Name"), _("Year"), _("Yearly target"), _("Target value"),
         _("Value"), _("As of"), _("Share of the programme target (%)")],
        rows,
    )
    return {"programme": programme, "paths": paths, "charts": [chart],
            "years": sorted({point.year for path in paths for point in path.points})}
