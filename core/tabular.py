"""Charts with their data, and downloads: one place that writes CSV and XLSX files.

Every cell written goes through `core.exports.neutralise`, so a unit name or note that
starts with "=" is shown as text by spreadsheets, never run as a formula.
"""

import csv
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO
from urllib.parse import urlencode

import django_tables2 as tables
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_tables2 import RequestConfig
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from .exports import neutralise

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_FORMATS = ("csv", "xlsx")

# Numbers in exports (one convention for every file): a percentage is written in percent
# (60.0, not 0.6) under a header ending in "(%)", with one decimal in XLSX; other numbers get
# thousands separators, and up to two decimals when they have any. CSV cells are plain numbers
# with a dot (Python's own writing), so any spreadsheet can sum them.
PERCENT_HEADER_END = "(%)"
PERCENT_FORMAT = "0.0"
WHOLE_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.0#"


@dataclass
class Chart:
    """A figure and the rows it was drawn from: the rows are its table alternative and CSV."""

    name: str  # slug: the element id on the page and `?csv=<name>`
    figure: dict
    headers: Sequence[str]
    rows: Sequence[Sequence] = field(default_factory=list)


def _cell(value):
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, dt.datetime):
        value = value.replace(tzinfo=None)
    if isinstance(value, str):
        # Spreadsheets refuse control characters; a name typed with one must not break exports.
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return neutralise(value)


def number_format(header, value) -> str | None:
    """The XLSX number format of `value` in the column `header`, or None for what is not a
    number (text, dates, booleans, empty cells)."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    if str(header).endswith(PERCENT_HEADER_END):
        return PERCENT_FORMAT
    return WHOLE_FORMAT if float(value).is_integer() else DECIMAL_FORMAT


class NumberColumn(tables.Column):
    """A number: the page shows it formatted (`render`, e.g. "60,0%"), the export holds the
    number itself under `export_header`, or under the page's header followed by "(unit)"."""

    def __init__(self, *, unit: str = "", export_header=None, **kwargs):
        kwargs.setdefault("attrs", {"td": {"class": "num"}})
        kwargs.setdefault("default", "—")
        super().__init__(**kwargs)
        self.unit = unit
        self.export_header = export_header


def export_header(bound_column) -> str:
    """A column's header in exports: a NumberColumn's says its unit ("Tỷ lệ báo cáo (%)")."""
    column = bound_column.column
    given = getattr(column, "export_header", None)
    if given is not None:
        return str(given)
    unit = getattr(column, "unit", "")
    return f"{bound_column.header} ({unit})" if unit else str(bound_column.header)


def table_rows(table) -> Iterable[Sequence]:
    """A django-tables2 table as export rows: headers (with units), then each row's values."""
    rows = iter(table.as_values())
    next(rows)  # django-tables2's headers: the page's, without units
    yield [export_header(column) for column in table.columns.iterall()
           if not column.column.exclude_from_export]
    yield from rows


def csv_response(filename: str, rows: Iterable[Sequence]) -> HttpResponse:
    """rows: header row first. UTF-8 with a BOM so that Excel reads Vietnamese correctly."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return response


def xlsx_response(filename: str, rows: Iterable[Sequence]) -> HttpResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(filename[:31])
    rows = iter(rows)
    headers = [_cell(value) for value in next(rows, [])]
    sheet.append(headers)
    for row in rows:
        cells = []
        for header, value in zip(headers, row, strict=True):
            cell = WriteOnlyCell(sheet, value=_cell(value))
            if (fmt := number_format(header, cell.value)) is not None:
                cell.number_format = fmt
            cells.append(cell)
        sheet.append(cells)
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def export_table(table, fmt: str, filename: str) -> HttpResponse:
    """Every row of a django-tables2 table (all pages, as filtered), in `fmt`."""
    rows = table_rows(table)
    if fmt == "xlsx":
        return xlsx_response(filename, rows)
    return csv_response(filename, rows)


def requested_export(request: HttpRequest) -> str | None:
    fmt = request.GET.get("_export")
    return fmt if fmt in EXPORT_FORMATS else None


def chart_csv(request: HttpRequest, charts: Sequence[Chart]) -> HttpResponse | None:
    """The CSV of the chart named by `?csv=`, or None when no chart data is asked for."""
    name = request.GET.get("csv")
    for chart in charts:
        if chart.name == name:
            return csv_response(chart.name, [list(chart.headers), *chart.rows])
    return None


def query_without(request: HttpRequest, *keys: str) -> str:
    """The current query string minus `keys` (to build export links that keep the filters)."""
    params = request.GET.copy()
    for key in keys:
        params.pop(key, None)
    return params.urlencode()


def link_keeping(table, url: str, key: str = "province") -> str:
    """A table row's link that keeps `key` of the page's query (e.g. the province a national
    account picked), so the choice travels to the page the row opens."""
    request = getattr(table, "request", None)
    value = request.GET.get(key) if request is not None else None
    return f"{url}?{urlencode({key: value})}" if value else url


PER_PAGE = 25


def filtered_table_page(request: HttpRequest, filterset, table, template: str,
                        export_name: str, per_page: int = PER_PAGE, *,
                        show_filters: bool = True) -> HttpResponse:
    """A filtered, sorted, paginated table page, or the download of exactly its filtered rows
    (`?_export=csv|xlsx`). An invalid filter is shown next to its field; the unfiltered rows are
    never exported instead. `show_filters=False` leaves out the filter form (a list that can
    only ever hold one row), never the downloads."""
    fmt = requested_export(request)
    if fmt and filterset.is_valid():
        RequestConfig(request, paginate=False).configure(table)
        return export_table(table, fmt, export_name)
    RequestConfig(request, paginate={"per_page": per_page}).configure(table)
    return render(request, template, {
        "filter": filterset, "table": table, "show_filters": show_filters,
        "export_query": query_without(request, "_export", "page"),
    })
