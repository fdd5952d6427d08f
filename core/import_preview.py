"""What an import would change, as an administrator reads it: the one preview-row builder.

Every import preview (the admin's django-import-export imports and the accounts import) is
built here and drawn by one template (`admin/dtmonitor/_import_preview.html`): a summary in
words, the new and changed rows first with each changed value before → after, the confirm
button, then the unchanged rows folded.

Values are shown as the model declares them, with no knowledge of any domain here: a choice by
its label, a yes/no as "Có"/"Không", a related row by its name (`str()`), a number in the
Vietnamese way (`core.numbers.format_number`, so 100.00 and 100 read the same), a date as
dd/mm/yyyy; a column is named by its model field's verbose name.
"""

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from import_export.resources import Diff

from . import numbers

NEW, CHANGED, UNCHANGED = "new", "update", "skip"


def yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def display(value) -> str:
    """A plain value as the preview shows it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, int | Decimal):
        return numbers.format_number(value)
    if isinstance(value, float):
        return numbers.format_number(Decimal(str(value)))
    if isinstance(value, dt.datetime):
        return f"{timezone.localtime(value) if timezone.is_aware(value) else value:%d/%m/%Y %H:%M}"
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    return str(value)


def display_value(instance, name: str) -> str | None:
    """`instance.<name>` as the preview shows it, read through its model field; None when
    `name` is not a model field (the caller then falls back on the import's own rendering)."""
    try:
        model_field = instance._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    if model_field.many_to_many or model_field.one_to_many:
        if instance.pk is None:
            return ""
        return ", ".join(sorted(str(related) for related in getattr(instance, name).all()))
    if model_field.is_relation:
        try:
            related = getattr(instance, name)
        except ObjectDoesNotExist:
            return ""
        return "" if related is None else str(related)
    value = getattr(instance, model_field.attname)
    if model_field.choices:
        labels = dict(model_field.flatchoices)
        if value in labels:
            return str(labels[value])
    if value is None or (value == "" and not model_field.choices):
        return ""
    return display(value)


def column_label(model, name: str, fallback: str) -> str:
    """A column's name in the preview: its model field's verbose name."""
    try:
        return capfirst(str(model._meta.get_field(name).verbose_name))
    except FieldDoesNotExist:
        return fallback


@dataclass
class Cell:
    column: str
    before: str
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after

    def __str__(self) -> str:
        return self.after


@dataclass
class Row:
    """One row of the file: its line, what happens to it, what it is and its values."""

    line: int | None
    kind: str
    title: str
    cells: list[Cell] = field(default_factory=list)

    @property
    def changes(self) -> list[Cell]:
        """The values the import writes: every filled value of a new row, the changed values
        of an existing one."""
        if self.kind == NEW:
            return [cell for cell in self.cells if cell.after]
        return [cell for cell in self.cells if cell.changed]

    @property
    def others(self) -> list[Cell]:
        changes = self.changes
        return [cell for cell in self.cells if cell not in changes]


@dataclass
class Preview:
    """What the whole file would do. `noun` names one row ("chỉ tiêu", "đơn vị")."""

    noun: str
    nouns: str
    columns: list[str]
    rows: list[Row]
    errors: int = 0

    def _of(self, kind: str) -> list[Row]:
        return [row for row in self.rows if row.kind == kind]

    @property
    def new(self) -> list[Row]:
        return self._of(NEW)

    @property
    def changed(self) -> list[Row]:
        return self._of(CHANGED)

    @property
    def unchanged(self) -> list[Row]:
        return self._of(UNCHANGED)

    @property
    def first(self) -> list[Row]:
        """The rows that matter, in the file's order: new and changed."""
        return [row for row in self.rows if row.kind in (NEW, CHANGED)]

    @property
    def summary(self) -> str:
        """E.g. "3 chỉ tiêu mới, 1 thay đổi, 26 không đổi, 0 lỗi"."""
        new = len(self.new)
        return _(
            "%(new)s new %(noun)s, %(changed)s changed, %(unchanged)s unchanged, "
            "%(errors)s errors"
        ) % {
            "new": new, "noun": self.noun if new == 1 else self.nouns,
            "changed": len(self.changed), "unchanged": len(self.unchanged),
            "errors": self.errors,
        }

    @property
    def digest(self) -> str:
        """A fingerprint of everything the preview shows: the confirmation must match it."""
        shown = [[row.line, row.kind, row.title,
                  [[cell.column, cell.before, cell.after] for cell in row.cells]]
                 for row in self.rows]
        return hashlib.sha256(json.dumps(shown, ensure_ascii=False).encode()).hexdigest()

    @property
    def unchanged_label(self) -> str:
        count = len(self.unchanged)
        return ngettext("%(count)s unchanged row", "%(count)s unchanged rows", count) % {
            "count": count
        }


def by_line(rows: list[Row]) -> list[Row]:
    return sorted(rows, key=lambda row: (row.line is None, row.line or 0))


# --- django-import-export ------------------------------------------------------------------


class PreviewDiff(Diff):
    """import-export's per-row comparison, kept as displayed values (before, after) rather
    than an HTML diff of the export's codes. `row_result.diff` becomes a list of `Cell`s."""

    def __init__(self, resource, instance, new):
        # Not super().__init__: import-export's reads the export's codes (`Diff._read...`).
        self.columns = [preview_column(resource, f) for f in resource.get_import_fields()]
        self.left = shown_values(resource, instance)
        self.right = []
        self.new = new

    def compare_with(self, resource, instance):
        self.right = shown_values(resource, instance)

    def as_html(self):
        right = self.right or self.left
        left = [""] * len(right) if self.new else self.left
        return [Cell(column, before, after)
                for column, before, after in zip(self.columns, left, right, strict=True)]


def shown_values(resource, instance) -> list[str]:
    """The import's fields of `instance` as the preview shows them."""
    if instance is None:
        return []
    values = []
    for import_field in resource.get_import_fields():
        shown = None
        if import_field.attribute and "__" not in import_field.attribute:
            shown = display_value(instance, import_field.attribute)
        values.append(display(import_field.export(instance)) if shown is None else shown)
    return values


def preview_column(resource, import_field) -> str:
    model = resource._meta.model
    attribute = import_field.attribute or ""
    return column_label(model, attribute, import_field.column_name or attribute)


def import_export_preview(resource, result, line_of) -> Preview:
    """The preview of an import-export `result` of `resource`; `line_of(row_result)` gives a
    row's line in the file."""
    model = resource._meta.model
    rows = [
        Row(line_of(row), row.import_type, row.object_repr or "", list(row.diff or []))
        for row in result.valid_rows()
    ]
    errors = len(result.invalid_rows) + sum(len(errors) for _n, errors in result.row_errors())
    errors += len(result.base_errors)
    return Preview(
        noun=str(model._meta.verbose_name), nouns=str(model._meta.verbose_name_plural),
        columns=[preview_column(resource, f) for f in resource.get_import_fields()],
        rows=by_line(rows), errors=errors,
    )

