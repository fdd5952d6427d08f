"""The home page works in a real browser, in Vietnamese, on a phone and a desktop."""

import pytest

from tests.browser import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_official_logs_in_and_sees_the_province(page, live_server, official):
    log_in(page, live_server, "official")
    assert page.locator("h1").inner_text() == "Chuyển đổi số tỉnh Quảng Ninh"
    # The overview opens on the plan in force (2026); the 2025 plan keeps its final 7/22.
    from targets.models import Plan

    page.goto(f"{live_server.url}/?plan={Plan.objects.get(year=2025).pk}")
    assert "7/22" in page.locator(".cards").inner_text()
    assert page.console_errors == []
    screenshot(page, "home-official")


def test_home_fits_a_phone(phone_page, live_server, official):
    log_in(phone_page, live_server, "official")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    screenshot(phone_page, "home-phone")


def test_language_menu_switches_to_english_on_its_button(page, live_server, official):
    log_in(page, live_server, "official")
    # Choosing (even with the arrow keys) changes nothing until "Đổi" is pressed (WCAG 3.2.2).
    page.focus("#language")
    page.keyboard.press("ArrowDown")
    page.wait_for_timeout(300)
    assert page.locator("h1").inner_text() == "Chuyển đổi số tỉnh Quảng Ninh"
    page.select_option("#language", "en")
    with page.expect_navigation():
        page.click("form.language button[type=submit]")
    assert page.locator("h1").inner_text() == "Digital transformation in Quảng Ninh"
    assert page.console_errors == []
