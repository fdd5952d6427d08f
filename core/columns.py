"""Table columns shared by every django-tables2 table.

django-tables2's `DateColumn` and `DateTimeColumn` are template columns: each cell compiles
`{{ value|date:"SHORT_DATE_FORMAT"|default:default }}` anew (~1 ms a cell on a busy server;
the daily reports list has 150 date cells, ~40% of its time). These render the same text with
the same filter in Python.

The filter itself (~80 us a datetime: Django's `DateFormat` handles every format character and
time zone) is skipped for formats made only of day, month, year, hour, minute and second
numbers, which `_plain_format` writes the way `DateFormat` does ("d/m/Y", "H:i d/m/Y": the
Vietnamese formats); any other format (English "m/d/Y P", month names) goes through the filter.
"""

import datetime as dt
from functools import lru_cache

import django_tables2 as tables
from django.template.defaultfilters import date as date_filter
from django.utils.formats import get_format
from django.utils.timezone import template_localtime

# Format characters as `django.utils.dateformat` writes them (zero-padded or not).
_DATE_PARTS = {
    "d": lambda v: f"{v.day:02d}", "j": lambda v: str(v.day),
    "m": lambda v: f"{v.month:02d}", "n": lambda v: str(v.month),
    "Y": lambda v: f"{v.year:04d}",
}
_TIME_PARTS = {
    "H": lambda v: f"{v.hour:02d}", "G": lambda v: str(v.hour),
    "i": lambda v: f"{v.minute:02d}", "s": lambda v: f"{v.second:02d}",
}


@lru_cache(maxsize=64)
def _plain_format(fmt: str) -> tuple[tuple, bool] | None:
    """`fmt` as (pieces, needs a time): each piece a literal or a function of the value; None
    when it holds anything else (a name, am/pm, a time zone, an escaped letter)."""
    pieces, needs_time = [], False
    for char in fmt:
        if char in _DATE_PARTS:
            pieces.append(_DATE_PARTS[char])
        elif char in _TIME_PARTS:
            pieces.append(_TIME_PARTS[char])
            needs_time = True
        elif char.isalpha() or char == "\\":
            return None
        else:
            pieces.append(char)
    return tuple(pieces), needs_time


def format_date(value, format_name: str) -> str:
    """`{{ value|date:format_name }}` (after local time), as the `date` filter writes it."""
    value = template_localtime(value)
    if isinstance(value, dt.date):
        plain = _plain_format(get_format(format_name))
        if plain is not None and (isinstance(value, dt.datetime) or not plain[1]):
            return "".join(p if isinstance(p, str) else p(value) for p in plain[0])
    return date_filter(value, format_name)


class DateColumn(tables.DateColumn):
    def __init__(self, format: str | None = None, short: bool = True, **kwargs):
        super().__init__(format=format, short=short, **kwargs)
        self.date_format = format or ("SHORT_DATE_FORMAT" if short else "DATE_FORMAT")

    def render(self, value, bound_column):
        # As the template: local time, the `date` filter, the column's default when empty.
        return format_date(value, self.date_format) or bound_column.default


class DateTimeColumn(tables.DateTimeColumn):
    def __init__(self, format: str | None = None, short: bool = True, **kwargs):
        super().__init__(format=format, short=short, **kwargs)
        self.date_format = format or ("SHORT_DATETIME_FORMAT" if short else "DATETIME_FORMAT")

    def render(self, value, bound_column):
        return format_date(value, self.date_format) or bound_column.default
