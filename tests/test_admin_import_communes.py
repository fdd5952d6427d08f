"""Importing units and their readiness checklist; plans and pillars keep their history."""

import datetime as dt

import pytest
from django.urls import reverse

from communes.models import Commune
from targets.models import Pillar, Plan

from .admin_files import csv_bytes, import_file, preview, xlsx_bytes

HEADERS = [
    "Mã đơn vị", "Tên đơn vị", "Loại đơn vị", "Mã tỉnh", "Đã phân công đầu mối",
    "Ngày thành lập Ban chỉ đạo", "Ngày ban hành kế hoạch hành động", "Số cán bộ",
]


def test_readiness_checklist_imports_with_excel_numbers_as_codes(admin_client, administrator):
    rows = [
        # Excel turned "06685" into the number 6685 and typed the date as a real date.
        [6685, "Phường Hồng Gai", "Phường", 22, "có", dt.datetime(2025, 7, 2), "15/08/2025", 42],
        ["07192", "Đặc khu Cô Tô", "special_zone", "22", "x", "", "", ""],
    ]
    first, _ = import_file(admin_client, "communes_commune", xlsx_bytes([HEADERS, *rows]), "u.xlsx")
    totals = first.context["result"].totals
    assert (totals["new"], totals["update"]) == (0, 2)
    hong_gai = Commune.objects.get(code="06685")
    assert hong_gai.focal_point_assigned and hong_gai.staff_count == 42
    assert hong_gai.steering_committee_date == dt.date(2025, 7, 2)
    assert hong_gai.action_plan_date == dt.date(2025, 8, 15)
    assert hong_gai.readiness() == (3, 5)
    assert hong_gai.history.latest().history_user == administrator

    again = preview(admin_client, "admin:communes_commune_import", xlsx_bytes([HEADERS, *rows]),
                    "u.xlsx")
    assert again.context["result"].totals["skip"] == 2


def test_bad_kind_names_line_and_column(admin_client, quangninh):
    content = csv_bytes([HEADERS, ["06685", "Phường Hồng Gai", "thành phố", "22", "", "", "", ""]],
                        delimiter=";")
    response = preview(admin_client, "admin:communes_commune_import", content, "u.csv")
    errors = response.context["result"].dtm_errors
    assert [(e["line"], e["column"]) for e in errors] == [(2, "Loại đơn vị")]
    assert not Commune.objects.get(code="06685").focal_point_assigned


def test_plans_and_pillars_keep_history_visible_in_admin(admin_client, administrator, quangninh):
    rows = [["Mã trụ cột", "Tên trụ cột", "Tên tiếng Anh", "Thứ tự"],
            ["digital_government", "Chính quyền số (sửa)", "Digital government", 1]]
    import_file(admin_client, "targets_pillar", xlsx_bytes(rows), "p.xlsx")
    pillar = Pillar.objects.get(code="digital_government")
    assert pillar.name_vi == "Chính quyền số (sửa)"
    assert pillar.history.latest().history_user == administrator
    page = admin_client.get(reverse("admin:targets_pillar_history", args=[pillar.pk]))
    assert page.status_code == 200 and "Chính quyền số (sửa)" in page.content.decode()

    plan = Plan.objects.get(year=2025)
    admin_client.post(reverse("admin:targets_plan_change", args=[plan.pk]), {
        "province": plan.province_id, "year": 2025, "title": "Kế hoạch 2025 (sửa)",
        "decision_reference": plan.decision_reference, "note": plan.note,
    })
    assert plan.history.latest().history_user == administrator
    assert plan.history.latest().title == "Kế hoạch 2025 (sửa)"


@pytest.mark.parametrize("url_name", [
    "admin:targets_target_import", "admin:communes_commune_import",
    "admin:communes_user_import_accounts", "admin:targets_target_changelist",
    "admin:communes_user_changelist",
])
def test_admin_pages_query_counts(admin_client, django_assert_max_num_queries, url_name):
    with django_assert_max_num_queries(20):
        assert admin_client.get(reverse(url_name)).status_code == 200


def test_one_unit_written_two_ways_in_one_file_is_refused(admin_client, quangninh, settings):
    settings.LANGUAGE_CODE = "en"
    rows = [
        [6652, "Phường Hà Tu", "Phường", 22, "có", "", "", 10],  # Excel dropped the leading 0
        ["06652", "Phường Hà Tu", "Phường", 22, "không", "", "", 12],
    ]
    response = preview(admin_client, "admin:communes_commune_import",
                       xlsx_bytes([HEADERS, *rows]), "u.xlsx")
    assert "Lines 2 and 3 have the same" in response.content.decode()
    assert Commune.objects.get(code="06652").staff_count is None
