"""django-import-export, the dtmonitor way: one upload format, safe exports, plain messages.

- Imports read CSV or XLSX through `core.uploads` (size, type, zip bomb, rows, encoding).
- Headers are matched in Vietnamese or English; an unknown column stops the import.
- Numbers are read by `core.numbers`, the daily form's reader; a cell that already holds a
  number or a date (XLSX) is taken as that value.
- Every import runs in one transaction; one bad row and nothing is written.
- Errors are listed as (line in the file, column as the user wrote it, plain message).
- Exports go through `core.exports.neutralise`, so no cell can run as a formula.
"""

import csv
import io

import tablib
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, ValidationError
from django.http import HttpResponse
from django.urls import path, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import resources, widgets
from import_export.admin import ImportExportMixin
from import_export.formats import base_formats
from import_export.forms import ImportForm, SelectableFieldsExportForm

from . import numbers, uploads
from .exports import neutralise

# --- Formats -------------------------------------------------------------------------------


class SpreadsheetFormat(base_formats.Format):
    """The one import format: CSV or XLSX, recognised from the content."""

    def __init__(self, encoding=None):
        self.encoding = encoding

    def get_title(self):
        return "CSV / XLSX"

    def create_dataset(self, in_stream):
        return uploads.read_table(bytes(in_stream))

    def can_import(self):
        return True

    def get_extension(self):
        return "xlsx"


def neutralised(dataset: tablib.Dataset) -> tablib.Dataset:
    safe = tablib.Dataset(headers=[neutralise(header) for header in dataset.headers or []])
    for row in dataset:
        safe.append([neutralise(value) for value in row])
    return safe


class SafeCSV(base_formats.CSV):
    def export_data(self, dataset, **kwargs):
        # A BOM makes Excel open the file as UTF-8 (Vietnamese diacritics intact).
        return "\ufeff" + super().export_data(neutralised(dataset), **kwargs)


class SafeXLSX(base_formats.XLSX):
    def export_data(self, dataset, **kwargs):
        return super().export_data(neutralised(dataset), **kwargs)


# --- Widgets: values as officials write them; every failure is a ValueError with a plain
# message, which import-export reports against the row and column. ------------------------


def _number_in_cell(value, read):
    """`read(value)` (a reader of `core.numbers`), None for an empty cell; its message becomes
    the ValueError that import-export reports against the row and column."""
    if uploads.is_blank(value):
        return None
    try:
        return read(value)
    except ValidationError as error:
        raise ValueError(error.messages[0]) from None


class DecimalWidget(widgets.DecimalWidget):
    """A number, by the same rule as the daily form (`core.numbers.parse_number`)."""

    def clean(self, value, row=None, **kwargs):
        return _number_in_cell(value, numbers.parse_number)


class IntegerWidget(DecimalWidget):
    def clean(self, value, row=None, **kwargs):
        return _number_in_cell(value, numbers.parse_whole_number)


class DateWidget(widgets.DateWidget):
    def __init__(self):
        super().__init__(format="%d/%m/%Y")

    def clean(self, value, row=None, **kwargs):
        return uploads.parse_date(value)


class BooleanWidget(widgets.BooleanWidget):
    """Yes/no; an empty cell means "no" (the model fields are not nullable)."""

    def clean(self, value, row=None, **kwargs):
        return bool(uploads.parse_bool(value))


class TextWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value).strip()


class CodeWidget(TextWidget):
    """A code such as a unit's "06685": Excel turns it into the number 6685, put the zeros back
    when the code has a fixed width."""

    def __init__(self, width: int | None = None):
        super().__init__()
        self.width = width

    def clean(self, value, row=None, **kwargs):
        text = super().clean(value, row, **kwargs)
        if self.width and text.isdigit() and len(text) < self.width:
            text = text.zfill(self.width)
        return text


class ChoiceWidget(widgets.Widget):
    """A choice written as its code ("percent") or its label in Vietnamese or English."""

    def __init__(self, choices, *, required: bool = True):
        super().__init__()
        self.choices = choices
        self.required = required

    def _lookup(self) -> dict[str, str]:
        table = {}
        for value, label in self.choices:
            table[uploads.normalise_header(str(value))] = value
            for language in ("vi", "en"):
                with translation.override(language):
                    table[uploads.normalise_header(str(label))] = value
        return table

    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else str(value).strip()
        if not text:
            if self.required:
                raise ValueError(_("This value is required."))
            return ""
        found = self._lookup().get(uploads.normalise_header(text))
        if found is None:
            allowed = ", ".join(str(code) for code, _label in self.choices if code)
            raise ValueError(
                _("“%(value)s” is not one of the allowed values (%(allowed)s).")
                % {"value": text, "allowed": allowed}
            )
        return found


class CodeForeignKeyWidget(widgets.ForeignKeyWidget):
    """A related row named by its code; a missing one is a plain message, not a traceback."""

    def __init__(self, model, field="code", **kwargs):
        super().__init__(model, field, **kwargs)

    def clean(self, value, row=None, **kwargs):
        text = TextWidget().clean(value)
        if not text:
            return None
        try:
            return self.get_instance_by_lookup_fields(text, row, **kwargs)
        except ObjectDoesNotExist:
            raise ValueError(
                _("“%(value)s” was not found (%(model)s).")
                % {"value": text, "model": self.model._meta.verbose_name}
            ) from None
        except self.model.MultipleObjectsReturned:
            raise ValueError(
                _("“%(value)s” matches several rows (%(model)s).")
                % {"value": text, "model": self.model._meta.verbose_name}
            ) from None


# --- Resources -----------------------------------------------------------------------------


class FriendlyResource(resources.ModelResource):
    """Base of every dtmonitor import: bilingual headers, all-or-nothing, plain errors.

    Subclasses give each field a Vietnamese `column_name` (used in exports and templates) and
    list other accepted headers in `aliases` (English names at least).
    """

    aliases: dict[str, tuple[str, ...]] = {}
    required_columns: tuple[str, ...] = ()

    class Meta:
        use_transactions = True
        skip_unchanged = True
        report_skipped = True
        # Row by row, so django-simple-history records each change with its author.
        use_bulk = False
        clean_model_instances = True

    def accepted_headers(self) -> dict[str, str]:
        accepted = {}
        for field in self.get_import_fields():
            names = (
                field.column_name, field.attribute or "",
                *self.aliases.get(field.column_name, ()),
            )
            for name in names:
                if name:
                    accepted[uploads.normalise_header(name)] = field.column_name
        return accepted

    def before_import(self, dataset, **kwargs):
        accepted = self.accepted_headers()
        unknown = [h for h in dataset.headers if uploads.normalise_header(h) not in accepted]
        if unknown:
            raise uploads.UploadRejected(
                _("Unknown columns: %(columns)s. Use the headers of the template.")
                % {"columns": ", ".join(f"“{h}”" for h in unknown)}
            )
        canonical = [accepted[uploads.normalise_header(h)] for h in dataset.headers]
        repeated = sorted({name for name in canonical if canonical.count(name) > 1})
        if repeated:
            raise uploads.UploadRejected(
                _("These columns appear twice: %(columns)s.")
                % {"columns": ", ".join(f"“{name}”" for name in repeated)}
            )
        missing = [name for name in self.required_columns if name not in canonical]
        if missing:
            raise uploads.UploadRejected(
                _("Missing columns: %(columns)s.")
                % {"columns": ", ".join(f"“{name}”" for name in missing)}
            )
        self.written_headers = dict(zip(canonical, dataset.headers, strict=True))
        self.lines = getattr(dataset, "dtm_lines", None) or list(range(2, len(dataset) + 2))
        dataset.headers = canonical
        self.reject_repeated_keys(dataset)

    def reject_repeated_keys(self, dataset) -> None:
        """Two rows for the same key would silently merge into one: refuse the file."""
        key_fields = [self.fields[name] for name in self.get_import_id_fields()]
        key_columns = [field.column_name for field in key_fields]
        seen: dict[tuple, int] = {}
        for index, row in enumerate(dataset.dict):
            # Cleaned as the import will clean them, so "6652" and "06652" are one unit.
            key = tuple(str(_key_part(field, row.get(field.column_name))) for field in key_fields)
            line = self.line_of(index + 1)
            if key in seen:
                raise uploads.UploadRejected(
                    _("Lines %(first)s and %(second)s have the same %(columns)s (%(key)s).")
                    % {
                        "first": seen[key],
                        "second": line,
                        "columns": ", ".join(f"“{c}”" for c in key_columns),
                        "key": " / ".join(key),
                    }
                )
            seen[key] = line

    def line_of(self, number: int) -> int:
        """The line in the user's file of import-export's row `number` (1-based)."""
        lines = getattr(self, "lines", None)
        return lines[number - 1] if lines and number <= len(lines) else number + 1

    def column_of(self, field_name: str) -> str:
        """The header the user wrote for a model field named in a validation error."""
        for field in self.get_import_fields():
            if field_name in (field.attribute, field.column_name):
                return getattr(self, "written_headers", {}).get(
                    field.column_name, field.column_name
                )
        return field_name

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        result.dtm_errors = self.plain_errors(result)

    def plain_errors(self, result) -> list[dict]:
        if result.base_errors:
            # The file as a whole is wrong (e.g. unknown columns): row errors would be noise.
            return [
                {"line": None, "column": "", "message": str(error.error)}
                for error in result.base_errors
            ]
        errors = []
        for row in result.invalid_rows:
            for field_name, messages in row.error_dict.items():
                column = "" if field_name == NON_FIELD_ERRORS else self.column_of(field_name)
                for message in messages:
                    errors.append(
                        {"line": self.line_of(row.number), "column": column, "message": message}
                    )
        for number, row_errors in result.row_errors():
            for error in row_errors:
                errors.append(
                    {"line": self.line_of(number), "column": "", "message": str(error.error)}
                )
        # In file order (target rows are imported counts first, see TargetResource).
        return sorted(errors, key=lambda error: error["line"])


# --- Admin ---------------------------------------------------------------------------------


class UploadForm(ImportForm):
    """import-export's form, with the cheap checks (type by name, size) before any reading."""

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        try:
            uploads.check_upload(upload.name, upload.size)
            head = upload.read(len(uploads.ZIP_MAGIC))
            upload.seek(0)
            uploads.check_content_matches_name(upload.name, head)
        except uploads.UploadRejected as error:
            raise forms.ValidationError(str(error)) from None
        return upload


class ColumnNamesExportForm(SelectableFieldsExportForm):
    """The export page's field choices read as the file's columns ("Tên chỉ tiêu"), not as
    import-export's English rendering of attribute names ("Name Vi (Tên chỉ tiêu)")."""

    def _get_field_label(self, resource, field_name: str) -> str:
        field = resource.fields.get(field_name)
        return field.column_name if field and field.column_name else field_name


class SafeImportExportMixin(ImportExportMixin):
    """Use instead of ImportExportMixin in every dtmonitor admin; combine with
    SimpleHistoryAdmin as `class XAdmin(SafeImportExportMixin, SimpleHistoryAdmin)`."""

    import_formats = [SpreadsheetFormat]
    export_formats = [SafeXLSX, SafeCSV]
    import_form_class = UploadForm
    export_form_class = ColumnNamesExportForm
    import_template_name = "admin/dtmonitor/import.html"

    def has_import_permission(self, request):
        # import-export lets any staff member import unless a setting says otherwise; an
        # import adds and changes rows, so it needs both model permissions.
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def get_import_data_kwargs(self, **kwargs):
        kwargs = super().get_import_data_kwargs(**kwargs)
        # Validation errors also roll the whole file back (import-export skips them otherwise).
        kwargs["rollback_on_validation_errors"] = True
        return kwargs

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, uploads.UploadRejected):
            form.add_error("import_file", str(e))
        else:
            form.add_error("import_file", _("The file cannot be read as CSV or Excel (.xlsx)."))

    def process_import(self, request, **kwargs):
        try:
            return super().process_import(request, **kwargs)
        except FileNotFoundError:
            # The stored upload is removed once imported: a second click on "Confirm import"
            # (or an old tab) lands here.
            self.message_user(
                request, _("This file was already imported, or its preview has expired."),
                level="warning",
            )
            return self._redirect_to_import()

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            # Only possible if the data changed between preview and confirmation; the
            # transaction was rolled back, so say so instead of reporting success.
            self.message_user(
                request, _("Nothing was imported: the file no longer passes the checks."),
                level="error",
            )
            return self._redirect_to_import()
        return super().process_result(result, request)

    def _redirect_to_import(self):
        from django.http import HttpResponseRedirect

        app_label, model_name = self.get_model_info()
        return HttpResponseRedirect(reverse(f"admin:{app_label}_{model_name}_import"))

    def add_success_message(self, result, request):
        totals = result.totals
        self.message_user(
            request,
            _("Import finished: %(new)s new, %(changed)s changed, %(unchanged)s unchanged.")
            % {
                "new": totals["new"],
                "changed": totals["update"],
                "unchanged": totals["skip"],
            },
        )

    def get_urls(self):
        app_label, model_name = self.get_model_info()
        return [
            path(
                "import-template.<str:extension>",
                self.admin_site.admin_view(self.template_view),
                name=f"{app_label}_{model_name}_import_template",
            ),
        ] + super().get_urls()

    def template_view(self, request, extension: str):
        """An empty file with the expected headers (Vietnamese), to fill in."""
        from django.core.exceptions import PermissionDenied
        from django.http import Http404

        if not self.has_import_permission(request):
            raise PermissionDenied
        resource = self.get_import_resource_classes(request)[0]()
        headers = [field.column_name for field in resource.get_import_fields()]
        name = f"{self.model._meta.model_name}-template.{extension}"
        if extension == "csv":
            buffer = io.StringIO()
            csv.writer(buffer).writerow(headers)
            body = "\ufeff" + buffer.getvalue()
            content_type = "text/csv; charset=utf-8"
        elif extension == "xlsx":
            body = tablib.Dataset(headers=headers).export("xlsx")
            content_type = SafeXLSX.CONTENT_TYPE
        else:
            raise Http404
        response = HttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    def get_import_context_data(self, **kwargs):
        context = super().get_import_context_data(**kwargs)
        context["limits"] = {
            "megabytes": uploads.MAX_UPLOAD_BYTES // (1024 * 1024),
            "rows": uploads.MAX_ROWS,
        }
        return context


# django-import-export ships no Vietnamese catalogue. Its templates and forms use these msgids
# in the same "django" domain, so listing them here puts them in our catalogue (locale/vi),
# which takes precedence, and the admin's import/export screens read Vietnamese.
LIBRARY_STRINGS = (
    gettext_lazy("Import"),
    gettext_lazy("Export"),
    gettext_lazy("Select all"),
    gettext_lazy("Submit"),
    gettext_lazy("This exporter will export the following fields: "),
    gettext_lazy("Resource"),
    gettext_lazy("Format"),
    gettext_lazy("File to import"),
    gettext_lazy("Export selected %(verbose_name_plural)s"),
    gettext_lazy('Select at least 1 field for "%(resource_name)s" to export'),
)


def _key_part(field, value):
    try:
        return field.widget.clean(value)
    except Exception:
        # An invalid key is reported by that row's own validation; compare it as text here.
        return TextWidget().clean(value)
