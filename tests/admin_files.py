"""Helpers for admin import tests: files made by the test, uploads through the admin's views."""

import csv
import io
import zipfile

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse


def xlsx_bytes(rows: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list], *, delimiter: str = ",", bom: bool = False) -> bytes:
    """CSV as Excel writes it: cells holding the separator are quoted."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return ("\ufeff" if bom else "").encode() + buffer.getvalue().encode("utf-8")


def zip_bomb_xlsx() -> bytes:
    """A zip that looks like a workbook but unpacks to 60 MB of one repeated byte."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (60 * 1024 * 1024))
    return buffer.getvalue()


def preview(client, url_name: str, content: bytes, name: str):
    """POST the file to the admin's import page (the dry run); returns the response."""
    upload = SimpleUploadedFile(name, content)
    return client.post(reverse(url_name), {"format": "0", "resource": "0", "import_file": upload})


def confirm(client, response, process_url_name: str):
    """POST the preview's confirmation form, as the Confirm button does."""
    form = response.context["confirm_form"]
    data = {name: form.initial[name] for name in form.fields if name in form.initial}
    return client.post(reverse(process_url_name), data)


def import_file(client, model: str, content: bytes, name: str):
    """Preview then confirm; returns (preview response, confirm response)."""
    first = preview(client, f"admin:{model}_import", content, name)
    assert first.status_code == 200
    assert first.context.get("confirm_form") is not None, _errors(first)
    return first, confirm(client, first, f"admin:{model}_process_import")


def _errors(response) -> str:
    result = response.context.get("result")
    if result is not None:
        return str(getattr(result, "dtm_errors", result.base_errors))
    return str(response.context["form"].errors)


def export(client, model: str, format_index: int):
    """Export every column, as the admin's export form does with its defaults."""
    url = reverse(f"admin:{model}_export")
    form = client.get(url).context["form"]
    data = {name: "on" for name, field in form.fields.items()
            if getattr(field, "is_selectable_field", False)}
    data.update({"format": str(format_index), "resource": "0"})
    response = client.post(url, data)
    assert response.status_code == 200 and "attachment" in response.get("Content-Disposition", "")
    return response


def handmade_xlsx(rows: list[list[str]]) -> bytes:
    """A minimal workbook written without openpyxl, the way other tools do it: inline strings,
    no styles, no shared strings, and a wrong `dimension` (openpyxl must not trust it)."""
    from xml.sax.saxutils import escape

    def column(index: int) -> str:
        return chr(ord("A") + index)

    sheet_rows = "".join(
        f'<row r="{r}">' + "".join(
            f'<c r="{column(c)}{r}" t="inlineStr"><is><t>{escape(str(v))}</t></is></c>'
            for c, v in enumerate(row) if v != ""
        ) + "</row>"
        for r, row in enumerate(rows, 1)
    )
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="Trang tính1" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f'<dimension ref="A1"/><sheetData>{sheet_rows}</sheetData></worksheet>'
        ),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text.encode("utf-8"))
    return buffer.getvalue()
