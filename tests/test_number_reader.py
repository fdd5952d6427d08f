"""The one number reader (`core.numbers`): what it accepts, what it refuses and what it says.

The daily form, the spreadsheet imports and the table filters all read numbers through it, so
this file is the specification of how a number may be written anywhere in dtmonitor.
"""

import datetime as dt
from decimal import Decimal

import django_filters
import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from communes.models import Commune
from core.numbers import NumberFilter, parse_number, parse_whole_number
from targets.models import Target


def message_of(value, reader=parse_number) -> str:
    with pytest.raises(ValidationError) as raised:
        reader(value)
    return raised.value.messages[0]


# --- Text: Vietnamese marks ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.234", "1234"),            # "." groups thousands
        ("1.234.567", "1234567"),
        ("95,5", "95.5"),             # "," is the decimal mark
        ("1.234,56", "1234.56"),
        ("12.5", "12.5"),             # "." + one or two digits cannot be a thousands group
        ("\u00a012 ", "12"),          # spaces around, even Excel's no-break space
    ],
)
def test_text_written_the_vietnamese_way_is_read(text, expected):
    assert parse_number(text) == Decimal(expected)


REFUSED_TEXT = [
    # (typed, Vietnamese message, English message)
    ("1,234", "“1,234” không rõ ràng: viết hàng nghìn bằng “.” và phần thập phân bằng “,” "
              "(ví dụ 1.234 hoặc 1,25).",
     "“1,234” is unclear: write thousands with “.” and decimals with “,” (e.g. 1.234 or 1,25)."),
    ("1,234.5", "“1,234.5” không rõ ràng: viết hàng nghìn bằng “.” và phần thập phân bằng “,” "
                "(ví dụ 1.234 hoặc 1,25).",
     "“1,234.5” is unclear: write thousands with “.” and decimals with “,” "
     "(e.g. 1.234 or 1,25)."),
    ("12,345", "“12,345” không rõ ràng: viết hàng nghìn bằng “.” và phần thập phân bằng “,” "
               "(ví dụ 1.234 hoặc 1,25).",
     "“12,345” is unclear: write thousands with “.” and decimals with “,” (e.g. 1.234 or 1,25)."),
    ("abc", "Nhập một số, ví dụ 12 hoặc 1.234 hoặc 12,5.",
     "Enter a number, e.g. 12 or 1.234 or 12,5."),
    ("1 234", "Nhập một số, ví dụ 12 hoặc 1.234 hoặc 12,5.",
     "Enter a number, e.g. 12 or 1.234 or 12,5."),
    ("85%", "Nhập một số, ví dụ 12 hoặc 1.234 hoặc 12,5.",
     "Enter a number, e.g. 12 or 1.234 or 12,5."),
    ("3,14159", "Dùng tối đa 2 chữ số thập phân.", "Use at most 2 decimal places."),
    ("9" * 13, "Số quá lớn.", "This number is too large."),
    ("", "Nhập một giá trị (0 nếu không có gì để báo cáo).",
     "Enter a value (0 if there is nothing to report)."),
]


@pytest.mark.parametrize(("text", "vietnamese", "english"), REFUSED_TEXT)
def test_unclear_text_is_refused_never_guessed_in_vietnamese(text, vietnamese, english):
    with translation.override("vi"):
        assert message_of(text) == vietnamese


@pytest.mark.parametrize(("text", "vietnamese", "english"), REFUSED_TEXT)
def test_unclear_text_is_refused_never_guessed_in_english(text, vietnamese, english):
    with translation.override("en"):
        assert message_of(text) == english


# --- Values a spreadsheet cell already holds -------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (1234, "1234"),
        (1234.5, "1234.5"),             # a real number: no text rule applies
        (0.1 + 0.2, "0.3"),             # 0.30000000000000004: binary noise, rounded away
        (100.0, "100"),
        (Decimal("95.50"), "95.5"),
        (-3, "-3"),                     # read; the caller says "not negative"
    ],
)
def test_a_number_cell_is_taken_as_its_value(cell, expected):
    assert parse_number(cell) == Decimal(expected)


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        (12.345, "Use at most 2 decimal places."),     # a real third decimal, not noise
        (1 / 3, "Use at most 2 decimal places."),
        (Decimal("1.005"), "Use at most 2 decimal places."),
        (1e13, "This number is too large."),
        (float("nan"), "Enter a number, e.g. 12 or 1.234 or 12,5."),
        (True, "Enter a number, e.g. 12 or 1.234 or 12,5."),        # a TRUE/FALSE cell
        (dt.datetime(2025, 1, 1), "Enter a number, e.g. 12 or 1.234 or 12,5."),
    ],
)
def test_a_cell_that_is_not_a_two_decimal_number_is_refused(cell, message):
    with translation.override("en"):
        assert message_of(cell) == message


# --- Whole numbers (population, year, order) ---------------------------------------------


def test_whole_numbers_are_read_by_the_same_rule():
    assert parse_whole_number("1.234") == 1234
    assert parse_whole_number(12000.0) == 12000
    with translation.override("en"):
        assert message_of("12,5", parse_whole_number) == "“12,5” is not a whole number."
        assert message_of(12.5, parse_whole_number) == "“12,5” is not a whole number."
        assert message_of("1,234", parse_whole_number).startswith("“1,234” is unclear")
    with translation.override("vi"):
        assert message_of("12,5", parse_whole_number) == "“12,5” không phải là số nguyên."


# --- Table filters ---------------------------------------------------------------------------


class PopulationFilter(django_filters.FilterSet):
    population_at_least = NumberFilter(field_name="population", lookup_expr="gte")

    class Meta:
        model = Commune
        fields = ["population_at_least"]


@pytest.mark.django_db
def test_a_numeric_filter_reads_what_the_form_reads():
    typed = PopulationFilter({"population_at_least": "1.234"}, Commune.objects.all())
    assert typed.is_valid()
    assert typed.form.cleaned_data["population_at_least"] == Decimal("1234")

    empty = PopulationFilter({"population_at_least": ""}, Commune.objects.all())
    assert empty.is_valid() and empty.form.cleaned_data["population_at_least"] is None

    with translation.override("en"):
        unclear = PopulationFilter({"population_at_least": "1,234"}, Commune.objects.all())
        assert not unclear.is_valid()
        assert unclear.errors["population_at_least"] == [message_of("1,234")]


# --- What a target's unit allows (targets layer, after reading) --------------------------


@pytest.mark.parametrize(
    ("unit", "value", "message"),
    [
        (Target.Unit.COUNT, "-1", "The value cannot be negative."),
        (Target.Unit.COUNT, "2.5", "A count is a whole number."),
        (Target.Unit.PERCENT, "100.5", "A percentage is between 0 and 100."),
        (Target.Unit.PERCENT, "1.005", "This number is too large."),
    ],
)
def test_target_check_value_refuses_what_its_unit_does_not_allow(unit, value, message):
    with translation.override("en"):
        assert message_of(Decimal(value), Target(unit=unit).check_value) == message


def test_target_check_value_returns_what_fits():
    assert Target(unit=Target.Unit.PERCENT).check_value(Decimal("99.5")) == Decimal("99.5")
    assert Target(unit=Target.Unit.COUNT).check_value(Decimal("1234")) == Decimal("1234")
