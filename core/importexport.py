"""django-import-export, the dtmonitor way: one upload format, safe exports, plain messages.

- Imports read CSV or XLSX through `core.uploads` (size, type, zip bomb, rows, encoding).
- Headers are matched in Vietnamese or English; an unknown column stops the import. Title
  rows above the headers are skipped (the header row is the first holding a known name).
- Numbers are read by `core.numbers`, the daily form's reader; a cell that already holds a
  number or a date (XLSX) is taken as that value. A percentage (a cell formatted as one, or
  "85%") is read as the number it shows, only in columns that take percentages.
- Text is trimmed and NFC; the apostrophe an export put before a formula is removed.
- Every import runs in one transaction; one bad row and nothing is written.
- Errors are listed as (line in the file, column as the user wrote it, plain message).
- Exports go through `core.exports.neutralise`, so no cell can run as a formula.
"""

import csv
import io

import tablib
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, ValidationError
from django.db import DatabaseError
from django.http import HttpResponse
from django.urls import path, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import resources, widgets
from import_export.admin import ImportExportMixin
from import_export.formats import base_formats
from import_export.forms import ConfirmImportForm, ImportForm, SelectableFieldsExportForm

from . import import_preview, numbers, ratelimit, uploads
from .exports import neutralise
from .text import nfc

# --- Formats -------------------------------------------------------------------------------


class SpreadsheetFormat(base_formats.Format):
    """The one import format: CSV or XLSX, recognised from the content. `resource_class`
    (set per admin, see `SafeImportExportMixin.get_import_formats`) names the columns the
    file may have, so the header row is found below any title rows."""

    resource_class = None

    def __init__(self, encoding=None):
        self.encoding = encoding

    def get_title(self):
        return "CSV / XLSX"

    def create_dataset(self, in_stream):
        names = self.resource_class.known_headers() if self.resource_class else None
        return uploads.read_table(bytes(in_stream), header_names=names)

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


def is_percentage(value) -> bool:
    """Whether a cell holds a percentage: formatted as one (XLSX) or written "85%"."""
    return isinstance(value, uploads.Percentage) or (
        isinstance(value, str) and value.strip().endswith("%")
    )


class DecimalWidget(widgets.DecimalWidget):
    """A number, by the same rule as the daily form (`core.numbers.parse_number`).

    With `percentages=True` a percentage is read as the number it shows (a cell formatted
    as 85% stores 0.85: it is 85); the resource decides whether the row's unit allows it.
    Elsewhere a percentage is refused: 85% of what, is not for the import to guess.
    """

    def __init__(self, *args, percentages: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.percentages = percentages

    def clean(self, value, row=None, **kwargs):
        if is_percentage(value):
            if not self.percentages:
                raise ValueError(
                    _("“%(value)s” is a percentage; this column takes a plain number.")
                    % {"value": shown(value)}
                )
            if isinstance(value, str):
                value = value.strip()[:-1]
        return _number_in_cell(value, numbers.parse_number)


def shown(value) -> str:
    """A cell's value as the spreadsheet showed it (a percentage with its sign)."""
    if isinstance(value, uploads.Percentage):
        return numbers.format_number(value.normalize()) + "%"
    return str(value).strip()


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
        return nfc(str(value).strip())


class CodeWidget(TextWidget):
    """A code such as a unit's "06685": Excel turns it into the number 6685, put the zeros back
    when the code has a fixed width; "06685.0" (a number cell's value typed as text) is the
    code 06685."""

    def __init__(self, width: int | None = None):
        super().__init__()
        self.width = width

    def clean(self, value, row=None, **kwargs):
        text = whole_number_code(super().clean(value, row, **kwargs))
        if self.width and text.isdigit() and len(text) < self.width:
            text = text.zfill(self.width)
        return text


def whole_number_code(text: str) -> str:
    """ "06685.0" → "06685": a code copied from a number cell keeps a zero fraction."""
    integer, dot, fraction = text.partition(".")
    if dot and integer.isdigit() and fraction and set(fraction) == {"0"}:
        return integer
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


def within_scope(queryset, actor):
    """The rows of `queryset` that `actor` may see, by the model's own scoping rule
    (`visible_to`); all of them for a model shared by everyone or an import without a user."""
    if actor is None or not hasattr(queryset, "visible_to"):
        return queryset
    return queryset.visible_to(actor)


def outside_scope_message(value, model) -> str:
    return _("“%(value)s” belongs to another province: you may import only your own "
             "(%(model)s).") % {"value": value, "model": model._meta.verbose_name}


class CodeForeignKeyWidget(widgets.ForeignKeyWidget):
    """A related row named by its code; a missing one is a plain message, not a traceback.
    Only rows the importing user may see are found (`actor`, set per import): one of another
    province is refused as such."""

    def __init__(self, model, field="code", **kwargs):
        super().__init__(model, field, **kwargs)
        self.actor = None

    def clean(self, value, row=None, **kwargs):
        text = TextWidget().clean(value)
        if not text:
            return None
        lookup = self.get_lookup_kwargs(text, row, **kwargs)
        queryset = self.get_queryset(text, row, **kwargs)
        try:
            return within_scope(queryset, self.actor).get(**lookup)
        except ObjectDoesNotExist:
            if self.actor is not None and queryset.filter(**lookup).exists():
                raise ValueError(outside_scope_message(text, self.model)) from None
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
    # Unknown columns named in the message: a sheet with 1.000 of them gets a short message.
    UNKNOWN_SHOWN = 5

    class Meta:
        use_transactions = True
        skip_unchanged = True
        report_skipped = True
        # Row by row, so django-simple-history records each change with its author.
        use_bulk = False
        clean_model_instances = True

    @classmethod
    def known_headers(cls) -> list[str]:
        """Every header the import accepts, as written (the template's first)."""
        declared = [field for field in cls.fields.values() if field.column_name]
        return [
            *(field.column_name for field in declared),
            *(field.attribute for field in declared if field.attribute),
            *(name for names in cls.aliases.values() for name in names),
        ]

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
        # The importing user (the admin passes it): related rows and the rows a file may
        # change are looked up within what they may see.
        self.actor = kwargs.get("user")
        for field in self.fields.values():
            if isinstance(field.widget, CodeForeignKeyWidget):
                field.widget.actor = self.actor
        accepted = self.accepted_headers()
        unknown = [h for h in dataset.headers if uploads.normalise_header(h) not in accepted]
        if unknown:
            listed = ", ".join(f"“{h}”" for h in unknown[: self.UNKNOWN_SHOWN])
            if len(unknown) > self.UNKNOWN_SHOWN:
                listed += " " + _("and %(count)s more") % {
                    "count": len(unknown) - self.UNKNOWN_SHOWN
                }
            raise uploads.UploadRejected(
                _("Unknown columns: %(columns)s. Use the headers of the template.")
                % {"columns": listed}
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

    def before_import_row(self, row, **kwargs):
        """Refuse, on its key column, a row whose key names something outside the user's scope
        (another province's unit or plan): nothing of another province is changed or moved."""
        super().before_import_row(row, **kwargs)
        actor = getattr(self, "actor", None)
        if actor is None:
            return
        lookup, errors = {}, {}
        key_fields = [self.fields[name] for name in self.get_import_id_fields()]
        for field in key_fields:
            try:
                lookup[field.attribute] = field.clean(row, **kwargs)
            except ValueError as error:
                errors[field.attribute] = [str(error)]
        if errors:
            raise ValidationError(errors)
        everyone = self._meta.model._default_manager.all()
        if (hasattr(everyone, "visible_to") and everyone.filter(**lookup).exists()
                and not within_scope(everyone, actor).filter(**lookup).exists()):
            field = key_fields[-1]
            raise ValidationError({field.attribute: [
                outside_scope_message(" / ".join(str(value) for value in lookup.values()),
                                      self._meta.model)]})

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

    def get_diff_class(self):
        # Each row's values as the preview shows them (labels, not codes), before and after.
        return import_preview.PreviewDiff

    def after_import_row(self, row, row_result, **kwargs):
        super().after_import_row(row, row_result, **kwargs)
        row_result.dtm_line = self.line_of(kwargs["row_number"])

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        result.dtm_errors = self.plain_errors(result)
        result.dtm_preview = import_preview.import_export_preview(
            self, result, lambda row: getattr(row, "dtm_line", None)
        )
        expected = kwargs.get("expected_preview")
        if expected and not result.has_errors() and not result.has_validation_errors() and (
            result.dtm_preview.digest != expected
        ):
            # Raised inside the import's transaction: import-export rolls it all back.
            raise PreviewChanged

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


class PreviewChanged(Exception):
    """The confirmation would write something else than the preview showed (the rows changed
    in between, e.g. another administrator's edit)."""


class ConfirmForm(ConfirmImportForm):
    """import-export's confirmation, carrying the fingerprint of the preview it confirms."""

    preview_digest = forms.CharField(widget=forms.HiddenInput())


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
    confirm_form_class = ConfirmForm
    export_form_class = ColumnNamesExportForm
    import_template_name = "admin/dtmonitor/import.html"

    def has_import_permission(self, request):
        # import-export lets any staff member import unless a setting says otherwise; an
        # import adds and changes rows, so it needs both model permissions.
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def get_import_formats(self):
        # The format reads the file knowing this admin's columns (to find the header row).
        resource_class = self.resource_classes[0] if self.resource_classes else None
        return [
            type(fmt.__name__, (fmt,), {"resource_class": resource_class})
            if isinstance(fmt, type) and issubclass(fmt, SpreadsheetFormat) else fmt
            for fmt in super().get_import_formats()
        ]

    def get_import_data_kwargs(self, **kwargs):
        form = kwargs.get("form")
        kwargs = super().get_import_data_kwargs(**kwargs)
        # Validation errors also roll the whole file back (import-export skips them otherwise).
        kwargs["rollback_on_validation_errors"] = True
        if isinstance(form, ConfirmForm):
            # The confirmation writes exactly what was previewed, or nothing.
            kwargs["expected_preview"] = form.cleaned_data["preview_digest"]
        return kwargs

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, uploads.UploadRejected):
            form.add_error("import_file", str(e))
        else:
            form.add_error("import_file", _("The file cannot be read as CSV or Excel (.xlsx)."))

    def import_action(self, request, **kwargs):
        # Uploads (previews) and confirmations both count toward the account's import limit.
        if request.method == "POST":
            refused = ratelimit.check(request, "import", ratelimit.by_account)
            if refused is not None:
                return refused
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None) or {}
        if context.get("confirm_form") is not None:
            digest = context["result"].dtm_preview.digest
            context["confirm_form"].initial["preview_digest"] = digest
        return response

    def export_action(self, request):
        if request.method == "POST":
            refused = ratelimit.check(request, "export", ratelimit.by_account)
            if refused is not None:
                return refused
        return super().export_action(request)

    def process_import(self, request, **kwargs):
        if request.method == "POST":
            refused = ratelimit.check(request, "import", ratelimit.by_account)
            if refused is not None:
                return refused
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
            self.message_user(request, _confirm_failure(result), level="error")
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


def _confirm_failure(result) -> str:
    """Why a confirmed import wrote nothing. A database error (a unique key taken by a row
    that did not exist at the preview) means another import or edit got there first: say so,
    not that the file is wrong."""
    errors = [error.error for _number, row_errors in result.row_errors() for error in row_errors]
    errors += [error.error for error in result.base_errors]
    if any(isinstance(error, PreviewChanged) for error in errors):
        return _(
            "Nothing was imported: these rows changed since the preview (another administrator "
            "or import). Upload the file again to see what it would change now."
        )
    if any(isinstance(error, DatabaseError) for error in errors):
        return _(
            "Nothing was imported: another import (or another administrator) changed these rows "
            "at the same moment. Upload the file again to see what it would change now."
        )
    return _("Nothing was imported: the file no longer passes the checks.")


def _key_part(field, value):
    try:
        return field.widget.clean(value)
    except Exception:
        # An invalid key is reported by that row's own validation; compare it as text here.
        return TextWidget().clean(value)
