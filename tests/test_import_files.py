"""Imports never guess: files made the way provincial IT officers make them (LibreOffice Calc
and Excel, Vietnamese headers; see tests/files/build.py), through the admin's own views."""

import time
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest

from communes.models import Commune
from core import uploads
from targets.models import Target

from .admin_files import csv_bytes, export, import_file, preview, xlsx_bytes

FILES = Path(__file__).parent / "files"
HEADERS = [
    "Năm kế hoạch", "Mã chỉ tiêu", "Tên chỉ tiêu", "Tên tiếng Anh", "Trụ cột", "Đơn vị tính",
    "Giá trị mục tiêu", "Thời hạn", "Nguồn số liệu", "Cách tổng hợp",
]


def made_by_libreoffice(name: str) -> bytes:
    return (FILES / name).read_bytes()


def target_row(code: str, value="90", name="Tỷ lệ hồ sơ trực tuyến"):
    return ["2025", code, name, "Online dossiers", "digital_government", "percent", value,
            "31/12/2026", "province", "latest"]


def problems(response) -> str:
    """Everything the page says is wrong with the file: form errors and the error table."""
    result = response.context.get("result")
    messages = [str(e) for e in response.context["form"].errors.get("import_file", [])]
    if result is not None:
        messages += [f"{e['line']}|{e['column']}|{e['message']}" for e in result.dtm_errors]
    return "\n".join(messages)


@pytest.fixture
def english(settings):
    settings.LANGUAGE_CODE = "en"


# --- A percentage cell is the number it shows ----------------------------------------------


def test_a_cell_formatted_as_a_percentage_is_read_as_the_number_it_shows(admin_client, quangninh):
    import_file(admin_client, "targets_target", made_by_libreoffice("targets-percent.xlsx"),
                "chi-tieu.xlsx")
    assert Target.objects.get(code="PCT-01").target_value == Decimal("85")
    assert Target.objects.get(code="PCT-02").target_value == Decimal("62.5")
    assert Target.objects.get(code="PCT-03").target_value == Decimal("1200")


def test_a_percentage_written_85_percent_in_a_csv_is_85(admin_client, quangninh):
    content = csv_bytes([HEADERS, target_row("PCT-05", "85%")])
    import_file(admin_client, "targets_target", content, "chi-tieu.csv")
    assert Target.objects.get(code="PCT-05").target_value == Decimal("85")


def test_a_percentage_for_a_target_counted_in_people_is_refused(admin_client, quangninh, english):
    response = preview(admin_client, "admin:targets_target_import",
                       made_by_libreoffice("targets-percent-on-count.xlsx"), "chi-tieu.xlsx")
    assert response.context.get("confirm_form") is None
    assert "2|Giá trị mục tiêu|“85%” is a percentage, but this target's unit is" in problems(
        response
    )
    assert not Target.objects.filter(code="PCT-04").exists()


def test_a_percentage_in_a_plain_number_column_is_refused(admin_client, quangninh, english):
    content = csv_bytes([["Mã đơn vị", "Diện tích (km²)"], ["06685", "12%"]])
    response = preview(admin_client, "admin:communes_commune_import", content, "don-vi.csv")
    assert "2|Diện tích (km²)|“12%” is a percentage; this column takes a plain number" in (
        problems(response)
    )


def test_a_percent_sign_written_as_text_in_the_number_format_is_not_a_percentage():
    assert uploads._is_percent_format("0.00%")
    assert not uploads._is_percent_format('0"%"')
    assert not uploads._is_percent_format("0\\%")
    assert not uploads._is_percent_format("General")


# --- Values to the right of the last named column -----------------------------------------


def test_a_line_with_more_values_than_columns_is_refused_with_its_line(
    admin_client, quangninh, english
):
    headers = HEADERS[:8]
    row = ["2025", "EXT-01", "Tỷ lệ", "Share", "digital_government", "percent", "", "",
           "", "90", "31/12/2026"]  # 11 values under 8 headers: value and deadline slipped
    content = csv_bytes([headers, target_row("EXT-00")[:8], row])
    response = preview(admin_client, "admin:targets_target_import", content, "t.csv")
    assert "Line 3 has more values than there are columns" in problems(response)
    assert not Target.objects.filter(code__startswith="EXT").exists()


# --- Title rows above the headers ---------------------------------------------------------


def test_a_merged_title_row_above_the_headers_is_skipped(admin_client, quangninh):
    import_file(admin_client, "targets_target", made_by_libreoffice("targets-title-row.xlsx"),
                "ke-hoach.xlsx")
    assert Target.objects.get(code="TTL-01").target_value == Decimal("90")


def test_errors_below_a_title_row_give_the_line_in_the_file(admin_client, quangninh):
    content = xlsx_bytes([["KẾ HOẠCH CHUYỂN ĐỔI SỐ NĂM 2026"], [], HEADERS,
                          target_row("TTL-02", "1,2345")])
    response = preview(admin_client, "admin:targets_target_import", content, "t.xlsx")
    assert problems(response).startswith("4|Giá trị mục tiêu|")


def test_a_file_without_known_headers_says_the_first_row_must_hold_them(
    admin_client, quangninh, english
):
    content = xlsx_bytes([["KẾ HOẠCH CHUYỂN ĐỔI SỐ NĂM 2026"], ["Cột 1", "Cột 2"],
                          ["2025", "X"]])
    response = preview(admin_client, "admin:targets_target_import", content, "t.xlsx")
    message = problems(response)
    assert "the first row must hold the column names" in message
    assert "“KẾ HOẠCH CHUYỂN ĐỔI SỐ NĂM 2026”" in message


# --- Excel's "Unicode text" ---------------------------------------------------------------


def test_a_utf16_unicode_text_file_named_csv_imports(admin_client, quangninh):
    content = made_by_libreoffice("targets-utf16.csv")
    assert content.startswith(b"\xff\xfe")
    import_file(admin_client, "targets_target", content, "chi-tieu.csv")
    assert Target.objects.get(code="U16-01").name_vi == "Tỷ lệ hồ sơ trực tuyến"


def test_utf16_without_its_mark_is_explained(admin_client, quangninh, english):
    content = "Mã chỉ tiêu\tNăm kế hoạch\r\nA\t2025\r\n".encode("utf-16-le")
    response = preview(admin_client, "admin:targets_target_import", content, "t.csv")
    assert "This file is in UTF-16" in problems(response)
    assert "CSV UTF-8" in problems(response)


# --- One Unicode form --------------------------------------------------------------------


def test_a_name_typed_in_decomposed_unicode_is_stored_composed(admin_client, quangninh):
    import_file(admin_client, "communes_commune", made_by_libreoffice("units-nfd.xlsx"),
                "don-vi.xlsx")
    name = Commune.objects.get(code="06685").name
    assert name == "Phường Hồng Gai" and unicodedata.is_normalized("NFC", name)


def test_a_decomposed_file_of_unchanged_rows_previews_as_unchanged(admin_client, quangninh):
    response = preview(admin_client, "admin:communes_commune_import",
                       made_by_libreoffice("units-nfd.xlsx"), "don-vi.xlsx")
    totals = response.context["result"].totals
    assert (totals["update"], totals["skip"]) == (0, 1)


def test_admin_search_typed_in_decomposed_unicode_finds_the_unit(admin_client, quangninh):
    from django.urls import reverse

    query = unicodedata.normalize("NFD", "Hồng Gai")
    response = admin_client.get(reverse("admin:communes_commune_changelist"), {"q": query})
    assert [unit.code for unit in response.context["cl"].result_list] == ["06685"]


# --- Exports import back unchanged --------------------------------------------------------


@pytest.mark.parametrize(("format_index", "name"), [(0, "export.xlsx"), (1, "export.csv")])
def test_an_exported_formula_like_name_imports_back_unchanged(
    admin_client, quangninh, format_index, name
):
    import_file(admin_client, "targets_target",
                csv_bytes([HEADERS, target_row("APO-01", name="=1+1 hồ sơ")]), "t.csv")
    exported = export(admin_client, "targets_target", format_index).content
    assert "'=1+1 hồ sơ" in written_cells(exported, name)  # still inert in the file
    again = preview(admin_client, "admin:targets_target_import", exported, name)
    assert again.context["result"].totals["update"] == 0
    import_file(admin_client, "targets_target", exported, name)
    assert Target.objects.get(code="APO-01").name_vi == "=1+1 hồ sơ"


def written_cells(content: bytes, name: str) -> list:
    """Every cell of a file exactly as written in it (no import-side cleaning)."""
    if name.endswith(".csv"):
        import csv
        import io

        return [cell for row in csv.reader(io.StringIO(content.decode("utf-8-sig")))
                for cell in row]
    import io

    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return [cell for row in sheet.iter_rows(values_only=True) for cell in row]


# --- Sheets far larger than an import -----------------------------------------------------


def test_a_very_wide_sheet_is_refused_before_it_is_read(admin_client, quangninh, english):
    started = time.monotonic()
    response = preview(admin_client, "admin:targets_target_import",
                       made_by_libreoffice("wide.xlsx"), "rong.xlsx")
    assert "The sheet uses 1.000 columns; an import has at most 100" in problems(response)
    assert time.monotonic() - started < 2


def test_thousands_of_formatted_empty_rows_are_refused_while_reading(
    admin_client, quangninh, english
):
    # LibreOffice recorded the sheet's size wrong (A1:B1003) for 20.002 rows: the reading
    # itself stops at the first 1.000 empty lines in a row.
    response = preview(admin_client, "admin:targets_target_import",
                       made_by_libreoffice("blank-rows.xlsx"), "trong.xlsx")
    assert "more than 1.000 empty lines in a row after line 2" in problems(response)


def test_a_recorded_range_of_650000_lines_is_refused_before_reading(quangninh, english):
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.append(["Năm kế hoạch", "Mã chỉ tiêu"])
    workbook.active.cell(650_001, 1).value = ""  # a formatted empty cell far below
    from io import BytesIO

    buffer = BytesIO()
    workbook.save(buffer)
    with pytest.raises(uploads.UploadRejected, match="uses 650.001 lines"):
        uploads.read_table(buffer.getvalue(), "t.xlsx")


def test_at_most_a_few_unknown_columns_are_listed(admin_client, quangninh, english):
    headers = ["Năm kế hoạch", "Mã chỉ tiêu", *(f"Cột {i}" for i in range(1, 41))]
    content = csv_bytes([headers, ["2025", "X", *("" for _ in range(40))]])
    response = preview(admin_client, "admin:targets_target_import", content, "t.csv")
    message = problems(response)
    assert "“Cột 5” and 35 more" in message and "Cột 6" not in message


# --- Codes -------------------------------------------------------------------------------


def test_a_unit_code_typed_as_a_whole_number_with_a_zero_fraction_is_the_code(
    admin_client, quangninh
):
    content = csv_bytes([["Mã đơn vị", "Số cán bộ"], ["06685.0", "12"]])
    import_file(admin_client, "communes_commune", content, "don-vi.csv")
    assert Commune.objects.get(code="06685").staff_count == 12


# --- Two administrators confirming at once ------------------------------------------------


def test_the_loser_of_two_simultaneous_confirmations_reads_that_another_import_won(
    admin_client, quangninh, english, monkeypatch
):
    """Both previews saw PCT-09 as new; the other administrator's import committed it after
    this one looked it up (simulated: the lookup and the uniqueness check ran before it)."""
    from targets.models import Plan
    from targets.resources import TargetResource

    from .admin_files import confirm

    first = preview(admin_client, "admin:targets_target_import",
                    csv_bytes([HEADERS, target_row("PCT-09")]), "t.csv")
    Target.objects.create(plan=Plan.objects.get(year=2025), code="PCT-09", name_vi="x",
                          name_en="x", pillar_id=Target.objects.first().pillar_id,
                          unit="percent", source="province", aggregation="latest")
    monkeypatch.setattr(TargetResource, "get_instance", lambda self, *args, **kwargs: None)
    monkeypatch.setattr(Target, "validate_unique", lambda self, exclude=None: None)
    monkeypatch.setattr(Target, "validate_constraints", lambda self, exclude=None: None)

    done = confirm(admin_client, first, "admin:targets_target_process_import")
    page = admin_client.get(done["Location"]).content.decode()
    assert "another import (or another administrator) changed these rows" in page
    assert "no longer passes the checks" not in page
    assert Target.objects.get(code="PCT-09").name_vi == "x"
