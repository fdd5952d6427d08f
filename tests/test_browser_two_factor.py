"""Two-step verification in a real browser, with the keyboard only: set up, then log in with a
recovery code."""

from base64 import b32decode

import pytest
from django_otp.oath import totp

from tests.browser import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_official_enrols_and_logs_in_again_with_the_keyboard(page, live_server, official,
                                                                 settings):
    settings.DTM_REQUIRE_2FA = True
    log_in(page, live_server, "official")
    assert page.locator("h1").inner_text() == "Thiết lập xác minh hai bước"
    assert page.locator(".qr-code svg").count() == 1
    screenshot(page, "two-factor-enrol")
    secret = page.locator(".otp-secret").inner_text().replace(" ", "")
    code = f"{totp(b32decode(secret)):06d}"

    field = page.locator("input[name=code]")
    assert field.get_attribute("autocomplete") == "one-time-code"
    assert field.get_attribute("inputmode") == "numeric"
    field.focus()
    page.keyboard.type(code)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == "Mã khôi phục"
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    with page.expect_navigation():
        page.get_by_role("link", name="Tôi đã ghi lại: tiếp tục").click()
    assert page.locator("h1").inner_text() == "Chuyển đổi số tỉnh Quảng Ninh"

    with page.expect_navigation():
        page.get_by_role("button", name="Đăng xuất").first.click()
    log_in(page, live_server, "official")
    assert page.locator("h1").inner_text() == "Xác minh hai bước"
    # The recovery code, by keyboard: open the disclosure, move to its field, send.
    page.locator("summary").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.type(codes[0])
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "Chuyển đổi số tỉnh Quảng Ninh"
    assert "còn 9 mã" in page.locator(".messages").inner_text()
    assert page.console_errors == []
