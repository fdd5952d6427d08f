"""The national page and the province picker in a real browser (Debian's Chromium)."""

import pytest
from django.utils import timezone

from communes import roles
from communes.models import User
from tests.browser import log_in, screenshot
from tests.conftest import make_user
from tests.rollup_data import fill_rollups
from tests.test_national import make_province

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_national_account_compares_provinces_and_picks_one(page, live_server, quangninh):
    today = timezone.localdate()
    fill_rollups(today, days=35)
    make_province("79", today)
    make_user(User, "national", roles.PROVINCIAL_OFFICIALS, scope=User.Scope.NATIONAL)
    log_in(page, live_server, "national")
    page.goto(live_server.url + "/national/")
    page.wait_for_load_state("networkidle")
    page.locator("#chart-provinces svg.main-svg").first.wait_for(state="attached")
    assert page.locator("#provinces-table tbody tr").count() == 2
    assert page.console_errors == []
    screenshot(page, "national-page")
    # Drill down to a province, then change province with the header's picker.
    page.locator("#provinces-table a", has_text="Tỉnh Thử 79").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/?province=79")
    page.select_option("#province-choice", "22")
    page.click("#province-picker button[type=submit]")
    page.wait_for_url("**/?province=22")
    assert "Quảng Ninh" in page.locator("h1").inner_text()
    page.locator(".main-nav a", has_text="Đơn vị").click()
    page.wait_for_url("**/communes/?province=22")
    assert page.locator("#communes-table tbody tr").count() == 25  # first page of 54
    assert page.console_errors == []
