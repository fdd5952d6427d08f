"""Build the spreadsheet test files with LibreOffice Calc, the way provincial officers make them.

Run by hand when a file must change (`python tests/files/build.py`, needs `soffice`:
`apt-get install libreoffice-calc-nogui`); the resulting files are committed so tests and CI
need no LibreOffice. Each sheet is written as a flat OpenDocument file (.fods: cell types,
percentage formats, merged cells) and converted by `soffice --headless --convert-to`.
"""

import shutil
import subprocess
import tempfile
import unicodedata
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent

TARGET_HEADERS = [
    "Năm kế hoạch", "Mã chỉ tiêu", "Tên chỉ tiêu", "Tên tiếng Anh", "Trụ cột", "Đơn vị tính",
    "Giá trị mục tiêu", "Thời hạn", "Nguồn số liệu", "Cách tổng hợp",
]
ACCOUNT_HEADERS = ["Tên đăng nhập", "Họ và tên", "Email", "Số điện thoại", "Mã đơn vị", "Vai trò"]


class Cell:
    """A cell with a type: a number (optionally shown as a percentage) or text."""

    def __init__(self, value, *, percent: bool = False, span: int = 1, styled: bool = False):
        self.value, self.percent, self.span, self.styled = value, percent, span, styled

    def xml(self) -> str:
        attrs = f' table:number-columns-spanned="{self.span}"' if self.span > 1 else ""
        if self.styled:
            attrs += ' table:style-name="shaded"'
        if self.value is None:
            return f"<table:table-cell{attrs}/>"
        if isinstance(self.value, int | float):
            style = ' table:style-name="percent"' if self.percent else ""
            shown = f"{self.value:.0%}" if self.percent else str(self.value)
            value_type = "percentage" if self.percent else "float"
            return (f'<table:table-cell{attrs}{style} office:value-type="{value_type}" '
                    f'office:value="{self.value}"><text:p>{shown}</text:p></table:table-cell>')
        return (f'<table:table-cell{attrs} office:value-type="string">'
                f"<text:p>{escape(self.value)}</text:p></table:table-cell>")


def cell(value) -> Cell:
    return value if isinstance(value, Cell) else Cell(value)


def fods(rows, *, repeated_blank_rows: int = 0) -> str:
    body = "".join(
        "<table:table-row>" + "".join(cell(v).xml() for v in row) + "</table:table-row>"
        for row in rows
    )
    if repeated_blank_rows:
        # Formatting applied to many empty rows (a taller row, shaded cells), as when rows are
        # selected down to the bottom of the sheet and formatted.
        body += (f'<table:table-row table:style-name="tall" '
                 f'table:number-rows-repeated="{repeated_blank_rows}">'
                 '<table:table-cell table:style-name="shaded" '
                 'table:number-columns-repeated="2"/></table:table-row>'
                 '<table:table-row><table:table-cell/></table:table-row>')
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.spreadsheet">
<office:automatic-styles>
 <number:percentage-style style:name="N10"><number:number number:decimal-places="0"
  number:min-integer-digits="1"/><number:text>%</number:text></number:percentage-style>
 <style:style style:name="percent" style:family="table-cell" style:data-style-name="N10"/>
 <style:style style:name="tall" style:family="table-row">
  <style:table-row-properties style:row-height="0.8cm" style:use-optimal-row-height="false"/>
 </style:style>
 <style:style style:name="shaded" style:family="table-cell">
  <style:table-cell-properties fo:background-color="#ffff99"/></style:style>
</office:automatic-styles>
<office:body><office:spreadsheet><table:table table:name="Trang tính1">
{body}
</table:table></office:spreadsheet></office:body></office:document>"""


def convert(name: str, source: str, target_filter: str) -> None:
    """Write `source` (.fods) and let LibreOffice save it as tests/files/`name`."""
    with tempfile.TemporaryDirectory() as work:
        stem = Path(name).stem
        (Path(work) / f"{stem}.fods").write_text(source, encoding="utf-8")
        subprocess.run(
            ["soffice", "--headless", f"-env:UserInstallation=file://{work}/profile",
             "--convert-to", target_filter, "--outdir", work, f"{work}/{stem}.fods"],
            check=True, capture_output=True, timeout=300,
        )
        produced = Path(work) / f"{stem}.{target_filter.split(':')[0]}"
        shutil.copy(produced, HERE / name)


def target_row(code, name, unit, value, *, percent=False):
    return [2025, code, name, name, "digital_government", unit,
            Cell(value, percent=percent), "31/12/2026", "province", "latest"]


def build() -> None:
    # Target values typed as 85% in a percentage-formatted cell (stored 0.85).
    convert("targets-percent.xlsx", fods([
        TARGET_HEADERS,
        target_row("PCT-01", "Tỷ lệ hồ sơ trực tuyến", "percent", 0.85, percent=True),
        target_row("PCT-02", "Tỷ lệ thanh toán không dùng tiền mặt", "percent", 0.625,
                   percent=True),
        target_row("PCT-03", "Số người được tập huấn", "count", 1200),
    ]), "xlsx")
    # The same, but a count target typed as a percentage: ambiguous, refused.
    convert("targets-percent-on-count.xlsx", fods([
        TARGET_HEADERS,
        target_row("PCT-04", "Số người được tập huấn", "count", 0.85, percent=True),
    ]), "xlsx")
    # A title row, merged across the columns, above the headers.
    convert("targets-title-row.xlsx", fods([
        [Cell("KẾ HOẠCH CHUYỂN ĐỔI SỐ NĂM 2026", span=len(TARGET_HEADERS))],
        [],
        TARGET_HEADERS,
        target_row("TTL-01", "Tỷ lệ hồ sơ trực tuyến", "percent", 90),
    ]), "xlsx")
    # Excel's "Unicode text": UTF-16 with a BOM, tab-separated; officers rename it .csv.
    convert("targets-utf16.csv", fods([
        TARGET_HEADERS,
        target_row("U16-01", "Tỷ lệ hồ sơ trực tuyến", "percent", 90),
    ]), "csv:Text - txt - csv (StarCalc):9,34,65535")
    # Names typed in decomposed Unicode (NFD), as macOS and some Vietnamese keyboards do.
    convert("units-nfd.xlsx", fods([
        ["Mã đơn vị", "Tên đơn vị", "Loại đơn vị", "Mã tỉnh"],
        ["06685", unicodedata.normalize("NFD", "Phường Hồng Gai"), "ward", "22"],
    ]), "xlsx")
    # Accounts as typed: a phone in a number cell, a unit's name in the code column, a code
    # typed as "06685.0", a name in NFD and an address in capitals.
    convert("accounts-as-typed.xlsx", fods([
        ACCOUNT_HEADERS,
        ["hg.hoa", unicodedata.normalize("NFD", "Nguyễn Thị Hoa"), "Hoa.NT@HongGai.gov.vn",
         912000011, "06685.0", "đầu mối xã"],
        ["hg.lan", "Trần Thị Lan", "lan@honggai.gov.vn", "0912000012", "Phường Hồng Gai",
         "đầu mối xã"],
    ]), "xlsx")
    # 1.000 columns wide, and formatted empty rows far below the data (20.000 here, enough to
    # pass the limit; a tester's file had 650.000, which makes a 1 MB file).
    convert("wide.xlsx", fods([[f"Cột {i}" for i in range(1, 1001)], ["x"] * 1000]), "xlsx")
    convert("blank-rows.xlsx", fods([
        ["Năm kế hoạch", "Mã chỉ tiêu"], [2025, "BLK-01"],
    ], repeated_blank_rows=20_000), "xlsx")


if __name__ == "__main__":
    build()
    for path in sorted(HERE.iterdir()):
        if path.suffix in (".xlsx", ".csv"):
            print(f"{path.name}: {path.stat().st_size} bytes")
