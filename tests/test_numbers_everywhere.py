"""The same text gives the same number, or the same message, on the daily form and in every
import; a spreadsheet cell that already holds a number or a date is taken as that value."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from communes.models import Commune
from reports.forms import TargetValueField
from targets.models import Target

from .admin_files import csv_bytes, import_file, preview, xlsx_bytes
from .test_admin_import_targets import VI_HEADERS, target_rows

# target_rows(): the percentage target is on line 2 of the file, the count on line 5.
ROW_OF = {Target.Unit.PERCENT: 0, Target.Unit.COUNT: 3}
CODE_OF = {Target.Unit.PERCENT: "QN-26-03", Target.Unit.COUNT: "QN-26-04"}
VALUE = VI_HEADERS.index("Giá trị chỉ tiêu")
UNIT_HEADERS = ["Mã đơn vị", "Tên đơn vị", "Loại đơn vị", "Mã tỉnh", "Diện tích (km²)", "Dân số"]

CASES = [
    # (typed, unit of the target it is typed for, value read; None: refused)
    ("1.234", Target.Unit.COUNT, Decimal("1234")),
    ("95,5", Target.Unit.PERCENT, Decimal("95.5")),
    ("12.5", Target.Unit.PERCENT, Decimal("12.5")),
    ("1,234", Target.Unit.COUNT, None),
    ("1,234.5", Target.Unit.COUNT, None),
    ("abc", Target.Unit.COUNT, None),
    ("3,14159", Target.Unit.PERCENT, None),
]


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


def form_answer(text: str, unit: str):
    """What the daily form makes of `text`: the value, or its message."""
    try:
        return TargetValueField(Target(unit=unit)).clean(text)
    except ValidationError as error:
        return error.messages[0]


def targets_file(unit: str, value, *, as_xlsx: bool = True) -> tuple[bytes, str]:
    rows = target_rows()
    rows[ROW_OF[unit]][VALUE] = value
    if as_xlsx:
        return xlsx_bytes([VI_HEADERS, *rows]), "t.xlsx"
    return csv_bytes([VI_HEADERS, *rows], delimiter=";"), "t.csv"


def import_errors(client, model: str, content: bytes, name: str) -> list[dict]:
    return preview(client, f"admin:{model}_import", content, name).context["result"].dtm_errors


def units_file(area, population="") -> bytes:
    return xlsx_bytes([UNIT_HEADERS, [6685, "Phường Hồng Gai", "Phường", 22, area, population]])


# --- The same text, the same answer ----------------------------------------------------------


@pytest.mark.parametrize("as_xlsx", [False, True], ids=["csv", "xlsx"])
@pytest.mark.parametrize(("text", "unit", "expected"), CASES)
def test_the_targets_import_reads_text_as_the_form_does(admin_client, text, unit, expected,
                                                        as_xlsx):
    answer = form_answer(text, unit)
    content, name = targets_file(unit, text, as_xlsx=as_xlsx)

    if expected is None:
        assert import_errors(admin_client, "targets_target", content, name) == [
            {"line": ROW_OF[unit] + 2, "column": "Giá trị chỉ tiêu", "message": answer}
        ]
    else:
        assert answer == expected
        import_file(admin_client, "targets_target", content, name)
        assert Target.objects.get(code=CODE_OF[unit]).target_value == expected


@pytest.mark.parametrize(("text", "unit", "expected"), CASES)
def test_the_units_import_reads_text_as_the_form_does(admin_client, text, unit, expected):
    answer = form_answer(text, unit)

    if expected is None:
        assert import_errors(admin_client, "communes_commune", units_file(text), "u.xlsx") == [
            {"line": 2, "column": "Diện tích (km²)", "message": answer}
        ]
    else:
        import_file(admin_client, "communes_commune", units_file(text), "u.xlsx")
        assert Commune.objects.get(code="06685").area_km2 == expected


@pytest.mark.parametrize("language", ["vi", "en"])
def test_an_unclear_number_gets_the_forms_message_in_either_language(
    admin_client, settings, language
):
    settings.LANGUAGE_CODE = language
    with translation.override(language):
        answer = form_answer("1,234", Target.Unit.COUNT)
    assert answer.startswith("“1,234”")
    content, name = targets_file(Target.Unit.COUNT, "1,234", as_xlsx=False)

    errors = import_errors(admin_client, "targets_target", content, name)

    assert errors == [{"line": 5, "column": "Giá trị chỉ tiêu", "message": answer}]
    assert not Target.objects.filter(code__startswith="QN-26").exists()


def test_a_whole_number_column_reads_text_as_the_form_does(admin_client, settings):
    settings.LANGUAGE_CODE = "en"
    errors = import_errors(admin_client, "communes_commune", units_file("", "1,234"), "u.xlsx")
    with translation.override("en"):
        answer = form_answer("1,234", Target.Unit.COUNT)
    assert errors == [{"line": 2, "column": "Dân số", "message": answer}]


# --- Cells that already hold numbers and dates ------------------------------------------------


def test_number_and_date_cells_of_a_targets_sheet_are_taken_as_values(admin_client):
    headers = [*VI_HEADERS, "Giá trị cơ sở"]
    rows = [[*row, None] for row in target_rows()]
    rows[ROW_OF["percent"]][VALUE] = 85.5                           # a number, not text
    rows[ROW_OF["percent"]][-1] = 0.1 + 0.2                         # Excel's =0,1+0,2
    rows[ROW_OF["count"]][VALUE] = 1234
    rows[ROW_OF["count"]][headers.index("Thời hạn")] = dt.datetime(2026, 6, 30)  # a date

    import_file(admin_client, "targets_target", xlsx_bytes([headers, *rows]), "t.xlsx")

    rate, count = Target.objects.get(code="QN-26-03"), Target.objects.get(code="QN-26-04")
    assert (rate.target_value, rate.baseline) == (Decimal("85.5"), Decimal("0.3"))
    assert (count.target_value, count.deadline) == (Decimal("1234"), dt.date(2026, 6, 30))


def test_a_number_cell_with_a_real_third_decimal_is_refused_on_its_line(admin_client, settings):
    settings.LANGUAGE_CODE = "en"
    content, name = targets_file(Target.Unit.PERCENT, 12.345)

    assert import_errors(admin_client, "targets_target", content, name) == [
        {"line": 2, "column": "Giá trị chỉ tiêu", "message": "Use at most 2 decimal places."}
    ]


def test_number_cells_of_a_units_sheet_are_taken_as_values(admin_client):
    import_file(admin_client, "communes_commune", units_file(12.5, 12000.0), "u.xlsx")
    unit = Commune.objects.get(code="06685")
    assert (unit.area_km2, unit.population) == (Decimal("12.5"), 12000)
