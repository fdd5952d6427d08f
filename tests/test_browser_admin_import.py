"""An administrator imports targets in a real browser: upload, preview, confirm, under the CSP.
The preview puts the changed row and the confirm button on the first screens, phone and desktop,
and passes axe-core."""

from decimal import Decimal

import pytest

from targets.models import Target
from tests.browser import log_in, screenshot

from .admin_files import xlsx_bytes
from .test_admin_import_preview import CHANGED_CODE, one_changed_value
from .test_admin_import_targets import VI_HEADERS, target_rows
from .test_browser_accessibility import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_administrator_previews_then_confirms_a_target_import(
    page, live_server, administrator, tmp_path
):
    path = tmp_path / "chi-tieu-2025.xlsx"
    path.write_bytes(xlsx_bytes([VI_HEADERS, *target_rows()]))
    log_in(page, live_server, "administrator")
    page.goto(f"{live_server.url}/admin/targets/target/")

    page.click("a.import_link")
    page.set_input_files("input[name=import_file]", str(path))
    page.click("input[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "4 chỉ tiêu mới" in page.locator("#import-summary").inner_text()
    assert not Target.objects.filter(code__startswith="QN-26").exists()
    screenshot(page, "admin-import-preview")
    page.click("input[name=confirm]")
    page.wait_for_load_state("networkidle")
    assert "4 mới" in page.locator(".messagelist").inner_text()
    assert Target.objects.filter(code__startswith="QN-26").count() == 4
    assert page.console_errors == []


def test_bad_file_shows_line_column_and_message(page, live_server, administrator, tmp_path):
    rows = target_rows()
    rows[1][5] = "kilogam"
    path = tmp_path / "sai.xlsx"
    path.write_bytes(xlsx_bytes([VI_HEADERS, *rows]))
    log_in(page, live_server, "administrator")
    page.goto(f"{live_server.url}/admin/targets/target/import/")
    page.set_input_files("input[name=import_file]", str(path))
    page.click("input[type=submit]")
    page.wait_for_load_state("networkidle")
    lines = page.locator("#import-errors tbody tr").all()
    rows = [line.locator("td").all_inner_texts() for line in lines]
    # The rate on line 2 points at the count of line 3, whose unit is wrong.
    assert rows == [
        ["2", "Tử số", "“QN-26-01” chưa dùng được cho đến khi sửa xong dòng 3."],
        ["2", "Tử số", "Tỷ lệ cần có cả tử số và mẫu số."],
        ["3", "Đơn vị tính", "“kilogam” không phải là giá trị được phép (percent, count)."],
    ]
    screenshot(page, "admin-import-errors")
    assert page.console_errors == []


# Top of an element in the page (not the viewport), in CSS pixels.
PAGE_TOP = "element => element.getBoundingClientRect().top + window.scrollY"


@pytest.mark.parametrize("device", ["phone_page", "page"])
def test_the_changed_row_and_the_confirm_button_are_on_the_first_screens(
    request, live_server, administrator, tmp_path, device
):
    """The committed 2025 targets (30 rows) with one value changed: the change, then the
    button, within the first screens; the 29 unchanged rows folded below."""
    page = request.getfixturevalue(device)
    path = tmp_path / "chi-tieu-2025.xlsx"
    path.write_bytes(one_changed_value())
    log_in(page, live_server, "administrator")
    page.goto(f"{live_server.url}/admin/targets/target/import/")
    page.set_input_files("input[name=import_file]", str(path))
    page.click("input[type=submit]")
    page.wait_for_load_state("networkidle")

    changed = page.locator("#import-changes tr.changed")
    button = page.locator("input[name=confirm]")
    assert changed.count() == 1
    assert CHANGED_CODE in page.locator("#import-changes h4").inner_text()
    assert changed.inner_text().split() == ["Giá", "trị", "chỉ", "tiêu", "100", "→", "95"]
    assert changed.evaluate(PAGE_TOP) < button.evaluate(PAGE_TOP) < 1500
    assert not page.locator("#import-unchanged").evaluate("element => element.open")
    assert not page.locator("#import-unchanged tbody tr").first.is_visible()
    # Nothing wider than the screen: the unchanged rows' table scrolls in its own region.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert axe_violations(page) == []
    page.locator("#import-unchanged summary").click()
    assert page.locator("#import-unchanged tbody tr").count() == 29
    assert axe_violations(page) == []
    screenshot(page, f"admin-import-preview-one-change-{device}")

    button.click()
    page.wait_for_load_state("networkidle")
    assert "0 mới, 1 thay đổi, 29 không đổi" in page.locator(".messagelist").inner_text()
    target = Target.objects.get(plan__year=2025, code=CHANGED_CODE)
    assert target.target_value == Decimal("95")
    assert page.console_errors == []


def test_the_accounts_preview_is_the_same_page_and_passes_axe_on_a_phone(
    phone_page, live_server, administrator, tmp_path
):
    from .test_admin_import_accounts import HEADERS, account_rows

    page = phone_page
    path = tmp_path / "tai-khoan.xlsx"
    path.write_bytes(xlsx_bytes([HEADERS, *account_rows()]))
    log_in(page, live_server, "administrator")
    page.goto(f"{live_server.url}/admin/communes/user/import-accounts/")
    page.set_input_files("input[name=import_file]", str(path))
    page.click("input[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "4 tài khoản mới, 0 thay đổi, 0 không đổi, 0 lỗi" in page.locator(
        "#import-summary").inner_text()
    rows = page.locator("#import-changes h4")
    button = page.locator("input[name=confirm]")
    assert rows.count() == 4
    assert rows.first.evaluate(PAGE_TOP) < button.evaluate(PAGE_TOP)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert axe_violations(page) == []
    screenshot(page, "admin-import-accounts-preview-phone")
    assert page.console_errors == []
