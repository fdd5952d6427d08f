"""Exports hold numbers as numbers (issue 18): every rate, percentage, count and value is a
numeric XLSX cell with a number format and a plain CSV number (dot decimal separator), with its
unit in the column header; an empty value stays empty. The pages keep showing "60,0%".

Convention: a percentage is exported in percent (60.0, not 0.6), its header ends in "(%)" and
its XLSX format is "0.0"; other numbers are "#,##0" when whole and "#,##0.0#" otherwise."""

import csv
import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from communes.models import Commune, Province
from reports.demo import seed_plan_extras
from rollups import rates
from rollups.models import CommuneDay
from targets.models import Target

from .rollup_data import SMALL, fill_rollups
from .test_national import make_province, national  # noqa: F401 (a fixture)

# Text that a spreadsheet cannot sum: "60,0%", "12,5", "1.874", "3/5". Codes ("07090") are
# identifiers, kept as text for their leading zeros.
NUMBER_AS_TEXT = re.compile(r"^-?[\d.,]+%?$|^\d+/\d+$")
CODE_HEADER = "Mã"
TABLE_EXPORTS = ["targets:list", "communes:list", "compliance:index", "science_tasks:list"]


def _csv(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def _sheet(response):
    return load_workbook(io.BytesIO(response.content)).active


def _assert_numbers_are_numbers(sheet):
    headers = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        for header, cell in zip(headers, row, strict=True):
            if cell.value is None or header == CODE_HEADER:
                continue
            assert not (isinstance(cell.value, str) and NUMBER_AS_TEXT.match(cell.value)), (
                header, cell.value)
            if header.endswith("(%)"):
                assert cell.data_type == "n", (header, cell.value)
                assert cell.number_format == "0.0", header
            elif cell.data_type == "n" and not cell.is_date:
                assert cell.number_format in ("#,##0", "#,##0.0#"), (header, cell.number_format)


@pytest.fixture
def signed_in(client, official):
    fill_rollups(timezone.localdate(), **SMALL)
    seed_plan_extras(timezone.localdate(), Province.objects.get(code="22"))  # science tasks
    client.force_login(official)
    return client


@pytest.mark.parametrize("page", TABLE_EXPORTS)
def test_every_table_export_holds_numbers_with_a_number_format(signed_in, page):
    sheet = _sheet(signed_in.get(reverse(page) + "?_export=xlsx"))
    _assert_numbers_are_numbers(sheet)
    assert sheet.max_row > 1


def test_the_national_export_holds_numbers(client, national):  # noqa: F811
    today = timezone.localdate()
    make_province("79", today)
    client.force_login(national)
    sheet = _sheet(client.get(reverse("national:index") + "?_export=xlsx"))
    _assert_numbers_are_numbers(sheet)
    headers = [cell.value for cell in sheet[1]]
    # "7/22" was one text cell: now two numbers.
    completed = headers.index("Chỉ tiêu kế hoạch đã hoàn thành")
    total = headers.index("Số chỉ tiêu của kế hoạch")
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == "79")
    assert (row[completed], row[total]) == (1, 2)


def test_rates_export_in_percent_with_the_unit_in_the_header(signed_in):
    url = reverse("communes:list")
    page = signed_in.get(url).content.decode()
    assert "Tỷ lệ báo cáo (30 ngày)" in page and re.search(r"\d+,\d%", page)
    rows = _csv(signed_in.get(url + "?_export=csv"))
    headers = rows[0]
    rate = headers.index("Tỷ lệ báo cáo, 30 ngày (%)")
    on_time = headers.index("Tỷ lệ đúng hạn, 30 ngày (%)")
    # The same figures as the roll-up rule, as plain numbers that sum.
    today = timezone.localdate()
    expected = {}
    for unit in Commune.objects.filter(is_active=True):
        counts = rates.reporting_counts(CommuneDay.objects.filter(
            commune=unit, date__range=(today - dt.timedelta(days=29), today)))
        expected[unit.name] = counts.reporting_rate
    by_name = {row[headers.index("Đơn vị")]: row for row in rows[1:]}
    assert {name: float(row[rate]) if row[rate] else None for name, row in by_name.items()} \
        == expected
    assert sum(float(row[on_time]) for row in rows[1:] if row[on_time]) > 0
    # Readiness "3/5" is two numbers.
    done = headers.index("Mức sẵn sàng: số mục đã đạt")
    items = headers.index("Mức sẵn sàng: số mục trong danh sách")
    assert {row[items] for row in rows[1:]} == {"5"}
    assert all(0 <= int(row[done]) <= 5 for row in rows[1:])


def test_an_empty_rate_stays_empty(client, official):
    # No roll-up rows: nothing was owed, so no unit has a rate; the export says nothing, not 0.
    client.force_login(official)
    rows = _csv(client.get(reverse("communes:list") + "?_export=csv"))
    rate = rows[0].index("Tỷ lệ báo cáo, 30 ngày (%)")
    assert {row[rate] for row in rows[1:]} == {""}
    sheet = _sheet(client.get(reverse("communes:list") + "?_export=xlsx"))
    assert {row[rate] for row in sheet.iter_rows(min_row=2, values_only=True)} == {None}


def test_target_values_say_their_unit(signed_in):
    rows = _csv(signed_in.get(reverse("targets:list") + "?_export=csv"))
    headers = rows[0]
    measure = headers.index("Đơn vị tính")
    value = headers.index("Giá trị chỉ tiêu")
    # (code, target value) -> unit of measure, over every plan's targets (codes repeat by year).
    known = {(t.code, float(t.target_value)): "%" if t.is_percent else "số lượng"
             for t in Target.objects.in_plan().exclude(target_value=None)}
    for row in rows[1:]:
        if row[value]:
            assert known[(row[0], float(row[value]))] == row[measure], row
    progress = headers.index("Tiến độ (%)")
    assert sum(float(row[progress]) for row in rows[1:] if row[progress]) > 0


def test_compliance_export_sums_to_the_province(signed_in):
    rows = _csv(signed_in.get(reverse("compliance:index") + "?_export=csv"))
    headers = rows[0]
    owed = headers.index("Số báo cáo phải nộp")
    assert "Tỷ lệ báo cáo (%)" in headers and "Tỷ lệ đúng hạn (%)" in headers
    today = timezone.localdate()
    total = rates.reporting_counts(CommuneDay.objects.filter(
        date__range=(today - dt.timedelta(days=29), today)))
    assert sum(int(row[owed]) for row in rows[1:]) == total.owed
