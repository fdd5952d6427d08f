"""Dashboards in a real browser (Debian's Chromium): every chart draws under our CSP, filters
survive a reload, exports download the filtered rows; screenshots for CI's log."""

import csv

import pytest
from django.utils import timezone

from rollups.models import TargetDay
from targets.models import Target, TargetStatus
from tests.browser import log_in, screenshot
from tests.rollup_data import fill_rollups

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def rollups(quangninh):
    return fill_rollups(timezone.localdate(), days=35)


def _assert_charts_drew(page) -> int:
    plots = page.locator(".plot[data-figure]")
    count = plots.count()
    assert count > 0
    for index in range(count):
        # Plotly draws into an <svg class="main-svg"> inside the container.
        plots.nth(index).locator("svg.main-svg").first.wait_for(state="attached")
    return count


def _official_pages(commune, target):
    return {
        "overview": "/",
        "targets": "/targets/",
        "target": f"/targets/{target.pk}/",
        "units": "/communes/",
        "unit": f"/communes/{commune.code}/",
        "compliance": "/compliance/",
    }


def test_official_opens_every_dashboard_page(page, live_server, official, rollups, commune_a):
    log_in(page, live_server, "official")
    target = Target.objects.get(plan__year=2025, code="VN942-DG-02")
    charted = 0
    for name, url in _official_pages(commune_a, target).items():
        page.goto(live_server.url + url)
        page.wait_for_load_state("networkidle")
        if page.locator(".plot[data-figure]").count():
            charted += _assert_charts_drew(page)
        assert page.console_errors == [], (name, page.console_errors)
        screenshot(page, f"dashboard-{name}-official")
    assert charted >= 12


def test_focal_point_on_a_phone_sees_overview_and_own_unit(phone_page, live_server, focal_a,
                                                           rollups, commune_a, commune_b):
    page = phone_page
    log_in(page, live_server, "focal_a")
    # Their own report, the overview and their unit: no province-wide targets or compliance.
    assert page.locator(".main-nav a").all_inner_texts() == [
        "Tổng quan", "Báo cáo hôm nay", "Báo cáo hằng ngày", "Đơn vị",
    ]
    for name, url in (("overview", "/"), ("unit", f"/communes/{commune_a.code}/")):
        page.goto(live_server.url + url)
        page.wait_for_load_state("networkidle")
        _assert_charts_drew(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, name
        assert page.console_errors == []
        screenshot(page, f"dashboard-{name}-focal-phone")
    page.goto(live_server.url + "/")
    assert page.locator("#card-units .figure").inner_text() == "54"
    page.goto(live_server.url + "/communes/")
    assert page.locator("#communes-table tbody tr").all_inner_texts()[0].startswith(
        commune_a.code
    )
    assert page.locator("#communes-table tbody tr").count() == 1
    # The wide table scrolls inside its wrapper; the page itself does not.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "dashboard-units-focal-phone")
    response = page.goto(f"{live_server.url}/communes/{commune_b.code}/")
    assert response.status == 404
    assert page.goto(live_server.url + "/compliance/").status == 404


def test_targets_filter_survives_reload_and_export_downloads_filtered_rows(
    page, live_server, official, rollups, tmp_path
):
    latest = TargetDay.objects.order_by("-date").first().date
    behind = set(
        TargetDay.objects.filter(date=latest, status=TargetStatus.BEHIND)
        .values_list("target__code", flat=True)
    )
    assert behind
    log_in(page, live_server, "official")
    page.goto(live_server.url + "/targets/")
    rows = page.locator("#targets-table tbody tr")
    before = rows.count()
    page.select_option("select[name=status]", "behind")
    page.click("#filters button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "status=behind" in page.url
    assert rows.count() == len(behind) < before
    page.reload()
    assert page.locator("select[name=status]").input_value() == "behind"
    shown = {rows.nth(i).locator("td").first.inner_text() for i in range(rows.count())}
    assert shown == behind
    screenshot(page, "dashboard-targets-filtered")

    with page.expect_download() as download_info:
        page.click("#export-csv")
    path = tmp_path / "targets.csv"
    download_info.value.save_as(path)
    exported = list(csv.reader(path.open(encoding="utf-8-sig")))
    assert {row[0] for row in exported[1:]} == behind
    assert page.console_errors == []


def test_units_filter_and_xlsx_export(page, live_server, official, rollups, tmp_path):
    from openpyxl import load_workbook

    log_in(page, live_server, "official")
    page.goto(live_server.url + "/communes/")
    page.select_option("select[name=kind]", "special_zone")
    page.click("#filters button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.reload()
    names = page.locator("#communes-table tbody tr td:nth-child(2)").all_inner_texts()
    assert sorted(names) == ["Đặc khu Cô Tô", "Đặc khu Vân Đồn"]
    with page.expect_download() as download_info:
        page.click("#export-xlsx")
    path = tmp_path / "units.xlsx"
    download_info.value.save_as(path)
    sheet = load_workbook(path).active
    assert sorted(row[1] for row in sheet.iter_rows(min_row=2, values_only=True)) == sorted(names)
    assert page.console_errors == []
