"""Admin exports cannot smuggle spreadsheet formulas (CSV/formula injection)."""

import csv
import io

import openpyxl
import pytest

from communes.models import Commune
from targets.models import Target

from .admin_files import export


@pytest.fixture
def hostile(quangninh):
    target = Target.objects.get(plan__year=2025, code="CX-01")
    target.name_vi = '=HYPERLINK("http://evil.example","Bấm vào đây")'
    target.reference = "@SUM(1+1)*cmd|' /C calc'!A0"
    target.save()
    commune = Commune.objects.get(code="06685")
    commune.former_area = "+1+2"
    commune.save()
    return target


def xlsx_cells(content: bytes) -> list:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return [cell for row in sheet.iter_rows() for cell in row]


def test_xlsx_export_writes_formula_like_text_as_text(admin_client, hostile):
    response = export(admin_client, "targets_target", 0)  # XLSX
    cells = xlsx_cells(response.content)
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    name = next(cell for cell in cells if str(cell.value).startswith("'=HYPERLINK"))
    assert name.data_type == "s"
    assert any(cell.value == "'@SUM(1+1)*cmd|' /C calc'!A0" for cell in cells)


def test_csv_export_prefixes_formula_like_cells(admin_client, hostile):
    response = export(admin_client, "targets_target", 1)  # CSV
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    cells = [cell for row in rows for cell in row]
    assert "'" + hostile.name_vi in cells
    assert not [cell for cell in cells if cell.startswith(("=", "+", "@"))]


@pytest.mark.parametrize("format_index", [0, 1])
def test_commune_export_is_neutralised(admin_client, hostile, format_index):
    response = export(admin_client, "communes_commune", format_index)
    if format_index == 0:
        values = [cell.value for cell in xlsx_cells(response.content)]
        assert "'+1+2" in values
    else:
        assert "'+1+2" in response.content.decode("utf-8-sig")
