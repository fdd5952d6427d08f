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

import tablib
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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


def read_table(data: bytes, name: str | None = None) -> tablib.Dataset:
    """Parse an uploaded CSV or XLSX file into a Dataset, or raise `UploadRejected`.

    The type is recognised from the content (an XLSX file is a zip archive), and checked
    against the name's extension when a name is given.
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
    return _dataset(rows)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",")


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
        # Read-only mode trusts the sheet's recorded size, which some tools write wrong (e.g.
        # "A1" for a full sheet): forget it and read what is there.
        sheet.reset_dimensions()
        rows = sheet.iter_rows(values_only=True)
        while True:
            try:
                # Read-only openpyxl parses the sheet lazily: damage shows up here, not on load.
                values = next(rows)
            except StopIteration:
                return
            except Exception as error:
                raise UploadRejected(_("The Excel file is damaged and cannot be read.")) from error
            if any(isinstance(value, str) and CONTROL_CHARACTERS.search(value)
                   for value in values):
                raise UploadRejected(CONTROL_CHARACTERS_MESSAGE)
            yield list(values)
    finally:
        workbook.close()


# Invisible control characters (other than tab and line breaks) have no place in a cell: the
# database refuses NUL, and spreadsheets refuse the others when the data is exported again.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
CONTROL_CHARACTERS_MESSAGE = gettext_lazy(
    "The file contains invisible control characters; remove them (e.g. retype the cells "
    "copied from another program) and upload it again."
)


def _csv_rows(data: bytes):
    if b"\x00" in data[:4096]:
        raise UploadRejected(
            _("Wrong file type: choose an Excel file (.xlsx) or a CSV file (.csv).")
        )
    if CONTROL_CHARACTERS.search(data.decode("latin-1")):
        raise UploadRejected(CONTROL_CHARACTERS_MESSAGE)
    try:
        # utf-8-sig drops the byte-order mark Excel writes at the start of "CSV UTF-8".
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UploadRejected(
            _("The CSV file is not in UTF-8. In Excel, save it as “CSV UTF-8 (Comma delimited)”.")
        ) from error
    first_line = text.split("\n", 1)[0]
    # Excel in a Vietnamese locale writes ";" (the comma is the decimal separator there);
    # the header line, which holds no numbers, tells which one was used.
    counts = {sep: first_line.count(sep) for sep in (";", ",", "\t")}
    delimiter = max(counts, key=counts.get) if any(counts.values()) else ","
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    except csv.Error as error:  # e.g. a cell over the csv module's 128 KB field limit
        raise UploadRejected(
            _("The CSV file cannot be read: %(error)s") % {"error": error}
        ) from None


def is_blank(value) -> bool:
    """An empty cell: None (XLSX) or only spaces."""
    return value is None or (isinstance(value, str) and not value.strip())


def _dataset(rows) -> tablib.Dataset:
    rows = iter(rows)
    header = None
    header_line = 0
    for line, values in enumerate(rows, 1):
        if not all(is_blank(value) for value in values):
            header, header_line = values, line
            break
    if header is None:
        raise UploadRejected(_("The file is empty."))
    # Trailing empty header cells are common (formatting applied to a whole row).
    while header and is_blank(header[-1]):
        header.pop()
    headers = ["" if value is None else str(value).strip() for value in header]
    if any(not value for value in headers):
        raise UploadRejected(_("Every column needs a name in the first row."))
    dataset = tablib.Dataset(headers=headers)
    lines = []
    for line, values in enumerate(rows, header_line + 1):
        if all(is_blank(value) for value in values):
            continue
        values = list(values[: len(headers)]) + [None] * (len(headers) - len(values))
        extra = values[len(headers):]
        if any(not is_blank(value) for value in extra):
            raise UploadRejected(
                _("Line %(line)s has values in columns without a name.") % {"line": line}
            )
        if len(lines) >= MAX_ROWS:
            raise UploadRejected(
                _("The file has more than %(limit)s rows; split it into several files.")
                % {"limit": f"{MAX_ROWS:,}".replace(",", ".")}
            )
        dataset.append([value.strip() if isinstance(value, str) else value
                         for value in values[: len(headers)]])
        lines.append(line)
    if not lines:
        raise UploadRejected(_("The file has column names but no rows."))
    dataset.dtm_lines = lines
    return dataset


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
