"""The project's date columns render what django-tables2's template columns render."""

import datetime as dt

import django_tables2 as tables
import pytest
from django.utils import translation

from core import columns

ROWS = [
    {"day": dt.date(2026, 1, 2), "at": dt.datetime(2026, 1, 2, 20, 4, tzinfo=dt.UTC)},
    {"day": None, "at": None},
]


class Theirs(tables.Table):
    day = tables.DateColumn(default="—")
    long_day = tables.DateColumn(accessor="day", short=False)
    at = tables.DateTimeColumn()
    long_at = tables.DateTimeColumn(accessor="at", short=False)


class Ours(tables.Table):
    day = columns.DateColumn(default="—")
    long_day = columns.DateColumn(accessor="day", short=False)
    at = columns.DateTimeColumn()
    long_at = columns.DateTimeColumn(accessor="at", short=False)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_date_columns_render_like_django_tables2(language):
    with translation.override(language):
        theirs = [[cell for _column, cell in row.items()] for row in Theirs(ROWS).rows]
        ours = [[cell for _column, cell in row.items()] for row in Ours(ROWS).rows]
    assert ours == theirs
    assert "20/" not in str(ours[0][2])  # 20:04 UTC is 03:04 the next day in Hanoi
    # Exports keep the ISO values.
    assert list(Ours(ROWS).as_values())[1][0] == "2026-01-02"


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("fmt", ["SHORT_DATE_FORMAT", "DATE_FORMAT", "SHORT_DATETIME_FORMAT",
                                 "DATETIME_FORMAT", "d/m/Y", "j.n.Y G:i:s", "H:i", "Y-m-d\\TH",
                                 "d F Y"])
def test_dates_are_written_as_the_date_filter_writes_them(language, fmt):
    """`format_date` skips the filter for plain number formats: the same text either way,
    local time included, for dates, aware and naive datetimes, and odd years."""
    from django.template.defaultfilters import date as date_filter
    from django.utils.timezone import template_localtime

    values = [dt.date(2026, 1, 2), dt.date(987, 12, 31),
              dt.datetime(2026, 1, 2, 20, 4, 5, tzinfo=dt.UTC),
              dt.datetime(2026, 7, 9, 0, 0, 59, tzinfo=dt.UTC), dt.datetime(2026, 3, 4, 5, 6, 7),
              None, ""]
    with translation.override(language):
        for value in values:
            try:
                theirs = date_filter(template_localtime(value), fmt)
            except TypeError:  # a date given a time format: the filter refuses it, and so must we
                with pytest.raises(TypeError):
                    columns.format_date(value, fmt)
            else:
                assert columns.format_date(value, fmt) == theirs, (value, fmt)
