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
