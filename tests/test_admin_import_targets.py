"""Importing targets through the Django admin: real files, the admin's own views."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from communes import roles
from core import uploads
from targets.models import Target
from tests.conftest import make_user

from .admin_files import (
    confirm,
    csv_bytes,
    export,
    import_file,
    preview,
    xlsx_bytes,
    zip_bomb_xlsx,
)

VI_HEADERS = [
    "Năm kế hoạch", "Mã chỉ tiêu", "Tên chỉ tiêu", "Tên tiếng Anh", "Trụ cột", "Đơn vị tính",
    "Giá trị chỉ tiêu", "Thời hạn", "Nguồn số liệu", "Cách tổng hợp", "Tử số", "Mẫu số",
    "Tính vào kế hoạch",
]
EN_HEADERS = [
    "plan", "code", "name_vi", "name_en", "pillar", "unit", "target value", "deadline",
    "source", "aggregation", "numerator", "denominator", "in plan",
]


def target_rows():
    # The rate comes first and names counts defined below it: the import must cope.
    return [
        [2025, "QN-26-03", "Tỷ lệ hồ sơ trực tuyến của xã", "Share of dossiers online",
         "digital_government", "percent", "85,5", "31/12/2025", "derived", "ratio",
         "QN-26-01", "QN-26-02", "1"],
        [2025, "QN-26-01", "Hồ sơ trực tuyến trong ngày", "Online dossiers today",
         "digital_government", "count", "", "", "commune_daily", "sum", "", "", "0"],
        [2025, "QN-26-02", "Hồ sơ tiếp nhận trong ngày", "Dossiers received today",
         "digital_government", "count", "", "", "commune_daily", "sum", "", "", "0"],
        [2025, "QN-26-04", "Người dân được hướng dẫn kỹ năng số", "People trained",
         "digital_society", "count", "1.234", "30/06/2026", "province", "latest", "", "", "1"],
    ]


def errors_of(response) -> list[dict]:
    return response.context["result"].dtm_errors


def test_valid_xlsx_imports_and_records_the_admin_in_history(admin_client, administrator):
    content = xlsx_bytes([VI_HEADERS, *target_rows()])
    first, done = import_file(admin_client, "targets_target", content, "chi-tieu.xlsx")

    assert first.context["result"].totals["new"] == 4
    assert done.status_code == 302
    rate = Target.objects.get(code="QN-26-03")
    assert rate.target_value == Decimal("85.5")
    assert rate.deadline == dt.date(2025, 12, 31)
    assert rate.numerator.code == "QN-26-01" and rate.denominator.code == "QN-26-02"
    assert Target.objects.get(code="QN-26-04").target_value == Decimal("1234")
    record = rate.history.latest()
    assert record.history_type == "+" and record.history_user == administrator


def test_reimporting_the_same_file_changes_nothing(admin_client):
    content = xlsx_bytes([VI_HEADERS, *target_rows()])
    import_file(admin_client, "targets_target", content, "chi-tieu.xlsx")
    history_before = Target.history.count()

    again = preview(admin_client, "admin:targets_target_import", content, "chi-tieu.xlsx")
    totals = again.context["result"].totals
    assert (totals["new"], totals["update"], totals["skip"]) == (0, 0, 4)
    assert 'id="import-summary"' in again.content.decode()
    confirm(admin_client, again, "admin:targets_target_process_import")
    assert Target.history.count() == history_before


def test_changed_row_is_previewed_as_changed_and_kept_in_history(admin_client, administrator):
    import_file(admin_client, "targets_target", xlsx_bytes([VI_HEADERS, *target_rows()]), "a.xlsx")
    rows = target_rows()
    rows[3][6] = "2.000"
    second, _ = import_file(
        admin_client, "targets_target", xlsx_bytes([VI_HEADERS, *rows]), "b.xlsx"
    )
    totals = second.context["result"].totals
    assert (totals["new"], totals["update"], totals["skip"]) == (0, 1, 3)
    target = Target.objects.get(code="QN-26-04")
    assert target.target_value == Decimal("2000")
    latest, previous = target.history.all()[:2]
    assert latest.history_user == administrator
    assert (previous.target_value, latest.target_value) == (Decimal("1234"), Decimal("2000"))


def test_csv_with_bom_semicolons_and_english_headers_imports(admin_client):
    content = csv_bytes([EN_HEADERS, *target_rows()], delimiter=";", bom=True)
    _, done = import_file(admin_client, "targets_target", content, "targets.csv")
    assert done.status_code == 302
    assert Target.objects.get(code="QN-26-01").name_vi == "Hồ sơ trực tuyến trong ngày"
    assert Target.objects.get(code="QN-26-03").target_value == Decimal("85.5")


def test_csv_comma_separated_without_bom_imports(admin_client):
    rows = [[cell.replace(",", ".") if isinstance(cell, str) else cell for cell in row]
            for row in target_rows()]
    rows[3][6] = "1234"
    import_file(admin_client, "targets_target", csv_bytes([VI_HEADERS, *rows]), "t.csv")
    assert Target.objects.get(code="QN-26-03").target_value == Decimal("85.5")


def test_one_bad_row_imports_nothing_and_names_line_and_column(admin_client):
    rows = target_rows()
    rows[3][7] = "31/13/2026"  # line 5 of the file: no 13th month
    before = Target.objects.count()
    response = preview(
        admin_client, "admin:targets_target_import", xlsx_bytes([VI_HEADERS, *rows]), "x.xlsx"
    )
    assert response.context.get("confirm_form") is None
    errors = errors_of(response)
    assert len(errors) == 1
    assert errors[0]["line"] == 5 and errors[0]["column"] == "Thời hạn"
    assert "31/13/2026" in errors[0]["message"]
    page = response.content.decode()
    assert "Thời hạn" in page and "31/13/2026" in page
    assert Target.objects.count() == before


def test_percent_above_100_is_reported_on_its_column(admin_client):
    rows = target_rows()
    rows[0][6] = "120"
    response = preview(
        admin_client, "admin:targets_target_import", csv_bytes([EN_HEADERS, *rows]), "x.csv"
    )
    errors = errors_of(response)
    assert [(e["line"], e["column"]) for e in errors] == [(2, "target value")]
    assert not Target.objects.filter(code__startswith="QN-26").exists()


def test_process_import_rolls_back_everything_when_a_row_fails(admin_client, client):
    """Even if the confirmation is posted for a bad file, nothing is written."""
    rows = target_rows()
    rows[2][4] = "no_such_pillar"
    good = preview(
        admin_client, "admin:targets_target_import",
        xlsx_bytes([VI_HEADERS, *target_rows()]), "x.xlsx",
    )
    # Swap the stored file for the bad one behind the confirmation form's back.
    form = good.context["confirm_form"]
    from import_export.tmp_storages import TempFolderStorage

    path = TempFolderStorage(name=form.initial["import_file_name"]).get_full_path()
    with open(path, "wb") as stored:
        stored.write(xlsx_bytes([VI_HEADERS, *rows]))
    response = confirm(admin_client, good, "admin:targets_target_process_import")
    assert response.status_code == 302
    assert not Target.objects.filter(code__startswith="QN-26").exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("targets.pdf", b"%PDF-1.4", "Wrong file type"),
        ("targets.xlsx", b"code,name\r\n", "Wrong file type"),
        ("targets.csv", b"", "empty"),
        ("targets.csv", b"\xef\xbb\xbf\r\n\r\n", "The file is empty"),
        ("targets.csv", "Mã chỉ tiêu;Năm kế hoạch\r\n".encode(), "no rows"),
        ("targets.csv", "Năm kế hoạch;Mã chỉ tiêu;Màu sắc\r\n2025;A;x\r\n".encode(),
         "Unknown columns: “Màu sắc”"),
        ("targets.csv", b"code,plan\r\nA,2025\xe0\xe1\r\n", "UTF-8"),
        ("targets.xlsx", zip_bomb_xlsx(), "unpacks to far more data"),
    ],
)
def test_rejections_give_their_message(admin_client, settings, name, content, message):
    settings.LANGUAGE_CODE = "en"
    response = preview(admin_client, "admin:targets_target_import", content, name)
    assert response.status_code == 200
    assert response.context.get("confirm_form") is None
    assert message in response.content.decode()


def test_file_over_the_size_limit_is_refused(admin_client, settings, monkeypatch):
    settings.LANGUAGE_CODE = "en"
    monkeypatch.setattr(uploads, "MAX_UPLOAD_BYTES", 1024)
    content = csv_bytes([VI_HEADERS] + target_rows() * 20)
    response = preview(admin_client, "admin:targets_target_import", content, "big.csv")
    assert "too large" in response.content.decode()


def test_file_over_the_row_limit_is_refused(admin_client, settings, monkeypatch):
    settings.LANGUAGE_CODE = "en"
    monkeypatch.setattr(uploads, "MAX_ROWS", 3)
    response = preview(
        admin_client, "admin:targets_target_import",
        xlsx_bytes([VI_HEADERS, *target_rows()]), "many.xlsx",
    )
    assert "more than 3 rows" in response.content.decode()


def test_messages_are_vietnamese_by_default(admin_client):
    response = preview(admin_client, "admin:targets_target_import", b"%PDF", "a.pdf")
    assert "Sai loại tệp" in response.content.decode()


def test_duplicate_codes_in_one_file_are_refused(admin_client, settings):
    settings.LANGUAGE_CODE = "en"
    rows = target_rows()
    rows.append(list(rows[1]))
    response = preview(
        admin_client, "admin:targets_target_import", xlsx_bytes([VI_HEADERS, *rows]), "d.xlsx"
    )
    assert "Lines 3 and 6 have the same" in response.content.decode()


@pytest.mark.parametrize("extension", ["xlsx", "csv"])
def test_template_has_the_expected_headers(admin_client, extension):
    response = admin_client.get(
        reverse("admin:targets_target_import_template", args=[extension])
    )
    assert response.status_code == 200
    header = next(iter(
        uploads._xlsx_rows(response.content) if extension == "xlsx"
        else uploads._csv_rows(response.content)
    ))
    assert header[:3] == ["Năm kế hoạch", "Mã chỉ tiêu", "Tên chỉ tiêu"]
    assert "Giá trị chỉ tiêu" in header and "Thời hạn" in header


def test_export_then_reimport_changes_nothing(admin_client, quangninh):
    response = export(admin_client, "targets_target", 0)
    again = preview(admin_client, "admin:targets_target_import", response.content, "export.xlsx")
    totals = again.context["result"].totals
    assert totals["skip"] == Target.objects.count() and totals["update"] == 0


@pytest.mark.parametrize("person", ["focal_a", "official", None])
def test_non_staff_cannot_reach_import_views(client, request, person, quangninh):
    if person:
        client.force_login(request.getfixturevalue(person))
    for url in (
        reverse("admin:targets_target_import"),
        reverse("admin:targets_target_import_template", args=["csv"]),
        reverse("admin:communes_commune_import"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_staff_without_change_permission_gets_403(client, django_user_model, quangninh):
    reader = make_user(django_user_model, "reader", roles.PROVINCIAL_OFFICIALS, is_staff=True)
    client.force_login(reader)
    assert client.get(reverse("admin:targets_target_changelist")).status_code == 200
    assert client.get(reverse("admin:targets_target_import")).status_code == 403
    assert client.get(reverse("admin:communes_commune_import")).status_code == 403
    content = xlsx_bytes([VI_HEADERS, *target_rows()])
    assert preview(client, "admin:targets_target_import", content, "a.xlsx").status_code == 403
    assert client.get(reverse("admin:communes_user_import_accounts")).status_code == 403
    assert not Target.objects.filter(code__startswith="QN-26").exists()


def test_numerator_on_a_non_ratio_target_is_explained(admin_client, settings):
    settings.LANGUAGE_CODE = "en"
    rows = target_rows()
    rows[3][10] = "QN-26-01"  # a "latest" target naming a numerator
    response = preview(
        admin_client, "admin:targets_target_import", xlsx_bytes([VI_HEADERS, *rows]), "r.xlsx"
    )
    errors = errors_of(response)
    assert [(e["line"], e["column"]) for e in errors] == [(5, "Tử số")]
    assert "Only a rate" in errors[0]["message"]


def test_xlsx_written_by_another_tool_imports(admin_client):
    """Inline strings, no styles, a wrong sheet dimension: as LibreOffice and others write."""
    from .admin_files import handmade_xlsx

    rows = [[str(cell) for cell in row] for row in target_rows()]
    _, done = import_file(admin_client, "targets_target", handmade_xlsx([VI_HEADERS, *rows]),
                          "libreoffice.xlsx")
    assert done.status_code == 302
    assert Target.objects.get(code="QN-26-03").deadline == dt.date(2025, 12, 31)
    assert Target.objects.filter(code__startswith="QN-26").count() == 4


def test_confirming_twice_imports_once_without_error(admin_client):
    first, done = import_file(
        admin_client, "targets_target", xlsx_bytes([VI_HEADERS, *target_rows()]), "t.xlsx"
    )
    again = confirm(admin_client, first, "admin:targets_target_process_import")
    assert again.status_code == 302
    assert again["Location"] == reverse("admin:targets_target_import")
    assert Target.objects.filter(code__startswith="QN-26").count() == 4
