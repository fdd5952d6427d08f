"""A focal point who missed yesterday's report sees the reminder banner on their next login,
on a phone, and can dismiss it."""

import datetime as dt

import pytest
import time_machine

from reports.reminders import send_reminders
from tests.browser import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reminder_banner_on_next_login_until_dismissed(phone_page, live_server, focal_a):
    with time_machine.travel(dt.datetime(2025, 10, 16, 7, 30), tick=True):
        assert send_reminders(dt.date(2025, 10, 16)) == 54
    log_in(phone_page, live_server, "focal_a")
    banner = phone_page.locator(".reminder")
    assert "Phường Hồng Gai chưa gửi báo cáo ngày 15/10/2025" in banner.inner_text()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone_page, "reminder-banner-phone")
    banner.get_by_role("button", name="Ẩn thông báo").click()
    phone_page.wait_for_load_state("networkidle")
    assert phone_page.locator(".reminder").count() == 0
    assert phone_page.console_errors == []
