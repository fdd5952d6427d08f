"""Figure builders: one colour per status everywhere, translated titles, localised numbers;
plotly.js collected and compressed from the installed package."""

import datetime as dt
import re
from pathlib import Path

from django.core.management import call_command
from django.template import engines
from django.utils import translation

from core.tabular import Chart
from dashboards import charts
from reports.models import ReportOutcome
from targets.models import TargetStatus

CSS = Path(__file__).resolve().parent.parent / "static" / "css" / "dtmonitor.css"


def test_every_status_has_one_colour_shared_by_charts_and_css():
    assert set(charts.STATUS_COLOURS) == set(TargetStatus)
    assert set(charts.OUTCOME_COLOURS) == set(ReportOutcome)
    css = CSS.read_text()
    for status, colour in charts.STATUS_COLOURS.items():
        match = re.search(rf"--{status.value}:(#[0-9A-Fa-f]{{6}})", css)
        assert match and match.group(1).upper() == colour.upper(), status


def test_status_chart_uses_the_status_colours_and_skips_empty_statuses():
    figure = charts.status_breakdown({"completed": 7, "no_data": 15, "behind": 0})
    pie = figure["data"][0]
    assert pie["values"] == [7, 15]
    assert pie["marker"]["colors"] == [
        charts.STATUS_COLOURS[TargetStatus.COMPLETED], charts.STATUS_COLOURS[TargetStatus.NO_DATA]
    ]


def test_heatmap_puts_each_outcome_in_its_own_colour_band():
    days = [dt.date(2026, 11, 2), dt.date(2026, 11, 3)]
    units = [{"name": "A", "code": "01"}, {"name": "B", "code": "02"}]
    figure = charts.reporting_heatmap(units, days, [["on_time", "late"], ["missing", None]])
    heatmap = figure["data"][0]
    codes = list(charts.OUTCOME_COLOURS)
    assert heatmap["z"] == [[codes.index("on_time"), codes.index("late")],
                            [codes.index("missing"), None]]
    scale = heatmap["colorscale"]
    n = len(codes)
    for index, code in enumerate(codes):
        # z=index normalises to (index + 0.5) / n: inside the band painted with its colour.
        position = (index + 0.5) / n
        band = [colour for stop, colour in scale if abs(stop - index / n) < 1e-9
                or abs(stop - (index + 1) / n) < 1e-9]
        assert charts.OUTCOME_COLOURS[code] in band and 0 < position < 1
    legend = [trace["name"] for trace in figure["data"][1:]]
    assert len(legend) == n


def test_titles_and_separators_follow_the_language():
    with translation.override("vi"):
        figure = charts.status_breakdown({"completed": 1})
        assert figure["title"] == "Chỉ tiêu theo trạng thái"
        assert figure["layout"]["separators"] == ",."
        assert figure["data"][0]["labels"] == ["hoàn thành"]
    with translation.override("en"):
        figure = charts.status_breakdown({"completed": 1})
        assert figure["title"] == "Targets by status"
        assert figure["layout"]["separators"] == ".,"


def test_collectstatic_takes_the_partial_plotly_bundle_and_compresses_it(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", "--noinput", verbosity=0)
    vendor = tmp_path / "vendor"
    size = (vendor / "plotly-cartesian.min.js").stat().st_size
    assert 1_000_000 < size < 2_000_000  # the cartesian bundle, not the full 4.8 MB one
    assert (vendor / "plotly-cartesian.min.js.gz").stat().st_size < size / 2
    # Brotli (the `brotli` package) is smaller still; browsers on HTTPS ask for it.
    assert (vendor / "plotly-cartesian.min.js.br").stat().st_size < 450_000
    assert list(vendor.glob("plotly-cartesian.min.*.js"))  # hashed: cached a year by WhiteNoise


def test_the_bundle_is_the_plotly_js_the_python_package_was_built_for():
    import plotly

    from dtmonitor import staticfinders

    python_side = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"
    bundle = staticfinders.package_folder() / staticfinders.SOURCE
    assert staticfinders.bundle_version(bundle) == staticfinders.bundle_version(python_side)


# `fig.add_hline(...)` draws a layout shape, not a trace: every bundle has it.
LAYOUT_HELPERS = {"hline", "vline", "hrect", "vrect", "shape", "annotation"}


def test_every_trace_type_the_charts_use_is_in_the_bundle():
    from dtmonitor import staticfinders

    readme = (staticfinders.package_folder() / "README.md").read_text()
    bundled = set(re.findall(r"`(\w+)`", readme.split("Contains trace modules", 1)[1]))
    used = {
        name.lower()
        for pair in re.findall(r"go\.(\w+)\(|add_(\w+)\(", Path(charts.__file__).read_text())
        for name in pair if name and name != "Figure"
    } - LAYOUT_HELPERS
    assert used and used <= bundled, used - bundled


def test_no_chart_offers_a_share_or_cloud_link():
    with translation.override("vi"):
        config = charts.status_breakdown({"completed": 1})["config"]
    assert config["modeBarButtons"] == [["toImage"]]
    assert config["displaylogo"] is False and config["showLink"] is False
    assert config["showSendToCloud"] is False and config["showEditInChartStudio"] is False
    assert config["locales"]["vi"]["dictionary"]["Download plot as a PNG"] == "Tải biểu đồ (PNG)"


def test_progress_chart_projects_forward_only():
    days = [(dt.date(2026, 11, 1), 40.0), (dt.date(2026, 11, 2), 42.0)]
    ahead = charts.target_progress(days, target_value=80.0, deadline=dt.date(2026, 12, 31),
                                   projection=(dt.date(2026, 12, 31), 70.0), unit_label="%")
    names = [trace["name"] for trace in ahead["data"]]
    assert len(names) == 3
    assert ahead["data"][2]["x"] == ["2026-11-02", "2026-12-31"]
    assert ahead["data"][1]["y"] == [80.0, 80.0]
    # A deadline already behind the last value: no projection back in time.
    passed = charts.target_progress(days, target_value=80.0, deadline=dt.date(2025, 12, 31),
                                    projection=(dt.date(2025, 12, 31), 70.0), unit_label="%")
    assert len(passed["data"]) == 2
    assert passed["data"][1]["x"] == ["2026-11-01", "2026-11-02"]


# --- Names on the chart, codes on hover (issue 18) ------------------------------------------

LONG = "Tỷ lệ hồ sơ thủ tục hành chính được xử lý trực tuyến toàn trình trên tổng số hồ sơ"


def _drawn_text(figure) -> list[str]:
    """Every label the chart draws without hovering: axis ticks, legend entries."""
    layout = figure["layout"]
    texts = [*layout.get("yaxis", {}).get("ticktext", []),
             *layout.get("xaxis", {}).get("ticktext", [])]
    texts += [trace["name"] for trace in figure["data"] if trace.get("showlegend", True)
              and trace.get("name")]
    for axis in ("x", "y"):
        for trace in figure["data"]:
            if layout.get(f"{axis}axis", {}).get("ticktext") is None and trace.get(axis):
                texts += [str(value) for value in trace[axis] if isinstance(value, str)]
    return texts


def _hover(trace) -> str:
    """What hovering a trace can show: its template filled with its customdata."""
    return trace.get("hovertemplate", "") + " " + " ".join(
        str(value) for row in trace.get("customdata") or [] for value in
        (row if isinstance(row, list) else [row])
    )


def test_unit_vs_province_labels_indicators_by_name_with_the_code_on_hover():
    rows = [{"code": "VN942-DG-02", "name": "Tỷ lệ hồ sơ trực tuyến", "unit": 71.2,
             "province": 80.0},
            {"code": "QN-DG-03", "name": LONG, "unit": None, "province": 55.5}]
    figure = charts.unit_vs_province(rows, "Phường Hồng Gai")
    drawn = " ".join(_drawn_text(figure))
    assert "Tỷ lệ hồ sơ trực tuyến" in drawn
    assert "VN942-DG-02" not in drawn and "QN-DG-03" not in drawn
    # A long name is shortened on the axis, whole in the hover text with its code.
    assert LONG not in drawn.replace("<br>", " ") and "…" in drawn
    for trace in figure["data"]:
        hover = _hover(trace)
        assert "VN942-DG-02" in hover and "QN-DG-03" in hover and LONG in hover


def test_indicator_trend_legend_names_targets_with_the_code_on_hover():
    day = dt.date(2026, 11, 2)
    figure = charts.indicator_trend([
        {"code": "VN942-DG-02", "name": "Tỷ lệ hồ sơ trực tuyến", "points": [(day, 50.0)]},
        {"code": "QN-DG-03", "name": LONG, "points": [(day, 20.0)]},
    ])
    legend = [trace["name"] for trace in figure["data"]]
    assert legend[0] == "Tỷ lệ hồ sơ trực tuyến"
    assert legend[1].endswith("…") and len(legend[1]) <= charts.LEGEND_CHARS
    assert not any("DG-0" in name for name in legend)
    assert "VN942-DG-02" in _hover(figure["data"][0])
    assert "QN-DG-03" in _hover(figure["data"][1]) and LONG in _hover(figure["data"][1])


def test_programme_path_legend_names_targets_with_the_code_on_hover():
    figure = charts.programme_path(
        [{"code": "CT-01", "name": LONG, "points": [(2025, 40.0)], "projection": 90.0}], 2030
    )
    assert not any("CT-01" in name for name in _drawn_text(figure))
    assert all("CT-01" in _hover(trace) for trace in figure["data"])


def test_unit_charts_show_unit_names_with_the_code_on_hover():
    units = [{"name": "Phường Hồng Gai", "code": "06685"}, {"name": "Đặc khu Cô Tô",
                                                              "code": "07192"}]
    heatmap = charts.reporting_heatmap(units, [dt.date(2026, 11, 2)], [["on_time"], ["late"]])
    ranking = charts.compliance_ranking([
        {**unit, "on_time_rate": 90.0, "reporting_rate": 95.0} for unit in units
    ])
    by_unit = charts.values_by_unit([{**unit, "value": 3.0} for unit in units], "%")
    for figure in (heatmap, ranking, by_unit):
        drawn = " ".join(_drawn_text(figure))
        assert "Phường Hồng Gai" in drawn and "06685" not in drawn
        assert "06685" in _hover(figure["data"][0]) and "07192" in _hover(figure["data"][0])


def test_short_labels_cut_at_a_word_and_wrap():
    assert charts.short_label("Xã An", 10) == "Xã An"
    cut = charts.short_label(LONG, 30)
    assert cut.endswith("…") and len(cut) <= 30 and LONG.startswith(cut[:-1].rstrip())
    wrapped = charts.wrapped_label(LONG, width=20, lines=2)
    assert wrapped.count("<br>") == 1 and wrapped.endswith("…")
    assert all(len(line) <= 20 for line in wrapped.split("<br>"))


def test_a_figure_is_built_once_per_data_and_language(monkeypatch):
    """Built figures are cached by what they are built from: the same rows give the cached
    figure without running plotly again; other rows or another language build a new one."""
    built = []
    real_finish = charts._finish

    def counting_finish(*args, **kwargs):
        built.append(args[1])
        return real_finish(*args, **kwargs)

    monkeypatch.setattr(charts, "_finish", counting_finish)
    rows = [{"name": "Xã An", "code": "06685", "reporting_rate": 90.0, "on_time_rate": 80.0}]
    first = charts.compliance_ranking(rows)
    assert charts.compliance_ranking([dict(row) for row in rows]) == first
    assert len(built) == 1
    changed = charts.compliance_ranking([{**rows[0], "on_time_rate": 70.0}])
    assert changed["data"][0]["x"] == [70.0] and len(built) == 2
    with translation.override("en"):
        english = charts.compliance_ranking(rows)
    assert english["title"] != first["title"] and len(built) == 3
    # A caller changing its copy does not change the cached figure.
    first["title"] = "changed"
    assert charts.compliance_ranking(rows)["title"] != "changed"


def test_chart_data_table_renders_each_cell_as_the_template_would():
    loop = engines["django"].from_string(
        '{% load i18n %}{% for row in chart.rows %}<tr>{% for cell in row %}<td>'
        '{% if cell is None %}—{% else %}{{ cell }}{% endif %}</td>{% endfor %}</tr>'
        '{% empty %}<tr><td colspan="'
        '{{ chart.headers|length }}">{% translate "No data yet." %}</td></tr>{% endfor %}')
    tag = engines["django"].from_string("{% load chart_tables %}{% chart_table_body chart %}")
    for chart in (
        Chart("cells", {}, ["a", "b"], [
            ["<b>Xã & An</b>", 1234567.5, dt.date(2026, 1, 2)],
            [None, 95.5, dt.datetime(2026, 1, 2, 3, 4, tzinfo=dt.UTC)],
        ]),
        Chart("empty", {}, ["a", "b"], []),
    ):
        for language in ("vi", "en"):
            with translation.override(language):
                assert tag.render({"chart": chart}) == loop.render({"chart": chart})


def test_chart_data_table_renders_repeated_and_look_alike_cells_each_as_the_template_would():
    """Equal cells are rendered once per table; values that are equal yet print differently
    (-0.0 and 0.0, Decimal 1.0 and 1.00, True and 1) and lazy text are never confused."""
    from decimal import Decimal

    from django.utils.safestring import mark_safe
    from django.utils.translation import gettext_lazy

    loop = engines["django"].from_string(
        "{% for row in chart.rows %}<tr>{% for cell in row %}<td>"
        "{% if cell is None %}—{% else %}{{ cell }}{% endif %}</td>{% endfor %}</tr>{% endfor %}")
    tag = engines["django"].from_string("{% load chart_tables %}{% chart_table_body chart %}")
    row = ["Đúng hạn", "Đúng hạn", "<i>", mark_safe("<i>"), 0.0, -0.0, 1, True, 1.0,
           Decimal("1.0"), Decimal("1.00"), Decimal("1.0"), 1234567, dt.date(2026, 1, 2),
           dt.date(2026, 1, 2), gettext_lazy("Late"), None]
    chart = Chart("repeated", {}, ["a"], [row, list(reversed(row)), row])
    for language in ("vi", "en"):
        with translation.override(language):
            assert tag.render({"chart": chart}) == loop.render({"chart": chart})


def test_figure_script_writes_what_json_script_writes():
    from django.utils.html import json_script

    from dashboards.templatetags.chart_tables import figure_script

    figure = {"title": "Xã <b>An</b> & \"Bình\" </script>", "data": [{"x": [1.5, None],
              "day": dt.date(2026, 1, 2), "text": ["'&amp;'", "\u2028"]}]}
    assert figure_script(figure, "figure-trend") == json_script(figure, "figure-trend")
