"""django-tables2 tables whose cells are written in Python, not by its per-cell machinery.

django-tables2 renders each cell through `BoundRow.get_cell`, which inspects the signature of
the column's `render` method anew for every cell (`inspect.signature`), and through its
template's inner loop (`{% for column, cell in row.items %}`, the cell's attributes rebuilt per
cell). On the daily reports list (50 rows x 7 columns) that was ~80% of the page's CPU. `Table`
does the same steps once per column, then per cell only what depends on the row: the same
accessor and `get_FOO_display` rule, the same empty values and default, the same `render_FOO` /
`value_FOO` methods called with the same arguments, the same link, the same escaping and
localisation as the template. Its `<tbody>` is byte for byte the one django-tables2's template
writes (tests/test_tables.py compares both on every table); the header, footer and pagination
are still django-tables2's template (`templates/_table.html` extends it).
"""

import re
from collections.abc import Iterator

import django_tables2 as tables
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.templatetags.l10n import localize as localize_filter
from django.templatetags.l10n import unlocalize as unlocalize_filter
from django.urls import reverse
from django.utils.encoding import force_str
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime
from django_tables2.columns.linkcolumn import BaseLinkColumn
from django_tables2.columns.manytomanycolumn import ManyToManyColumn
from django_tables2.utils import A, signature

TEMPLATE = "_table.html"

# The whitespace of django-tables2's `table.html` around the body, a row, a cell and the empty
# text, so that the page is the same bytes as before.
_TBODY = "\n                <tbody {}>\n                {}\n                </tbody>\n            "
_ROW = (
    "\n                    \n                    <tr {}>\n                        {}"
    "\n                    </tr>\n                    \n                "
)
_CELL = "\n                            <td {}>{}</td>\n                        "
_EMPTY = (
    "\n                    \n                    \n                    "
    '<tr><td colspan="{}">{}</td></tr>\n                    \n                    '
    "\n                "
)
_NOTHING = "\n                    \n                "

_MISSING = object()

# A URL argument written as is by `reverse` (no quoting), whatever the converter.
_PLAIN_ARGUMENT = re.compile(r"[0-9A-Za-z_-]+")
_MARKER = "9876543210"  # matches the int, str and unit code converters alike


def _has_callable(attrs) -> bool:
    return any(callable(v) or (isinstance(v, dict) and _has_callable(v)) for v in attrs.values())


class _ColumnCells:
    """One column's cells (`BoundRow._get_and_render_with` and `_call_render`/`_call_value`),
    with what does not depend on the row worked out once."""

    def __init__(self, table, bound_column, for_export: bool):
        column = bound_column.column
        self.bound_column = bound_column
        self.column = column
        self.table = table
        self.accessor = A(bound_column.accessor)
        self.function = bound_column.value if for_export else bound_column.render
        args, catch_all = signature(self.function)
        self.args = None if catch_all else args
        self.link = None if for_export else bound_column.link
        self.default = None if for_export else bound_column.default
        self.empty_values = column.empty_values
        self.many_to_many = isinstance(column, ManyToManyColumn)
        self.link_text = isinstance(column, BaseLinkColumn) and column.text is not None
        self.fields: dict[type, object] = {}  # model class -> the accessor's field, or None

    def _field(self, record):
        # The model field the accessor ends at depends only on the record's class.
        key = type(record)
        field = self.fields.get(key, _MISSING)
        if field is _MISSING:
            try:
                field = self.accessor.get_field(record)
            except FieldDoesNotExist:
                field = None
            self.fields[key] = field
        return field

    def _call(self, bound_row, value):
        available = {
            "value": value,
            "record": bound_row.record,
            "column": self.column,
            "bound_column": self.bound_column,
            "bound_row": bound_row,
            "table": self.table,
        }
        if self.args is None:
            content = self.function(**available)
        elif any(arg not in available for arg in self.args):
            content = None
        else:
            content = self.function(**{arg: available[arg] for arg in self.args})
        return self.link(content, **available) if self.link else content

    def __call__(self, bound_row):
        record = bound_row.record
        value = None
        penultimate, remainder = self.accessor.penultimate(record)
        # A field with choices shows its label (`get_FOO_display`), as django-tables2 does.
        if isinstance(penultimate, models.Model):
            field = self._field(record)
            if field is not None:
                display = getattr(penultimate, f"get_{remainder}_display", None)
                if getattr(field, "choices", ()) and display:
                    value = display()
                    remainder = None
        if remainder:
            try:
                value = self.accessor.resolve(record)
            except Exception:
                # Columns that are not fields (django-tables2's issue #257).
                if self.link_text:
                    return self._call(bound_row, None)
        if value in self.empty_values or (self.many_to_many and not value.exists()):
            return self.default
        return self._call(bound_row, value)


def _cell_html(cell, localized) -> str:
    """`{{ cell }}` (or `|localize`, `|unlocalize`) as django-tables2's template writes it."""
    if localized is None:
        value = localize(template_localtime(cell))
        if not issubclass(type(value), str):
            value = str(value)
        return conditional_escape(value)
    return escape(localize_filter(cell) if localized else unlocalize_filter(cell))


class _TdAttributes:
    """A column's `<td>` attributes: worked out once, unless they are computed per cell."""

    def __init__(self, bound_column):
        self.bound_column = bound_column
        table = bound_column._table
        raw = {**table.attrs, **bound_column.column.attrs}
        self.per_cell = _has_callable(raw.get("td", raw.get("cell", {})))
        self.fixed = None if self.per_cell else bound_column.attrs["td"].as_html()

    def __call__(self, record, value) -> str:
        if not self.per_cell:
            return self.fixed
        self.bound_column.current_record = record
        self.bound_column.current_value = value
        return self.bound_column.attrs["td"].as_html()


class Table(tables.Table):
    """A django-tables2 table; give its `Meta` `template_name = core.tables.TEMPLATE`."""

    def url(self, viewname: str, **kwargs) -> str:
        """`reverse(viewname, kwargs=kwargs)` for a row's link (one argument), reversed once per
        table: `reverse` took ~0.2 ms a call, a third of a page of 50 rows. The argument must be
        one the view's converter accepts (a pk, a unit code); others go through `reverse`."""
        ((name, value),) = kwargs.items()
        value = str(value)
        if not _PLAIN_ARGUMENT.fullmatch(value):
            return reverse(viewname, kwargs=kwargs)
        cache = self.__dict__.setdefault("_urls", {})
        parts = cache.get((viewname, name))
        if parts is None:
            parts = cache[(viewname, name)] = reverse(viewname, kwargs={name: _MARKER}).split(
                _MARKER
            )
        if len(parts) != 2:  # the marker elsewhere in the path too
            return reverse(viewname, kwargs=kwargs)
        return parts[0] + value + parts[1]

    def tbody_html(self) -> SafeString:
        """The `<tbody>` of django-tables2's template, written in Python."""
        columns = list(self.columns)  # the visible ones, as the template's loop
        cells = [
            (_ColumnCells(self, column, for_export=False), _TdAttributes(column), column.localize)
            for column in columns
        ]
        rows = list(self.paginated_rows)
        html = []
        for row in rows:
            row_cells = []
            for cell, td, localized in cells:
                content = cell(row)
                row_cells.append(
                    _CELL.format(td(row.record, content), _cell_html(content, localized))
                )
            html.append(_ROW.format(row.attrs.as_html(), "".join(row_cells)))
        if not rows:
            empty_text = self.empty_text
            html.append(
                _EMPTY.format(len(columns), conditional_escape(str(empty_text)))
                if empty_text
                else _NOTHING
            )
        # `{{ table.attrs.tbody.as_html }}`: attributes only when given as an AttributeDict.
        tbody = self.attrs.get("tbody")
        tbody_attrs = tbody.as_html() if hasattr(tbody, "as_html") else ""
        return mark_safe(_TBODY.format(tbody_attrs, "".join(html)))  # noqa: S308 (escaped)

    def as_values(self, exclude_columns=None) -> Iterator[list]:
        """django-tables2's `as_values` (headers, then each row's `value_FOO`s), with the cells
        worked out per column once."""
        exclude_columns = exclude_columns or ()
        columns = [
            column
            for column in self.columns.iterall()
            if not (column.column.exclude_from_export or column.name in exclude_columns)
        ]
        yield [force_str(column.header, strings_only=True) for column in columns]
        cells = [_ColumnCells(self, column, for_export=True) for column in columns]
        for row in self.rows:
            yield [force_str(cell(row), strings_only=True) for cell in cells]
