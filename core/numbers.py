"""Reading numbers typed by people used to Vietnamese conventions, without guessing.

The rule (also in README, "Daily reports"):
- "," is the decimal mark: "12,5" is twelve and a half.
- "." groups thousands, in groups of exactly three digits: "1.234" and "1.234.567,5".
- A "." followed by one or two digits is read as a decimal point ("12.5", "0.25"): a thousands
  group always has three digits, so this cannot be mistaken.
- Values carry at most two decimals, so "1,234" (three digits after the decimal comma) can only be
  an English-style thousands separator: it is refused with a message saying how to write it,
  instead of being guessed. So are "1,234.5" (English style) and anything else unclear.
Spaces around the number are ignored; a leading "-" is read so the caller can say "not negative".
"""

import re
from decimal import Decimal, InvalidOperation

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

MESSAGES = {
    "invalid": _("Enter a number, e.g. 12 or 1.234 or 12,5."),
    "ambiguous": _(
        "“%(value)s” is unclear: write thousands with “.” and decimals with “,” "
        "(e.g. 1.234 or 1,25)."
    ),
    "too_many_decimals": _("Use at most %(max)s decimal places."),
    "too_large": _("This number is too large."),
}


def parse_number(text: str) -> Decimal:
    """The Decimal written in `text`, or a ValidationError saying what is wrong (see module)."""
    raw = (text or "").strip().replace("\u00a0", " ")
    if not raw:
        raise ValidationError(_("Enter a value (0 if there is nothing to report)."), "required")
    negative = raw.startswith("-")
    body = raw[1:].strip() if negative else raw
    if len(body) > 40:
        raise ValidationError(MESSAGES["too_large"], "too_large")

    integer, fraction = _split(body, raw)
    if len(integer.lstrip("0")) > MAX_INTEGER_DIGITS:
        raise ValidationError(MESSAGES["too_large"], "too_large")
    if len(fraction) > MAX_DECIMALS:
        raise ValidationError(
            MESSAGES["too_many_decimals"], "too_many_decimals", {"max": MAX_DECIMALS}
        )
    try:
        value = Decimal(f"{integer}.{fraction or '0'}")
    except InvalidOperation as error:  # pragma: no cover - the patterns only let digits through
        raise ValidationError(MESSAGES["invalid"], "invalid") from error
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
            raise ValidationError(MESSAGES["ambiguous"], "ambiguous", {"value": raw})
        return match["int"].replace(".", ""), match["frac"]
    if re.fullmatch(r"[0-9.,]+", body) and "," in body and "." in body:
        # "1,234.5" and other mixes of the two conventions.
        raise ValidationError(MESSAGES["ambiguous"], "ambiguous", {"value": raw})
    raise ValidationError(MESSAGES["invalid"], "invalid")


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


def check_for_target(target, number: Decimal) -> Decimal:
    """`number` if it fits the target's unit (not negative; percent within 0..100; counts whole),
    else a ValidationError. Used by the form and again by `services.submit_report`."""
    if number < 0:
        raise ValidationError(_("The value cannot be negative."), "negative")
    if target.is_percent and number > 100:
        raise ValidationError(_("A percentage is between 0 and 100."), "percent_range")
    if not target.is_percent and number != number.to_integral_value():
        raise ValidationError(_("A count is a whole number."), "whole")
    if number.as_tuple().exponent < -MAX_DECIMALS or abs(number) >= 10**MAX_INTEGER_DIGITS:
        raise ValidationError(MESSAGES["too_large"], "too_large")
    return number
