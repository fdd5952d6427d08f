"""The import preview shows what changes first, in words an administrator reads.

The file is the committed 2025 target list (fixtures/quangninh/targets_2025.tsv, 30 rows) as an
administrator would re-import it, with one value changed: the page opens with a summary in
words, then the changed row with its value before → after, then "Xác nhận nhập", then the
unchanged rows folded in a <details>. Choice fields, booleans, related rows and numbers show
their labels, never their codes.
"""

import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest

from core.tsv import read_tsv
from reports.loaders import QUANGNINH_FIXTURES
from targets.models import Target

from .admin_files import confirm, preview, xlsx_bytes

# The fixture's columns as the import names them (the TSV's names are English headers it
# accepts); its `programme_target` column is not part of the import.
TSV_COLUMNS = [
    "code", "name_vi", "name_en", "pillar", "unit", "direction", "baseline", "target_value",
    "source", "aggregation", "numerator", "denominator", "cumulative", "in_plan",
    "manual_status", "responsible_agency", "reference",
]
CHANGED_CODE = "QN-DG-04"


def committed_target_file(changes: dict[str, dict[str, str]] | None = None,
                          extra_rows: list[dict[str, str]] = ()) -> bytes:
    """The committed 2025 targets as an XLSX import, with `changes` (code -> column -> value)."""
    rows = read_tsv(QUANGNINH_FIXTURES / "targets_2025.tsv") + list(extra_rows)
    table = [["plan", *TSV_COLUMNS]]
    for row in rows:
        row = {**row, **(changes or {}).get(row["code"], {})}
        table.append([2025, *(row.get(column, "") for column in TSV_COLUMNS)])
    return xlsx_bytes(table)


def one_changed_value() -> bytes:
    return committed_target_file({CHANGED_CODE: {"target_value": "95"}})


class Cells(HTMLParser):
    """The text of every table cell (th and td) of a page, with its position in the page."""

    def __init__(self):
        super().__init__()
        self.cells: list[tuple[int, str]] = []
        self._open: list[str] | None = None
        self._start = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("td", "th"):
            self._open, self._start = [], self.getpos()
        elif tag == "br" and self._open is not None:
            self._open.append(" ")

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._open is not None:
            self.cells.append((self._start, " ".join("".join(self._open).split())))
            self._open = None

    def handle_data(self, data):
        if self._open is not None:
            self._open.append(data)


def cell_texts(html: str) -> list[str]:
    parser = Cells()
    parser.feed(html)
    return [text for _position, text in parser.cells]


def preview_part(html: str) -> str:
    """The page from the summary to the end of the content (the preview itself)."""
    start = html.index('id="import-summary"')
    return html[start:html.index('id="footer"') if 'id="footer"' in html else len(html)]


@pytest.fixture
def previewed(quangninh, admin_client):
    response = preview(admin_client, "admin:targets_target_import", one_changed_value(), "t.xlsx")
    assert response.status_code == 200
    assert response.context.get("confirm_form") is not None
    return response


def test_the_summary_says_in_words_what_the_file_changes(previewed):
    summary = re.search(r'id="import-summary"[^>]*>(.*?)</p>', previewed.content.decode(), re.S)
    text = " ".join(summary.group(1).split())
    assert "0 chỉ tiêu mới, 1 thay đổi, 29 không đổi, 0 lỗi" in text


def test_the_changed_row_and_its_before_and_after_come_before_the_confirm_button(previewed):
    html = previewed.content.decode()
    confirm_at = html.index('name="confirm"')
    changed_at = html.index(CHANGED_CODE)
    assert changed_at < confirm_at
    changes = html[html.index('id="import-changes"'):confirm_at]
    # The one field that changes, before → after, in Vietnamese number format.
    assert re.search(r"Giá trị chỉ tiêu.*?100.*?95", " ".join(changes.split()), re.S)
    assert changes.count('class="changed"') == 1
    # The row says which target it is; its other fields are available, folded.
    assert Target.objects.get(plan__year=2025, code=CHANGED_CODE).name_vi in changes
    assert "Tên tiếng Anh" in changes.split("<details", 1)[1]


def test_unchanged_rows_are_folded_after_the_confirm_button(previewed):
    html = previewed.content.decode()
    confirm_at = html.index('name="confirm"')
    folded_at = html.index('id="import-unchanged"')
    assert folded_at > confirm_at
    folded = html[folded_at:]
    assert folded.startswith('id="import-unchanged"') and html[:folded_at].endswith("<details ")
    assert "29 dòng không đổi" in folded
    unchanged_codes = [row["code"] for row in read_tsv(QUANGNINH_FIXTURES / "targets_2025.tsv")
                       if row["code"] != CHANGED_CODE]
    for code in unchanged_codes:
        assert html.index(code) > folded_at, code


def test_new_rows_come_first_too_with_their_values(quangninh, admin_client):
    new = {**read_tsv(QUANGNINH_FIXTURES / "targets_2025.tsv")[12], "code": "QN-DG-99"}
    content = committed_target_file({CHANGED_CODE: {"target_value": "95"}}, [new])
    response = preview(admin_client, "admin:targets_target_import", content, "t.xlsx")
    html = response.content.decode()
    assert "1 chỉ tiêu mới, 1 thay đổi, 29 không đổi, 0 lỗi" in " ".join(html.split())
    assert html.index("QN-DG-99") < html.index('name="confirm"') < html.index("import-unchanged")


def test_values_show_their_labels_not_their_codes(previewed):
    part = preview_part(previewed.content.decode())
    words = " ".join(cell_texts(part))
    for code in ("digital_government", "commune_daily", "higher", "count", "province",
                 "derived", "sum", "latest"):
        assert not re.search(rf"(?<![\w-]){code}(?![\w-])", words), code
    # The pillar by its name, choices by their Vietnamese labels, yes/no in words.
    assert "Chính quyền số" in words
    for label in ("số lượng", "càng cao càng tốt", "theo dõi ở cấp tỉnh", "Có", "Không"):
        assert label in words, label
    assert not {"0", "1", "True", "False"} & set(cell_texts(part))


def test_headers_are_the_fields_names_not_their_attributes(previewed):
    texts = cell_texts(preview_part(previewed.content.decode()))
    assert "Giá trị chỉ tiêu" in texts and "Tính vào kế hoạch" in texts
    for attribute in ("target_value", "counts_in_plan", "name_vi", "is_cumulative"):
        assert attribute not in texts


def test_numbers_are_shown_the_same_way_on_both_sides(quangninh):
    from core.import_preview import display_value

    target = Target.objects.get(plan__year=2025, code="QN-DE-01")
    assert display_value(target, "baseline") == "7,1"
    target.target_value = Decimal("100.00")
    assert display_value(target, "target_value") == "100"
    target.target_value = Decimal("1234.5")
    assert display_value(target, "target_value") == "1.234,5"
    assert display_value(target, "numerator") == ""


def test_the_confirmation_imports_exactly_what_was_previewed(previewed, admin_client):
    totals = previewed.context["result"].totals
    before = {t.code: (t.target_value, t.history.count())
              for t in Target.objects.filter(plan__year=2025)}
    done = confirm(admin_client, previewed, "admin:targets_target_process_import")
    assert done.status_code == 302
    after = {t.code: (t.target_value, t.history.count())
             for t in Target.objects.filter(plan__year=2025)}
    assert after[CHANGED_CODE] == (Decimal("95"), before[CHANGED_CODE][1] + 1)
    assert {code: value for code, value in after.items() if code != CHANGED_CODE} == {
        code: value for code, value in before.items() if code != CHANGED_CODE
    }
    assert (totals["new"], totals["update"], totals["skip"]) == (0, 1, 29)


def test_errors_come_first_with_line_and_column_and_no_confirm_button(quangninh, admin_client):
    content = committed_target_file({CHANGED_CODE: {"target_value": "nhiều"}})
    response = preview(admin_client, "admin:targets_target_import", content, "t.xlsx")
    html = response.content.decode()
    assert 'name="confirm"' not in html
    assert html.index('id="import-errors"') < html.index('name="import_file"')
    errors = response.context["result"].dtm_errors
    assert [(e["line"], e["column"]) for e in errors] == [(13, "target_value")]


def test_every_shared_import_uses_the_same_preview(quangninh, admin_client):
    """Units: the kind by its label, yes/no in words, the changed value first."""
    from communes.models import Commune

    unit = Commune.objects.order_by("code").first()
    header = ["Mã đơn vị", "Tên đơn vị", "Loại đơn vị", "Đang hoạt động", "Dân số"]
    row = [unit.code, unit.name, unit.kind, "1", "12345"]
    response = preview(admin_client, "admin:communes_commune_import",
                       xlsx_bytes([header, row]), "u.xlsx")
    html = response.content.decode()
    assert "0 đơn vị mới, 1 thay đổi, 0 không đổi, 0 lỗi" in " ".join(html.split())
    changes = html[html.index('id="import-changes"'):html.index('name="confirm"')]
    assert "12.345" in changes
    words = " ".join(cell_texts(preview_part(html)))
    assert unit.get_kind_display() in words and unit.kind not in words.split()


def test_a_confirmation_that_would_differ_from_its_preview_writes_nothing(
    previewed, admin_client, settings
):
    """Another administrator changes a previewed row between preview and confirmation: what
    the confirmation would write is no longer what was shown, so nothing is written."""
    settings.LANGUAGE_CODE = "en"
    Target.objects.filter(plan__year=2025, code="QN-DG-03").update(target_value=Decimal("90"))
    history = Target.history.count()
    done = confirm(admin_client, previewed, "admin:targets_target_process_import")
    assert done.status_code == 302
    assert Target.objects.get(plan__year=2025, code=CHANGED_CODE).target_value == Decimal("100")
    assert Target.objects.get(plan__year=2025, code="QN-DG-03").target_value == Decimal("90")
    assert Target.history.count() == history
    shown = admin_client.get(done["Location"]).content.decode()
    assert "changed since the preview" in shown
