"""A focal point files today's report on a phone: a mistake, its message, the fix, the calendar.

The clock is not frozen here: the browser judges cookie expiry by its own clock.
"""

import pytest
from django.utils import timezone

from reports.models import DailyReport
from targets.models import Target
from tests.browser import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_focal_point_files_todays_report_on_a_phone(phone_page, live_server, focal_a, commune_a):
    page = phone_page
    today = timezone.localdate()
    log_in(page, live_server, "focal_a")
    assert page.url.endswith(f"/reports/unit/{commune_a.code}/{today.isoformat()}/")
    assert page.locator("h1").inner_text() == "Báo cáo hằng ngày"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    targets = list(Target.objects.reported_for(commune_a, today).order_by("code"))
    for target in targets:
        page.fill(f"#id_value_{target.pk}", "3")
    wrong = targets[1]
    page.fill(f"#id_value_{wrong.pk}", "12,345")
    page.click(".report-form button.primary")
    page.wait_for_load_state("networkidle")

    message = page.locator(f"#id_value_{wrong.pk}_error")
    assert "không rõ ràng" in message.inner_text()
    assert page.input_value(f"#id_value_{wrong.pk}") == "12,345"  # kept as typed
    assert not DailyReport.objects.exists()
    screenshot(page, "report-form-error-phone")

    page.fill(f"#id_value_{wrong.pk}", "12.345")
    page.click(".report-form button.primary")
    page.wait_for_load_state("networkidle")
    confirmation = page.locator(".messages").inner_text()
    assert "Đã lưu báo cáo lúc" in confirmation and "đúng hạn" in confirmation
    report = DailyReport.objects.get()
    assert report.values.get(target=wrong).value == 12345
    screenshot(page, "report-form-saved-phone")

    page.click("text=Lịch")
    page.wait_for_load_state("networkidle")
    cell = page.locator(f'.cal-day[data-date="{today.isoformat()}"]')
    assert cell.get_attribute("data-state") == "on_time"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "report-calendar-phone")
    assert page.console_errors == []


def test_official_filters_the_list_and_returns_a_report(
    page, live_server, official, focal_a, focal_b, commune_a, commune_b
):
    from reports import services
    from tests.reports_helpers import values_for

    today = timezone.localdate()
    services.submit_report(focal_a, commune_a, today, values_for(4, today))
    services.submit_report(focal_b, commune_b, today, values_for(2, today))
    log_in(page, live_server, "official")
    page.click("nav >> text=Báo cáo hằng ngày")
    page.wait_for_load_state("networkidle")
    assert page.locator("table tbody tr").count() == 2
    page.select_option("#id_commune", str(commune_a.pk))
    page.click(".filters button[type=submit]")
    page.wait_for_load_state("networkidle")
    rows = page.locator("table tbody tr")
    assert rows.count() == 1 and "Hồng Gai" in rows.inner_text()
    screenshot(page, "reports-list-official")

    rows.locator("a").first.click()
    page.wait_for_load_state("networkidle")
    page.fill("#id_comment", "Kiểm tra lại CX-01")
    page.click(".return-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "Kiểm tra lại CX-01" in page.locator(".history").inner_text()
    assert DailyReport.objects.get(commune=commune_a).status == "returned"
    screenshot(page, "report-detail-returned")
    assert page.console_errors == []
