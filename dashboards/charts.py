"""Plotly figure builders: one function per chart, each returning a plain figure dict.

Views pass the dict to the page with `json_script`; static/js/charts.js draws it. Colours come
from one colour-blind-safe palette (Okabe & Ito) and one status → colour map, so "behind" or
"late" has the same colour on every page. Titles and labels are translated here, in the
request's language, and numbers use the language's separators (1.874,5 in Vietnamese).
"""

import datetime as dt
import functools
import hashlib
import json
from collections.abc import Callable, Sequence
from pathlib import Path

import plotly.graph_objects as go
from django.core.cache import cache
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from reports.models import ReportOutcome
from targets.models import TargetStatus

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "grey": "#999999",
}
STATUS_COLOURS = {
    TargetStatus.COMPLETED: OKABE_ITO["bluish_green"],
    TargetStatus.ON_TRACK: OKABE_ITO["sky_blue"],
    TargetStatus.AT_RISK: OKABE_ITO["orange"],
    TargetStatus.BEHIND: OKABE_ITO["vermillion"],
    TargetStatus.OVERDUE: OKABE_ITO["reddish_purple"],
    TargetStatus.NO_DATA: "#C8C8C8",
}
OUTCOME_COLOURS = {
    ReportOutcome.ON_TIME: OKABE_ITO["bluish_green"],
    ReportOutcome.LATE: OKABE_ITO["orange"],
    ReportOutcome.MISSING: OKABE_ITO["vermillion"],
    ReportOutcome.RETURNED: OKABE_ITO["reddish_purple"],
    ReportOutcome.PENDING: OKABE_ITO["sky_blue"],
    ReportOutcome.NOT_EXPECTED: "#E8E8E8",
}
SERIES_COLOURS = [
    OKABE_ITO[name]
    for name in ("blue", "orange", "bluish_green", "reddish_purple", "sky_blue", "vermillion")
]


# Built figures are kept this long in the cache (Redis in production), keyed by what they were
# built from: the same rows give the same figure, so a key never goes stale; new roll-up
# figures are new rows, hence a new key.
FIGURE_CACHE_SECONDS = 24 * 3600
# ... and by this module's code, so a deployment that changes a chart never serves old figures.
CODE_VERSION = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]


def cached_figure(builder: Callable[..., dict]) -> Callable[..., dict]:
    """Memoise a figure builder on its arguments and the request's language.

    Plotly's figure objects validate every property as they are built: a heat map of 54 units
    x 30 days took ~60 ms of a ~150 ms overview. The key is a digest of the arguments' JSON
    (dates, numbers and text as text), so it costs a fraction of a millisecond and two pages
    showing the same data share a figure."""

    @functools.wraps(builder)
    def cached(*args, **kwargs) -> dict:
        try:
            material = json.dumps([CODE_VERSION, builder.__name__, get_language(), args, kwargs],
                                  default=str, sort_keys=True)
        except TypeError:  # an argument JSON cannot key (e.g. a dict keyed by dates)
            return builder(*args, **kwargs)
        key = "figure:" + hashlib.sha256(material.encode()).hexdigest()
        figure = cache.get(key)
        if figure is None:
            figure = builder(*args, **kwargs)
            cache.set(key, figure, FIGURE_CACHE_SECONDS)
        return figure

    return cached


def _separators() -> str:
    # Plotly's `separators` is "<decimal><thousands>": Vietnamese writes 1.874,5.
    return ".," if (get_language() or "vi").startswith("en") else ",."


def _finish(fig: go.Figure, title: str, filename: str, height: int = 360, *,
            top: int = 36, legend_y: float | None = None) -> dict:
    # The title is shown as the chart's HTML heading (readable before plotly.js loads, and not
    # hidden under the toolbar on a phone); the layout keeps room for the toolbar only.
    fig.update_layout(
        height=height,
        margin={"l": 10, "r": 10, "t": top, "b": 10},
        separators=_separators(),
        font={"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 12},
        # Just under the x axis whatever the chart's height.
        legend={"orientation": "h", "yanchor": "top",
                "y": -min(0.15, 60 / height) if legend_y is None else legend_y},
        paper_bgcolor="#ffffff",
        plot_bgcolor="#ffffff",
        hoverlabel={"namelength": -1},
    )
    fig.update_xaxes(automargin=True, gridcolor="#eeeeee")
    fig.update_yaxes(automargin=True, gridcolor="#eeeeee")
    # Dragging would zoom the chart and trap a phone's scroll: the charts only show and hover.
    fig.update_layout(dragmode=False)
    fig.update_xaxes(fixedrange=True)
    fig.update_yaxes(fixedrange=True)
    figure = json.loads(fig.to_json())
    figure["title"] = title
    figure["config"] = chart_config(filename)
    return figure


def chart_config(filename: str) -> dict:
    """plotly.js's options for every chart: one toolbar button (download PNG), in the page's
    language, and nothing that links to or uploads to Plotly's cloud.

    The only place charts are configured: static/js/charts.js passes this through unchanged.
    """
    language = "en" if (get_language() or "vi").startswith("en") else "vi"
    return {
        "responsive": True,
        "displaylogo": False,
        "showLink": False,
        "showSendToCloud": False,
        "showEditInChartStudio": False,
        "sendData": False,
        "scrollZoom": False,
        "doubleClick": False,
        "displayModeBar": True,
        "modeBarButtons": [["toImage"]],
        # PNG download from the toolbar gets a meaningful file name.
        "toImageButtonOptions": {"format": "png", "filename": filename, "scale": 2},
        "locale": language,
        "locales": {language: {"dictionary": {
            "Download plot as a PNG": _("Download the chart as PNG"),
            "Download plot": _("Download the chart"),
            "Taking snapshot - this may take a few seconds": _(
                "Making the picture, this may take a few seconds"
            ),
            "Snapshot succeeded": _("Picture ready"),
            "Sorry, there was a problem downloading your snapshot!": _(
                "Sorry, the picture could not be made."
            ),
        }}},
    }


# Units and targets are named on the chart and coded on hover: a long name is cut at a word
# ("…") in a legend, wrapped on two lines on an axis; the hover text has the whole name and
# the code ("QN-DG-03", "06685"), and each chart's data table both.
LEGEND_CHARS = 40
# The width one upright "dd/mm" label needs on a category axis, with its gap (charts.js).
TICK_PX = 48
AXIS_LINE_CHARS = 22
AXIS_LINES = 2


def short_label(name: str, limit: int = LEGEND_CHARS) -> str:
    """`name` cut at a word boundary to at most `limit` characters, ending in "…" when cut."""
    if len(name) <= limit:
        return name
    cut = name[:limit - 1]
    if " " in cut:
        cut = cut[:cut.rindex(" ")]
    return cut.rstrip(" ,;:-·") + "…"


def wrapped_label(name: str, width: int = AXIS_LINE_CHARS, lines: int = AXIS_LINES) -> str:
    """An axis label: `name` on at most `lines` lines of at most `width` characters (joined by
    <br>), the last line cut with "…" when the name is longer."""
    out: list[str] = []
    words = name.split()
    while words and len(out) < lines - 1:
        line = words.pop(0)
        while words and len(line) + 1 + len(words[0]) <= width:
            line += " " + words.pop(0)
        out.append(short_label(line, width))
    if words:
        out.append(short_label(" ".join(words), width))
    return "<br>".join(out)


def _named(name: str, code: str | None) -> list[str]:
    """customdata of a point: [whole name, code] for "%{customdata[0]} (%{customdata[1]})"."""
    return [name, code or ""]


def _date_axis(fig: go.Figure) -> None:
    fig.update_xaxes(type="date", tickformat="%d/%m", hoverformat="%d/%m/%Y")


@cached_figure
def pillar_completion(rows: Sequence[dict]) -> dict:
    """Stacked bars: per pillar, how many targets stand in each status.

    rows: [{"pillar": name, "counts": {status: n}}]
    """
    fig = go.Figure()
    pillars = [row["pillar"] for row in rows]
    for status in STATUS_COLOURS:
        fig.add_bar(
            name=str(status.label),
            y=pillars,
            x=[row["counts"].get(status.value, 0) for row in rows],
            orientation="h",
            marker_color=STATUS_COLOURS[status],
            hovertemplate="%{y}: %{x}<extra>" + str(status.label) + "</extra>",
        )
    fig.update_layout(barmode="stack")
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(dtick=1)
    return _finish(fig, _("Targets by pillar and status"), "targets-by-pillar",
                   height=140 + 40 * len(rows))


@cached_figure
def status_breakdown(counts: dict[str, int]) -> dict:
    """Donut: the plan's targets by status. counts: {status: n}."""
    statuses = [status for status in STATUS_COLOURS if counts.get(status.value)]
    fig = go.Figure(
        go.Pie(
            labels=[str(status.label) for status in statuses],
            values=[counts[status.value] for status in statuses],
            marker={"colors": [STATUS_COLOURS[status] for status in statuses]},
            hole=0.55,
            sort=False,
            textinfo="value",
            hovertemplate="%{label}: %{value} (%{percent})<extra></extra>",
        )
    )
    return _finish(fig, _("Targets by status"), "targets-by-status")


@cached_figure
def indicator_trend(series: Sequence[dict]) -> dict:
    """Lines: completion (% of the way to the target) of key indicators over time.

    series: [{"code": target code, "name": its name, "points": [(day, % or None)]}]
    """
    fig = go.Figure()
    for index, line in enumerate(series):
        points = line["points"]
        fig.add_scatter(
            name=short_label(line["name"]),
            x=[day.isoformat() for day, _value in points],
            y=[value for _day, value in points],
            customdata=[_named(line["name"], line["code"])] * len(points),
            mode="lines",
            line={"color": SERIES_COLOURS[index % len(SERIES_COLOURS)], "width": 2},
            hovertemplate="%{x}: %{y:.1f}%<extra>%{customdata[0]} (%{customdata[1]})</extra>",
        )
    _date_axis(fig)
    fig.update_yaxes(title_text=_("Share of target reached (%)"), rangemode="tozero")
    return _finish(fig, _("Key indicators, last 90 days"), "key-indicators")


@cached_figure
def outcome_heatmap(
    title: str,
    filename: str,
    rows: Sequence[str],
    columns: Sequence[str],
    outcomes: Sequence[Sequence[str | None]],
    *,
    dates: bool = True,
    height: int | None = None,
    row_codes: Sequence[str] | None = None,
) -> dict:
    """A grid of report outcomes (on time / late / missing / ...), one colour per outcome.

    outcomes[i][j] is the outcome code of rows[i] on columns[j], or None (no roll-up row);
    row_codes[i], when given, is shown on hover after the row's name.
    """
    codes = list(OUTCOME_COLOURS)
    n = len(codes)
    # Category i is drawn at z=i; with zmin=-0.5 and zmax=n-0.5 it falls in its own band.
    colorscale = []
    for index, code in enumerate(codes):
        colorscale += [[index / n, OUTCOME_COLOURS[code]], [(index + 1) / n, OUTCOME_COLOURS[code]]]
    labels = {code.value: str(code.label) for code in codes}
    z = [[codes.index(cell) if cell in labels else None for cell in row] for row in outcomes]
    text = [[labels.get(cell, _("no data")) for cell in row] for row in outcomes]
    coded = {"hovertemplate": "%{y} · %{x}: %{text}<extra></extra>"}
    if row_codes is not None:
        coded = {
            "customdata": [[code] * len(row) for code, row in zip(row_codes, outcomes,
                                                                   strict=True)],
            "hovertemplate": "%{y} (%{customdata}) · %{x}: %{text}<extra></extra>",
        }
    fig = go.Figure(
        go.Heatmap(
            z=z, x=list(columns), y=list(rows), text=text,
            zmin=-0.5, zmax=n - 0.5, colorscale=colorscale, showscale=False,
            xgap=1, ygap=1, **coded,
        )
    )
    # The legend a heat map lacks: one invisible marker per outcome.
    for code in codes:
        fig.add_scatter(
            x=[None], y=[None], mode="markers", name=labels[code.value],
            marker={"color": OUTCOME_COLOURS[code], "size": 12, "symbol": "square"},
        )
    if dates:
        _date_axis(fig)
    fig.update_yaxes(autorange="reversed", showgrid=False, type="category")
    # The date labels go above the grid (a calendar's header; on a long grid, in view first)
    # and the outcome legend below it, so on a 390 px phone no label can run into the legend;
    # the top margin keeps them clear of the toolbar button. Labels stay upright: plotly thins
    # a date axis to its width itself, and charts.js thins a category axis (the calendar's
    # weeks) to `tick_px` pixels a label on a narrow screen.
    fig.update_xaxes(showgrid=False, side="top", tickangle=0,
                     **({} if dates else {"type": "category"}))
    figure = _finish(fig, title, filename, height=height or 160 + 16 * len(rows), top=64,
                     legend_y=-0.02)
    if not dates:
        figure["tick_px"] = TICK_PX
    return figure


def reporting_heatmap(units: Sequence[dict], days: Sequence[dt.date], outcomes) -> dict:
    """units: [{"name", "code"}], one per row of `outcomes`."""
    return outcome_heatmap(
        _("Daily reports by unit, last 30 days"), "reporting-heatmap",
        [unit["name"] for unit in units], [day.isoformat() for day in days], outcomes,
        row_codes=[unit["code"] for unit in units],
    )


def report_calendar(days: Sequence[tuple[dt.date, str | None]]) -> dict:
    """A unit's report calendar: weeks across, weekdays down."""
    if days:
        first = days[0][0] - dt.timedelta(days=days[0][0].weekday())
        weeks = (days[-1][0] - first).days // 7 + 1
    else:
        first, weeks = dt.date.today(), 0
    week_starts = [first + dt.timedelta(weeks=index) for index in range(weeks)]
    grid: list[list[str | None]] = [[None] * weeks for _day in range(7)]
    for day, outcome in days:
        grid[day.weekday()][(day - first).days // 7] = outcome
    return outcome_heatmap(
        _("Report calendar (weeks starting on)"), "report-calendar",
        [str(WEEKDAYS_ABBR[index]) for index in range(7)],
        [start.strftime("%d/%m") for start in week_starts], grid, dates=False, height=300,
    )


@cached_figure
def rate_bars(title: str, filename: str, rows: Sequence[dict], label_key: str) -> dict:
    """Horizontal bars: reporting rate and on-time rate (%) per row, best first.

    rows: [{label_key: name, "code": code (optional, shown on hover), "reporting_rate": %,
    "on_time_rate": %}] (already sorted).
    """
    labels = [row[label_key] for row in rows]
    coded = any(row.get("code") for row in rows)
    fig = go.Figure()
    for key, name, colour in (
        ("on_time_rate", _("on-time rate"), OUTCOME_COLOURS[ReportOutcome.ON_TIME]),
        ("reporting_rate", _("reporting rate"), OKABE_ITO["blue"]),
    ):
        fig.add_bar(
            name=name, y=labels, x=[row[key] for row in rows], orientation="h",
            marker_color=colour,
            **({"customdata": [row.get("code") or "" for row in rows],
                "hovertemplate": "%{y} (%{customdata}): %{x:.1f}%<extra>" + name + "</extra>"}
               if coded else
               {"hovertemplate": "%{y}: %{x:.1f}%<extra>" + name + "</extra>"}),
        )
    fig.update_layout(barmode="group", bargap=0.25)
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(range=[0, 100], ticksuffix="%")
    return _finish(fig, title, filename, height=140 + 22 * len(rows))


def compliance_ranking(rows: Sequence[dict]) -> dict:
    """rows: [{"name": unit name, "code": unit code, rates}]."""
    return rate_bars(_("Units ranked by on-time reporting, last 30 days"),
                     "units-ranked", rows, "name")


@cached_figure
def compliance_trend(rows: Sequence[tuple[dt.date, float | None, float | None]]) -> dict:
    """Lines: the province's reporting rate and on-time rate (%) per day."""
    fig = go.Figure()
    for index, name in ((1, _("reporting rate")), (2, _("on-time rate"))):
        fig.add_scatter(
            name=name, x=[row[0].isoformat() for row in rows], y=[row[index] for row in rows],
            mode="lines+markers", line={"color": SERIES_COLOURS[index - 1], "width": 2},
            hovertemplate="%{x}: %{y:.1f}%<extra>" + name + "</extra>",
        )
    _date_axis(fig)
    fig.update_yaxes(range=[0, 105], title_text="%")
    return _finish(fig, _("Province reporting per day"), "province-reporting")


@cached_figure
def target_progress(
    points: Sequence[tuple[dt.date, float | None]],
    *,
    target_value: float | None,
    deadline: dt.date | None,
    projection: tuple[dt.date, float] | None,
    unit_label: str,
) -> dict:
    """A target's province value over time, its target line, and the projection to the
    deadline (from the last value to the projected value)."""
    fig = go.Figure()
    fig.add_scatter(
        name=_("value"), x=[day.isoformat() for day, _v in points],
        y=[value for _d, value in points], mode="lines",
        line={"color": OKABE_ITO["blue"], "width": 2},
    )
    if target_value is not None and points:
        # Up to the deadline, or to the last value once the deadline has passed.
        end = max(deadline or points[-1][0], points[-1][0])
        fig.add_scatter(
            name=_("target"), x=[points[0][0].isoformat(), end.isoformat()],
            y=[target_value, target_value], mode="lines",
            line={"color": OKABE_ITO["black"], "dash": "dash", "width": 1.5},
        )
    if (projection is not None and points and points[-1][1] is not None
            and projection[0] > points[-1][0]):
        fig.add_scatter(
            name=_("projection to the deadline"),
            x=[points[-1][0].isoformat(), projection[0].isoformat()],
            y=[points[-1][1], projection[1]], mode="lines+markers",
            line={"color": OKABE_ITO["orange"], "dash": "dot", "width": 2},
        )
    _date_axis(fig)
    fig.update_yaxes(title_text=unit_label, rangemode="tozero")
    return _finish(fig, _("Progress over time"), "target-progress")


@cached_figure
def values_by_unit(rows: Sequence[dict], unit_label: str) -> dict:
    """Bars: each unit's latest value of a target. rows: [{"name", "code", "value"}]."""
    fig = go.Figure(
        go.Bar(
            y=[row["name"] for row in rows], x=[row["value"] for row in rows],
            customdata=[row["code"] for row in rows], orientation="h",
            marker_color=OKABE_ITO["blue"],
            hovertemplate="%{y} (%{customdata}): %{x}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(title_text=unit_label, rangemode="tozero")
    return _finish(fig, _("Latest value by unit"), "values-by-unit",
                   height=160 + 18 * len(rows))


@cached_figure
def unit_vs_province(rows: Sequence[dict], unit_name: str) -> dict:
    """Horizontal grouped bars: a unit's completion of each indicator next to the province's
    (%), one row per indicator, named on the axis (wrapped), coded on hover.

    rows: [{"code": target code, "name": its name, "unit": %, "province": %}]
    """
    fig = go.Figure()
    # The codes are the categories (unique even when two names shorten alike); the axis shows
    # the names.
    codes = [row["code"] for row in rows]
    for key, name, colour in (
        ("unit", unit_name, OKABE_ITO["blue"]),
        ("province", _("province"), OKABE_ITO["grey"]),
    ):
        fig.add_bar(name=name, y=codes, x=[row[key] for row in rows], orientation="h",
                    marker_color=colour,
                    customdata=[_named(row["name"], row["code"]) for row in rows],
                    hovertemplate="%{customdata[0]} (%{customdata[1]}): %{x:.1f}%<extra>"
                    + name + "</extra>")
    fig.update_layout(barmode="group", bargap=0.25)
    fig.update_xaxes(title_text=_("Share of target reached (%)"), rangemode="tozero")
    fig.update_yaxes(type="category", autorange="reversed", tickmode="array", tickvals=codes,
                     ticktext=[wrapped_label(row["name"]) for row in rows])
    return _finish(fig, _("This unit's indicators against the province"), "unit-vs-province",
                   height=160 + 56 * len(rows))


@cached_figure
def programme_path(series: Sequence[dict], horizon_year: int) -> dict:
    """Lines: each programme target's yearly values as % of its horizon target, and a dotted
    projection to the horizon year.

    series: [{"code", "name", "points": [(year, %)], "projection": % or None}]
    """
    fig = go.Figure()
    hover = "%{x}: %{y:.1f}%<extra>%{customdata[0]} (%{customdata[1]})</extra>"
    for index, line in enumerate(series):
        colour = SERIES_COLOURS[index % len(SERIES_COLOURS)]
        points = line["points"]
        named = _named(line["name"], line["code"])
        fig.add_scatter(
            name=short_label(line["name"]), x=[year for year, _v in points],
            y=[value for _y, value in points], customdata=[named] * len(points),
            mode="lines+markers", line={"color": colour, "width": 2}, hovertemplate=hover,
        )
        if line["projection"] is not None and points:
            fig.add_scatter(
                name=_("projection to %(year)s") % {"year": horizon_year}, showlegend=False,
                x=[points[-1][0], horizon_year], y=[points[-1][1], line["projection"]],
                customdata=[named] * 2,
                mode="lines+markers", line={"color": colour, "dash": "dot", "width": 1.5},
                hovertemplate=hover,
            )
    fig.add_hline(y=100, line={"color": OKABE_ITO["black"], "dash": "dash", "width": 1})
    fig.update_xaxes(dtick=1, title_text=_("Year"))
    fig.update_yaxes(title_text=_("Share of the programme target (%)"), rangemode="tozero")
    return _finish(fig, _("Path to the programme's targets"), "programme-path")


def province_ranking(rows: Sequence[dict]) -> dict:
    """The national page: provinces by on-time rate, with their reporting rate (%); rows
    carry the province's "code" (on hover)."""
    return rate_bars(_("Provinces ranked by on-time reporting"), "provinces-ranked", rows,
                     "province")
