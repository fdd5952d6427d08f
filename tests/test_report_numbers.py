"""The number rule of the daily form: "," decimal mark, "." thousands, nothing guessed."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from core.numbers import format_number, parse_number


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0", "0"),
        ("12", "12"),
        (" 12 ", "12"),
        ("1.234", "1234"),
        ("1.234.567", "1234567"),
        ("12,5", "12.5"),
        ("1.234,5", "1234.5"),
        ("1.234,56", "1234.56"),
        ("12.5", "12.5"),
        ("0.25", "0.25"),
        ("-3", "-3"),
    ],
)
def test_accepted_forms(text, expected):
    assert parse_number(text) == Decimal(expected)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "required"),
        ("   ", "required"),
        ("abc", "invalid"),
        ("12a", "invalid"),
        ("1.23.4", "invalid"),
        ("1..2", "invalid"),
        ("1e5", "invalid"),
        ("NaN", "invalid"),
        ("1,234", "ambiguous"),
        ("1,234.5", "ambiguous"),
        ("12,345", "ambiguous"),
        ("12,5678", "too_many_decimals"),
        ("1.234,567", "too_many_decimals"),
        ("9" * 13, "too_large"),
        ("9" * 500, "too_large"),
    ],
)
def test_refused_forms_say_why(text, code):
    with pytest.raises(ValidationError) as raised:
        parse_number(text)
    assert raised.value.code == code


@given(st.decimals(min_value=0, max_value=Decimal("999999999999.99"), places=2))
def test_formatted_values_read_back_unchanged(value):
    assert parse_number(format_number(value)) == value


@given(st.text(max_size=30))
def test_any_text_is_a_number_or_a_validation_error(text):
    try:
        parse_number(text)
    except ValidationError:
        pass


def test_format_uses_vietnamese_marks():
    assert format_number(Decimal("1234567.50")) == "1.234.567,5"
    assert format_number(Decimal("1234.00")) == "1.234"
    assert format_number(None) == ""


def test_only_ascii_digits():
    with pytest.raises(ValidationError):
        parse_number("١٢")
