"""Spreadsheet imports in the admin respect the importing administrator's province: a row that
names another province's unit or plan is refused on its line and column, and nothing of the
file is written. A is Quang Ninh; B a small province made here."""

import pytest

from communes.models import Commune, Province
from targets.models import Pillar, Plan, Target

from .admin_files import import_file, preview, xlsx_bytes


@pytest.fixture
def province_b(quangninh):
    b = Province.objects.create(code="99", name="Tỉnh Bê Thử")
    unit = Commune.objects.create(province=b, code="99001", name="Xã Riêng Bê", kind="commune")
    plan_2024 = Plan.objects.create(province=b, year=2024, title="Kế hoạch 2024 của B")
    plan_2025 = Plan.objects.create(province=b, year=2025, title="Kế hoạch 2025 của B")
    return {"province": b, "unit": unit, "plan_2024": plan_2024, "plan_2025": plan_2025}


def _errors(response) -> set[tuple]:
    assert response.context.get("confirm_form") is None, "the file must not be importable"
    return {(e["line"], e["column"]) for e in response.context["result"].dtm_errors}


UNIT_HEADERS = ["Mã đơn vị", "Tên đơn vị", "Loại đơn vị", "Mã tỉnh"]


def test_a_row_naming_another_provinces_unit_is_refused(admin_client, province_b):
    rows = [UNIT_HEADERS,
            ["06685", "Phường Hồng Gai (đổi tên)", "phường", "22"],
            ["99001", "Xã của A bây giờ", "xã", "22"]]  # would move B's unit into A
    response = preview(admin_client, "admin:communes_commune_import", xlsx_bytes(rows), "u.xlsx")
    assert _errors(response) == {(3, "Mã đơn vị")}
    assert "Xã Riêng Bê" not in response.content.decode()
    assert Commune.objects.get(code="06685").name == "Phường Hồng Gai"
    assert Commune.objects.get(code="99001").province == province_b["province"]


def test_a_unit_row_naming_another_province_is_refused(admin_client, province_b):
    rows = [UNIT_HEADERS,
            ["06685", "Phường Hồng Gai", "phường", "99"],  # moving A's unit to B
            ["06999", "Xã mới của A", "xã", "22"]]
    response = preview(admin_client, "admin:communes_commune_import", xlsx_bytes(rows), "u.xlsx")
    assert _errors(response) == {(2, "Mã tỉnh")}
    assert Commune.objects.get(code="06685").province.code == "22"
    assert not Commune.objects.filter(code="06999").exists()


def test_a_plan_row_of_another_province_is_refused(admin_client, province_b):
    rows = [["Mã tỉnh", "Năm", "Tên kế hoạch"],
            ["22", 2027, "Kế hoạch 2027 của A"],
            ["99", 2025, "Kế hoạch của B, sửa bởi A"]]
    response = preview(admin_client, "admin:targets_plan_import", xlsx_bytes(rows), "p.xlsx")
    assert _errors(response) == {(3, "Mã tỉnh")}
    assert not Plan.objects.filter(year=2027).exists()
    assert Plan.objects.get(province__code="99", year=2025).title == "Kế hoạch 2025 của B"


TARGET_HEADERS = ["Năm kế hoạch", "Mã chỉ tiêu", "Tên chỉ tiêu", "Tên tiếng Anh", "Trụ cột",
                  "Đơn vị tính", "Nguồn số liệu", "Cách tổng hợp"]


def _target_row(year, code):
    return [year, code, f"Chỉ tiêu {code}", f"Target {code}", "digital_government", "count",
            "province", "latest"]


def test_a_target_row_naming_another_provinces_plan_is_refused(admin_client, province_b):
    rows = [TARGET_HEADERS, _target_row(2025, "QN-99-01"), _target_row(2024, "QN-99-02")]
    response = preview(admin_client, "admin:targets_target_import", xlsx_bytes(rows), "t.xlsx")
    assert _errors(response) == {(3, "Năm kế hoạch")}
    assert not Target.objects.filter(code__startswith="QN-99").exists()
    assert not Target.objects.filter(plan__province__code="99").exists()


def test_targets_of_a_year_both_provinces_plan_go_to_the_administrators_own(admin_client,
                                                                            province_b):
    # B has a 2025 plan too: the year alone is enough, it names the importer's own plan.
    rows = [TARGET_HEADERS, _target_row(2025, "QN-99-01")]
    import_file(admin_client, "targets_target", xlsx_bytes(rows), "t.xlsx")
    assert Target.objects.get(code="QN-99-01").plan.province.code == "22"


def test_pillars_are_shared_and_still_imported_by_a_province_administrator(admin_client,
                                                                           province_b):
    rows = [["Mã trụ cột", "Tên trụ cột", "Tên tiếng Anh", "Thứ tự"],
            ["digital_skills", "Kỹ năng số", "Digital skills", 9]]
    import_file(admin_client, "targets_pillar", xlsx_bytes(rows), "p.xlsx")
    assert Pillar.objects.filter(code="digital_skills").exists()
