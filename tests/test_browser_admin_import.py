"""An administrator imports targets in a real browser: upload, preview, confirm, under the CSP."""

import pytest

from targets.models import Target
from tests.browser import log_in, screenshot

from .admin_files import xlsx_bytes
from .test_admin_import_targets import VI_HEADERS, target_rows

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
    assert "4 mới" in page.locator("#import-summary").inner_text()
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
