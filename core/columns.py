"""Table columns shared by every django-tables2 table.

django-tables2's `DateColumn` and `DateTimeColumn` are template columns: each cell compiles
`{{ value|date:"SHORT_DATE_FORMAT"|default:default }}` anew (~1 ms a cell on a busy server;
the daily reports list has 150 date cells, ~40% of its time). These render the same text with
the same filter in Python.
"""

import django_tables2 as tables
from django.template.defaultfilters import date as date_filter
from django.utils.timezone import template_localtime


class DateColumn(tables.DateColumn):
    def __init__(self, format: str | None = None, short: bool = True, **kwargs):
        super().__init__(format=format, short=short, **kwargs)
        self.date_format = format or ("SHORT_DATE_FORMAT" if short else "DATE_FORMAT")

    def render(self, value, bound_column):
        # As the template: local time, the `date` filter, the column's default when empty.
        return date_filter(template_localtime(value), self.date_format) or bound_column.default


class DateTimeColumn(tables.DateTimeColumn):
    def __init__(self, format: str | None = None, short: bool = True, **kwargs):
        super().__init__(format=format, short=short, **kwargs)
        self.date_format = format or ("SHORT_DATETIME_FORMAT" if short else "DATETIME_FORMAT")

    def render(self, value, bound_column):
        return date_filter(template_localtime(value), self.date_format) or bound_column.default
