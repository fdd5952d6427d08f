"""Reading uploaded spreadsheets (CSV or XLSX) safely: one module used by every import.

Every check that does not depend on what the rows mean lives here: file type, size, row count,
empty files, zip bombs, the text encoding and separator of CSV files. The result is a
`tablib.Dataset` whose headers are stripped strings and whose `dtm_lines` attribute gives the
line each data row came from in the file (header = line 1), so error messages can point at it.
Reading dates and yes/no written the Vietnamese way is also here, shared by the importers;
numbers are read by `core.numbers` (the one reader, shared with the daily form).
"""

import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Sequence
from decimal import Decimal

import tablib
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .exports import unneutralise
from .text import nfc

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
# An XLSX file is a zip; its XML parts compress well, but not without bound. A file that would
# unpack to more than this, or a part that unpacks more than MAX_RATIO times its stored size,
# is refused before openpyxl reads it (a "zip bomb" would exhaust memory).
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_RATIO = 200
ALLOWED_EXTENSIONS = (".csv", ".xlsx")
ZIP_MAGIC = b"PK\x03\x04"


class UploadRejected(ValueError):
    """The file cannot be imported; the message says why, in the user's language."""


def check_upload(name: str, size: int) -> None:
    """Checks that need only the file's name and size (run before the file is read)."""
    if not name.lower().endswith(ALLOWED_EXTENSIONS):
        raise UploadRejected(
            _("Wrong file type: choose an Excel file (.xlsx) or a CSV file (.csv).")
        )
    if size == 0:
        raise UploadRejected(_("The file is empty."))
    if size > MAX_UPLOAD_BYTES:
        raise UploadRejected(
            _("The file is too large (%(size)s MB); the limit is %(limit)s MB.")
            % {"size": _megabytes(size), "limit": _megabytes(MAX_UPLOAD_BYTES)}
        )


def check_content_matches_name(name: str, head: bytes) -> None:
    """An .xlsx file is a zip archive, a .csv file is not (a renamed file is refused)."""
    if name.lower().endswith(".xlsx") != head.startswith(ZIP_MAGIC):
        raise UploadRejected(
            _("Wrong file type: the content does not match the file name's extension.")
        )


def read_table(
    data: bytes, name: str | None = None, *, header_names: Sequence[str] | None = None
) -> tablib.Dataset:
    """Parse an uploaded CSV or XLSX file into a Dataset, or raise `UploadRejected`.

    The type is recognised from the content (an XLSX file is a zip archive), and checked
    against the name's extension when a name is given. `header_names` are the column names
    the import knows (its template's first): the header row is the first row holding one of
    them, so title rows above the headers are skipped.
    """
    if name is not None:
        check_upload(name, len(data))
    elif not data:
        raise UploadRejected(_("The file is empty."))
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadRejected(
            _("The file is too large (%(size)s MB); the limit is %(limit)s MB.")
            % {"size": _megabytes(len(data)), "limit": _megabytes(MAX_UPLOAD_BYTES)}
        )
    if name is not None:
        check_content_matches_name(name, data)
    rows = _xlsx_rows(data) if data.startswith(ZIP_MAGIC) else _csv_rows(data)
    return _dataset(_within_used_range(rows), header_names)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",")


def _number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


# A sheet is read line by line and refused as soon as it goes beyond what an import holds,
# not after reading it whole: formatting applied to 650.000 empty rows, or to 1.000 columns,
# would otherwise cost half a minute and tens of MB per preview.
MAX_COLUMNS = 100
MAX_BLANK_LINES = 1000


def _max_lines() -> int:
    """Lines a sheet may use: the header, a few title rows, the data rows and some blanks."""
    return MAX_ROWS + MAX_BLANK_LINES + MAX_TITLE_ROWS


def too_wide(columns: int) -> UploadRejected:
    return UploadRejected(
        _("The sheet uses %(columns)s columns; an import has at most %(limit)s. Delete the "
          "empty columns to the right of your data (or copy the data to a new sheet).")
        % {"columns": _number(columns), "limit": MAX_COLUMNS}
    )


def too_long(lines: int) -> UploadRejected:
    return UploadRejected(
        _("The sheet uses %(lines)s lines (most of them empty?); an import has at most "
          "%(rows)s rows. Delete the empty rows below your data (or copy the data to a new "
          "sheet).") % {"lines": _number(lines), "rows": _number(MAX_ROWS)}
    )


def _within_used_range(rows):
    """`rows`, refused as soon as a row is too wide or the sheet runs on too long."""
    blank_run = 0
    for line, values in enumerate(rows, 1):
        if len(values) > MAX_COLUMNS:
            if any(not is_blank(value) for value in values[MAX_COLUMNS:]):
                raise too_wide(len(values))
            values = values[:MAX_COLUMNS]
        if line > _max_lines():
            raise too_long(line)
        blank_run = blank_run + 1 if all(is_blank(value) for value in values) else 0
        if blank_run > MAX_BLANK_LINES:
            raise UploadRejected(
                _("The sheet has more than %(count)s empty lines in a row after line "
                  "%(line)s. Delete the empty rows (or copy the data to a new sheet).")
                % {"count": _number(MAX_BLANK_LINES), "line": line - blank_run}
            )
        yield values


class Percentage(Decimal):
    """A spreadsheet cell formatted as a percentage, as the number it shows: a cell showing
    85% stores 0.85, and is read as Percentage("85"). Number columns that take percentages
    accept it; the others refuse it rather than guess (see `core.importexport`)."""


def _is_percent_format(number_format: str | None) -> bool:
    """Whether a cell's number format shows its value times 100 with "%" ("0%", "0.00%").
    A "%" in quotes or escaped ("0\\"%\\"", "0\\%") is only text after the number: not a
    percentage."""
    if not number_format:
        return False
    return "%" in re.sub(r'"[^"]*"|\\.', "", number_format)


def _cell_value(cell):
    value = cell.value
    if (
        isinstance(value, int | float) and not isinstance(value, bool)
        and _is_percent_format(getattr(cell, "number_format", None))
    ):
        shown = Decimal(repr(value)).scaleb(2)  # 0.625 -> 62.5, exactly
        if shown == shown.to_integral_value():
            return Percentage(shown.quantize(Decimal(1)))
        return Percentage(shown.normalize())
    return value


def _xlsx_rows(data: bytes):
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError) as error:
        raise UploadRejected(_("The Excel file is damaged and cannot be read.")) from error
    names = {entry.filename for entry in entries}
    if "xl/workbook.xml" not in names:
        raise UploadRejected(
            _("Wrong file type: this is not an Excel workbook (.xlsx).")
        )
    # The sizes in the zip directory are what zipfile enforces while inflating (it stops at
    # the declared size and checks the CRC), so checking them bounds what openpyxl can unpack.
    total = sum(entry.file_size for entry in entries)
    bomb = total > MAX_UNCOMPRESSED_BYTES or any(
        entry.file_size > 1024 * 1024
        and entry.file_size > MAX_RATIO * max(entry.compress_size, 1)
        for entry in entries
    )
    if bomb:
        raise UploadRejected(
            _("The Excel file unpacks to far more data than a spreadsheet holds; it was refused.")
        )

    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for malformed parts
        raise UploadRejected(_("The Excel file is damaged and cannot be read.")) from error
    try:
        sheet = workbook.worksheets[0]
        _check_recorded_range(sheet)
        # Read-only mode trusts the sheet's recorded size, which some tools write wrong (e.g.
        # "A1" for a full sheet): forget it and read what is there (bounded while reading).
        sheet.reset_dimensions()
        # Cells, not values: a cell's number format says whether it is a percentage.
        rows = sheet.iter_rows()
        while True:
            try:
                # Read-only openpyxl parses the sheet lazily: damage shows up here, not on load.
                cells = next(rows)
            except StopIteration:
                return
            except Exception as error:
                raise UploadRejected(_("The Excel file is damaged and cannot be read.")) from error
            values = [_cell_value(cell) for cell in cells]
            if any(isinstance(value, str) and CONTROL_CHARACTERS.search(value)
                   for value in values):
                raise UploadRejected(CONTROL_CHARACTERS_MESSAGE)
            yield values
    finally:
        workbook.close()


def _check_recorded_range(sheet) -> None:
    """Refuse before reading a sheet whose recorded used range is far larger than an import
    (Excel and LibreOffice record it; a wrong one is caught while reading)."""
    try:
        columns, lines = sheet.max_column or 0, sheet.max_row or 0
    except Exception:  # a malformed dimension: the reading bounds still apply
        return
    if columns > MAX_COLUMNS:
        raise too_wide(columns)
    if lines > _max_lines():
        raise too_long(lines)


# Invisible control characters (other than tab and line breaks) have no place in a cell: the
# database refuses NUL, and spreadsheets refuse the others when the data is exported again.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
CONTROL_CHARACTERS_MESSAGE = gettext_lazy(
    "The file contains invisible control characters; remove them (e.g. retype the cells "
    "copied from another program) and upload it again."
)
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def _csv_rows(data: bytes):
    text = _csv_text(data)
    if CONTROL_CHARACTERS.search(text):
        raise UploadRejected(CONTROL_CHARACTERS_MESSAGE)
    first_line = text.split("\n", 1)[0]
    # Excel in a Vietnamese locale writes ";" (the comma is the decimal separator there);
    # the header line, which holds no numbers, tells which one was used. Excel's "Unicode
    # text" is tab-separated.
    counts = {sep: first_line.count(sep) for sep in (";", ",", "\t")}
    delimiter = max(counts, key=counts.get) if any(counts.values()) else ","
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    except csv.Error as error:  # e.g. a cell over the csv module's 128 KB field limit
        raise UploadRejected(
            _("The CSV file cannot be read: %(error)s") % {"error": error}
        ) from None


def _csv_text(data: bytes) -> str:
    """The text of a CSV file: UTF-8 (with or without BOM), or UTF-16 with its BOM (Excel's
    "Unicode text", often renamed .csv)."""
    utf16 = UploadRejected(
        _("This file is in UTF-16 (Excel's “Unicode text”), without the mark that says so. "
          "In Excel, save it as “CSV UTF-8 (Comma delimited)” and upload that file.")
    )
    if data.startswith(UTF16_BOMS):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise utf16 from None
    if b"\x00" in data[:4096]:
        sample = data[:512]
        # UTF-16 text: every other byte of ordinary letters is zero.
        if max(sample[0::2].count(0), sample[1::2].count(0)) > len(sample) // 4:
            raise utf16
        raise UploadRejected(
            _("Wrong file type: choose an Excel file (.xlsx) or a CSV file (.csv).")
        )
    try:
        # utf-8-sig drops the byte-order mark Excel writes at the start of "CSV UTF-8".
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UploadRejected(
            _("The CSV file is not in UTF-8. In Excel, save it as “CSV UTF-8 (Comma delimited)”.")
        ) from error


def is_blank(value) -> bool:
    """An empty cell: None (XLSX) or only spaces."""
    return value is None or (isinstance(value, str) and not value.strip())


def clean_cell(value):
    """A cell as every import reads it: text trimmed, in NFC, without the apostrophe an
    export put before a formula-like value (`core.exports.unneutralise`)."""
    if not isinstance(value, str):
        return value
    return nfc(unneutralise(value.strip()).strip())


# Title rows ("KẾ HOẠCH CHUYỂN ĐỔI SỐ NĂM 2026", merged across) may stand above the headers.
MAX_TITLE_ROWS = 5


def _dataset(rows, header_names: Sequence[str] | None = None) -> tablib.Dataset:
    rows = iter(rows)
    header, header_line = _find_header(rows, header_names)
    # Trailing empty header cells are common (formatting applied to a whole row).
    while header and is_blank(header[-1]):
        header.pop()
    headers = ["" if value is None else clean_cell(str(value)) for value in header]
    if any(not value for value in headers):
        raise UploadRejected(_("Every column needs a name in the header row."))
    dataset = tablib.Dataset(headers=headers)
    lines = []
    for line, values in enumerate(rows, header_line + 1):
        if all(is_blank(value) for value in values):
            continue
        if any(not is_blank(value) for value in values[len(headers):]):
            raise UploadRejected(
                _("Line %(line)s has more values than there are columns: values to the right "
                  "of the last column (“%(column)s”) have no column name. Remove them, or "
                  "name their column.") % {"line": line, "column": headers[-1]}
            )
        if len(lines) >= MAX_ROWS:
            raise UploadRejected(
                _("The file has more than %(limit)s rows; split it into several files.")
                % {"limit": _number(MAX_ROWS)}
            )
        values = list(values[: len(headers)]) + [None] * (len(headers) - len(values))
        dataset.append([clean_cell(value) for value in values])
        lines.append(line)
    if not lines:
        raise UploadRejected(_("The file has column names but no rows."))
    dataset.dtm_lines = lines
    return dataset


def _find_header(rows, header_names):
    """(header row, its line): the first non-blank row, or with `header_names` the first row
    holding a known column name among the first few non-blank rows (the rows above are
    titles). With none there, the file's layout is not the template's: say so plainly."""
    known = None if header_names is None else {normalise_header(h) for h in header_names}
    candidates = []
    for line, values in enumerate(rows, 1):
        if all(is_blank(value) for value in values):
            continue
        if known is None or _holds_a_header(values, known):
            return list(values), line
        candidates.append((line, values))
        if len(candidates) > MAX_TITLE_ROWS:
            break
    if not candidates:
        raise UploadRejected(_("The file is empty."))
    first = next(value for value in candidates[0][1] if not is_blank(value))
    raise UploadRejected(
        _("The column headers were not found: the first row must hold the column names of "
          "the template (e.g. “%(example)s”); it holds “%(found)s”. Delete any title rows "
          "above the headers.")
        % {"example": header_names[0], "found": clean_cell(str(first))[:80]}
    )


def _holds_a_header(values, known: set[str]) -> bool:
    return any(normalise_header(str(value)) in known for value in values if not is_blank(value))


# --- Values written the way Vietnamese officials write them --------------------------------
# Numbers are read by `core.numbers`, the one reader shared with the daily form.

DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d")


def parse_date(value) -> dt.date | None:
    """A date from a cell: a real Excel date, or text such as 31/12/2025; empty = None."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if not text:
        return None
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(
        _("“%(value)s” is not a date; write it as day/month/year, e.g. 31/12/2025.")
        % {"value": value}
    )


TRUE_WORDS = {"1", "true", "yes", "x", "có", "co", "đúng", "rồi", "đã"}
FALSE_WORDS = {"0", "false", "no", "không", "khong", "chưa", "sai"}


def parse_bool(value) -> bool | None:
    """Yes/no from a cell: 1/0, x, có/không, yes/no, true/false; empty = None."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        if value in (0, 1):
            return bool(value)
    text = str(value).strip().lower()
    if not text:
        return None
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ValueError(_("“%(value)s” is not yes or no; write “có” or “không”.") % {"value": value})


def normalise_header(text: str) -> str:
    """Compare headers without case, spaces or punctuation differences ("Mã chỉ tiêu" ==
    "mã  chỉ tiêu:"); diacritics are kept, since they distinguish Vietnamese words."""
    text = unicodedata.normalize("NFC", text).lower()
    return re.sub(r"[\W_]+", " ", text, flags=re.UNICODE).strip()
