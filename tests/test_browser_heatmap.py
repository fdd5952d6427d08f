"""The outcome heat maps on a 390 px phone (issue 18): the week labels of the unit page's
report calendar (and the overview's day labels) never overlap each other or the legend, and
axe-core still finds nothing on the page. Plotly draws SVG text, so the test measures the
drawn labels' boxes."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from tests.browser import log_in, screenshot
from tests.rollup_data import fill_rollups

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

# Boxes of the x axis's tick labels and of the legend's entries of one chart, in page pixels.
BOXES = """(chart) => {
  const box = (element) => {
    const r = element.getBoundingClientRect();
    return {left: r.left, right: r.right, top: r.top, bottom: r.bottom,
            text: element.textContent};
  };
  const root = document.getElementById(chart);
  return {
    ticks: [...root.querySelectorAll('g.xtick text')].filter(t => t.textContent).map(box),
    legend: [...root.querySelectorAll('g.legend g.traces')].map(box),
    svg: box(root.querySelector('svg.main-svg')),
  };
}"""


def _overlap(a, b) -> bool:
    return a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] \
        and b["top"] < a["bottom"]


def _assert_labels_clear(page, chart: str) -> dict:
    page.locator(f"#{chart} .plot.drawn").wait_for()
    boxes = page.evaluate(BOXES, chart)
    ticks, legend = boxes["ticks"], boxes["legend"]
    assert len(ticks) >= 3 and len(legend) >= 3, boxes
    for tick in ticks:
        for entry in legend:
            assert not _overlap(tick, entry), (tick, entry)
        # Inside the drawing, not cut off at its edges.
        assert boxes["svg"]["left"] <= tick["left"] and tick["right"] <= boxes["svg"]["right"]
    for first, second in zip(ticks, ticks[1:], strict=False):
        assert not _overlap(first, second), (first, second)
    return boxes


def test_heat_maps_keep_labels_clear_of_the_legend_at_390_px(chromium, live_server, quangninh,
                                                             focal_a, official, commune_a):
    fill_rollups(timezone.localdate(), days=91)
    context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                   has_touch=True, device_scale_factor=2)
    page = context.new_page()
    try:
        log_in(page, live_server, "focal_a")
        page.goto(f"{live_server.url}/communes/{commune_a.code}/")
        page.wait_for_load_state("networkidle")
        _assert_labels_clear(page, "chart-calendar")
        screenshot(page, "heatmap-calendar-390")
        results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA},
                                           "resultTypes": ["violations"]})
        assert [rule["id"] for rule in results.response["violations"]] == []
        page.context.clear_cookies()
        log_in(page, live_server, "official")
        page.goto(f"{live_server.url}/")
        page.wait_for_load_state("networkidle")
        _assert_labels_clear(page, "chart-heatmap")
        screenshot(page, "heatmap-overview-390")
    finally:
        context.close()
