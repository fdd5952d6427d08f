"""The one number reader: numbers typed by people used to Vietnamese conventions, never guessed.

Every place a person gives a number goes through `parse_number`: the daily report form, the
spreadsheet imports (`core.importexport` widgets), the numeric filters of table pages
(`NumberField`, `NumberFilter`) and the API. One rule, one set of messages:

- "," is the decimal mark: "12,5" is twelve and a half.
- "." groups thousands, in groups of exactly three digits: "1.234" and "1.234.567,5".
- A "." followed by one or two digits is read as a decimal point ("12.5", "0.25"): a thousands
  group always has three digits, so this cannot be mistaken.
- Values carry at most two decimals, so "1,234" (three digits after the decimal comma) can only be
  an English-style thousands separator: it is refused with a message saying how to write it,
  instead of being guessed. So are "1,234.5" (English style) and anything else unclear.
Spaces around the number are ignored; a leading "-" is read so the caller can say "not negative".

A spreadsheet cell that already holds a number (int, float, Decimal from openpyxl) is taken as
that value, not read as text. A float is rounded to two decimals only when the difference is
binary noise (0.1 + 0.2 = 0.30000000000000004); a real third decimal is refused like "12,345".
"""

import math
import re
from decimal import Decimal, InvalidOperation

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_DECIMALS = 2
MAX_INTEGER_DIGITS = 12  # ReportValue.value is DECIMAL(14, 2)

_GROUPED = r"[0-9]{1,3}(?:\.[0-9]{3})+"  # 1.234 / 12.345.678
_PLAIN = r"[0-9]+"
_COMMA_DECIMAL = re.compile(rf"(?P<int>{_GROUPED}|{_PLAIN}),(?P<frac>[0-9]+)")
_THOUSANDS_ONLY = re.compile(rf"(?P<int>{_GROUPED})")
_DOT_DECIMAL = re.compile(r"(?P<int>[0-9]+)\.(?P<frac>[0-9]{1,2})")
_INTEGER = re.compile(rf"(?P<int>{_PLAIN})")
# How far (in units of the float's own precision) a cell's float may be from a two-decimal
# value and still be that value: arithmetic in Excel leaves a few units of noise, no more.
_FLOAT_NOISE_ULPS = 16

MESSAGES = {
    "required": _("Enter a value (0 if there is nothing to report)."),
    "invalid": _("Enter a number, e.g. 12 or 1.234 or 12,5."),
    "ambiguous": _(
        "“%(value)s” is unclear: write thousands with “.” and decimals with “,” "
        "(e.g. 1.234 or 1,25)."
    ),
    "too_many_decimals": _("Use at most %(max)s decimal places."),
    "too_large": _("This number is too large."),
    "not_whole": _("“%(value)s” is not a whole number."),
}


def parse_number(value: str | int | float | Decimal | None) -> Decimal:
    """The Decimal in `value`, or a ValidationError whose message says what is wrong.

    Text is read by the rule in the module docstring; a number (a spreadsheet cell's value) is
    taken as it is, within the same limits (two decimals, twelve integer digits).
    """
    if value is None or isinstance(value, str):
        return _from_text(value or "")
    if isinstance(value, bool):  # a TRUE/FALSE cell: bool is an int, but not a number here
        raise _error("invalid")
    if isinstance(value, int | Decimal):
        return _within_limits(Decimal(value))
    if isinstance(value, float):
        return _from_float(value)
    raise _error("invalid")  # e.g. a date cell in a number column


def parse_whole_number(value: str | int | float | Decimal | None) -> int:
    """`parse_number`, for values that must be whole (a population, a year, an order)."""
    number = parse_number(value)
    if number != number.to_integral_value():
        shown = value.strip() if isinstance(value, str) else format_number(number)
        raise _error("not_whole", value=shown)
    return int(number)


def format_number(value: Decimal | int | None) -> str:
    """`value` written the way `parse_number` reads it back ("1.234", "12,5"), in every
    language, so a form redisplays stored values in a form it accepts."""
    if value is None:
        return ""
    value = Decimal(value)
    if value == value.to_integral_value():
        text = f"{int(value):,}"
    else:
        text = f"{value:,.2f}".rstrip("0")
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def _error(code: str, **params) -> ValidationError:
    return ValidationError(MESSAGES[code], code, params or None)


def _from_text(text: str) -> Decimal:
    raw = text.strip().replace("\u00a0", " ")
    if not raw:
        raise _error("required")
    negative = raw.startswith("-")
    body = raw[1:].strip() if negative else raw
    if len(body) > 40:
        raise _error("too_large")

    integer, fraction = _split(body, raw)
    if len(integer.lstrip("0")) > MAX_INTEGER_DIGITS:
        raise _error("too_large")
    if len(fraction) > MAX_DECIMALS:
        raise _error("too_many_decimals", max=MAX_DECIMALS)
    try:
        value = Decimal(f"{integer}.{fraction or '0'}")
    except InvalidOperation as error:  # pragma: no cover - the patterns only let digits through
        raise _error("invalid") from error
    return -value if negative else value


def _split(body: str, raw: str) -> tuple[str, str]:
    """(integer digits, fraction digits) of `body`, by the rule in the module docstring."""
    if match := _INTEGER.fullmatch(body):
        return match["int"], ""
    if match := _THOUSANDS_ONLY.fullmatch(body):
        return match["int"].replace(".", ""), ""
    if match := _DOT_DECIMAL.fullmatch(body):
        return match["int"], match["frac"]
    if match := _COMMA_DECIMAL.fullmatch(body):
        if len(match["frac"]) == 3 and "." not in match["int"]:
            # "1,234": an English thousands separator, or three decimals? Do not guess.
            raise _error("ambiguous", value=raw)
        return match["int"].replace(".", ""), match["frac"]
    if re.fullmatch(r"[0-9.,]+", body) and "," in body and "." in body:
        # "1,234.5" and other mixes of the two conventions.
        raise _error("ambiguous", value=raw)
    raise _error("invalid")


def _from_float(value: float) -> Decimal:
    """A float cell: its shortest decimal form, less the binary noise of spreadsheet sums."""
    if not math.isfinite(value):
        raise _error("invalid")
    if abs(value) >= 10**MAX_INTEGER_DIGITS:
        raise _error("too_large")
    exact = Decimal(repr(value))  # 1234.5 -> 1234.5, not 1234.4999999999999...
    rounded = exact.quantize(Decimal(1).scaleb(-MAX_DECIMALS))
    if rounded == exact:
        return exact
    if abs(value - float(rounded)) <= _FLOAT_NOISE_ULPS * math.ulp(value):
        return rounded
    raise _error("too_many_decimals", max=MAX_DECIMALS)


def _within_limits(number: Decimal) -> Decimal:
    if not number.is_finite():
        raise _error("invalid")
    if abs(number) >= 10**MAX_INTEGER_DIGITS:
        raise _error("too_large")
    if number != number.quantize(Decimal(1).scaleb(-MAX_DECIMALS)):
        raise _error("too_many_decimals", max=MAX_DECIMALS)
    return number


# --- Adapters: the same reader in a form field and a table filter ---------------------------


class NumberField(forms.CharField):
    """A form field read by `parse_number`; empty is None. Kept as text in the form so that
    what was typed comes back with its message."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 60)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, value):
        text = super().clean(value)
        return parse_number(text) if text else None


class NumberFilter(django_filters.Filter):
    """A numeric filter of a table page (`lookup_expr="gte"` etc.) that reads what is typed
    by the one rule, instead of django-filter's locale-dependent DecimalField."""

    field_class = NumberField
