import csv
import io

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core import ratelimit, uploads
from core.importexport import SafeImportExportMixin

from . import accounts, roles, tokens, two_factor
from .admin_scope import NationalDataAdmin, ProvinceScopedAdmin, _scoped
from .models import AccountLinkBatch, ApiToken, Commune, Province, User
from .resources import CommuneResource


@admin.register(Province)
class ProvinceAdmin(ProvinceScopedAdmin, NationalDataAdmin, admin.ModelAdmin):
    """Provinces come from `load_units` (official codes and names): read-only below
    superusers. No django-simple-history here (Province keeps none): its "History" is the
    admin's own log, which answered 500 under SimpleHistoryAdmin."""

    list_display = ("code", "name")
    search_fields = ("code", "name")


@admin.register(Commune)
class CommuneAdmin(ProvinceScopedAdmin, SafeImportExportMixin, SimpleHistoryAdmin):
    resource_classes = [CommuneResource]
    list_display = (
        "code", "name", "kind", "former_area", "is_active", "focal_point_assigned",
        "steering_committee_date", "action_plan_date", "service_centre_equipped", "staff_count",
    )
    list_filter = (
        "province", "kind", "is_active", "focal_point_assigned", "support_team_set_up",
        "service_centre_equipped", "former_area",
    )
    search_fields = ("code", "name", "former_area")
    list_select_related = ("province",)
    fieldsets = (
        (None, {"fields": ("province", "code", "name", "kind", "former_area", "is_active")}),
        (_("Size"), {"fields": ("area_km2", "population", "staff_count")}),
        (
            _("Readiness checklist"),
            {
                "fields": (
                    "steering_committee_date", "steering_committee_decision",
                    "focal_point_assigned", "support_team_set_up", "action_plan_date",
                    "service_centre_equipped",
                )
            },
        ),
    )


class ScopedUserChangeForm(UserChangeForm):
    def clean_email(self):
        # Without regard to case, as the database's constraint: one address, one account.
        email = self.cleaned_data.get("email", "")
        taken = User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk)
        if email and taken.exists():
            raise forms.ValidationError(
                _("The account “%(owner)s” already has this email address.")
                % {"owner": taken.first().username}
            )
        return email

    def clean(self):
        cleaned = super().clean()
        province, units = cleaned.get("province"), cleaned.get("communes")
        if province is not None and units:
            outside = [unit.name for unit in units if unit.province_id != province.pk]
            if outside:
                self.add_error("communes", _(
                    "These units are not in %(province)s: %(units)s."
                ) % {"province": province, "units": ", ".join(outside)})
        return cleaned


@admin.register(User)
class UserAdmin(ProvinceScopedAdmin, DjangoUserAdmin, SimpleHistoryAdmin):
    province_path = "province"
    form = ScopedUserChangeForm
    list_display = (
        "username", "full_name", "email", "phone", "scope", "province", "is_active", "is_staff"
    )
    list_filter = ("is_active", "is_staff", "scope", "province", "groups", "communes__former_area")
    list_select_related = ("province",)
    search_fields = ("username", "full_name", "email", "phone", "communes__name")
    filter_horizontal = ("groups", "user_permissions", "communes")
    fieldsets = DjangoUserAdmin.fieldsets + (
        (_("dtmonitor"), {"fields": ("full_name", "phone", "scope", "province", "communes")}),
        (_("Two-factor authentication"), {"fields": ("two_factor_state",)}),
    )
    actions = ["reset_two_factor"]
    add_fieldsets = (
        (None, {"classes": ("wide",),
                "fields": ("username", "usable_password", "password1", "password2",
                           "scope", "province")}),
    )

    def get_queryset(self, request):
        # A superuser's account is out of reach (its page, its password form, its history)
        # for everyone but superusers: otherwise an administrator could take it over.
        accounts = super().get_queryset(request)
        if not request.user.is_superuser:
            accounts = accounts.filter(is_superuser=False)
        return accounts

    @admin.display(description=_("two-factor authentication"))
    def two_factor_state(self, obj):
        if obj.pk and two_factor.has_two_factor(obj):
            return _("On (%(left)s recovery codes left)") % {
                "left": two_factor.recovery_codes_left(obj)
            }
        return _("Off")

    @admin.action(description=_("Reset two-factor authentication (lost phone)"),
                  permissions=["change"])
    def reset_two_factor(self, request, queryset):
        # The queryset is this administrator's scope: their province, no superusers.
        reset = [account for account in queryset if two_factor.reset(account)]
        for account in reset:
            self.log_change(request, account, _("Two-factor authentication reset."))
        self.message_user(request, _(
            "Two-factor authentication reset for %(count)s accounts: they enrol again at their "
            "next login."
        ) % {"count": len(reset)}, messages.SUCCESS)

    def get_readonly_fields(self, request, obj=None):
        # Only superusers make superusers or staff, or grant permissions outside the roles;
        # for everyone else staff status follows the administrators role (save_related).
        readonly = (*super().get_readonly_fields(request, obj), "two_factor_state")
        if not request.user.is_superuser:
            readonly = (*readonly, "is_superuser", "is_staff", "user_permissions")
        return readonly

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not request.user.is_superuser:
            account = form.instance
            staff = account.groups.filter(name=roles.ADMINISTRATORS).exists()
            if account.is_staff != staff:
                account.is_staff = staff
                account.save(update_fields=["is_staff"])

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        # National (read-everything) accounts are made by superusers only.
        if db_field.name == "scope" and not request.user.reads_all_provinces:
            kwargs["choices"] = [
                (value, label) for value, label in User.Scope.choices
                if value != User.Scope.NATIONAL
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    change_list_template = "admin/communes/user/change_list.html"

    def get_urls(self):
        own = [
            path("import-accounts/", self.admin_site.admin_view(self.import_accounts_view),
                 name="communes_user_import_accounts"),
            path("import-accounts/template.<str:extension>",
                 self.admin_site.admin_view(self.accounts_template_view),
                 name="communes_user_accounts_template"),
            path("import-accounts/links/<int:batch_id>/",
                 self.admin_site.admin_view(self.download_links_view),
                 name="communes_user_download_links"),
        ]
        return own + super().get_urls()

    def _check_import_permission(self, request) -> None:
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied

    def import_accounts_view(self, request):
        """Upload → preview (nothing saved) → confirm; the rows wait in the session between
        the two steps and are checked again when confirmed."""
        self._check_import_permission(request)
        if request.method == "POST":
            refused = ratelimit.check(request, "import", ratelimit.by_account)
            if refused is not None:
                return refused
        form = AccountsUploadForm(request.POST or None, request.FILES or None)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts, "title": _("Import accounts"), "form": form,
            "limits": {"megabytes": uploads.MAX_UPLOAD_BYTES // (1024 * 1024),
                       "rows": uploads.MAX_ROWS},
            "columns": [names[0] for names in accounts.COLUMNS.values()],
        }
        template = "admin/communes/user/import_accounts.html"
        if request.method == "POST" and "confirm" in request.POST:
            stored = request.session.pop(SESSION_KEY, None)
            if not stored:
                messages.error(request, _("The preview has expired; upload the file again."))
                return redirect("admin:communes_user_import_accounts")
            rows = [accounts.AccountRow(**row) for row in stored]
            result = accounts.import_accounts(
                rows, actor=request.user, dry_run=False,
                link_base=request.build_absolute_uri("/"),
                expected_preview=request.session.pop(DIGEST_KEY, ""),
            )
            if result.stale:
                messages.warning(request, _(
                    "Nothing was imported: these accounts changed since the preview (another "
                    "administrator or import). Upload the file again to see what it would "
                    "change now."
                ))
                return redirect("admin:communes_user_import_accounts")
            if result.conflict:
                messages.warning(request, _(
                    "Nothing was imported: another import created or changed these accounts at "
                    "the same moment (e.g. “Confirm import” clicked twice). Upload the file "
                    "again to see what it would still change."
                ))
                return redirect("admin:communes_user_import_accounts")
            if result.errors:
                context["result"] = result
                return TemplateResponse(request, template, context)
            messages.success(request, _(
                "Accounts imported: %(new)s new, %(changed)s changed, %(unchanged)s unchanged."
            ) % {"new": len(result.new), "changed": len(result.changed),
                 "unchanged": len(result.unchanged)})
            context.update(result=result, done=True, form=None)
            return TemplateResponse(request, template, context)
        if request.method == "POST":
            # A new upload replaces whatever an earlier preview left waiting.
            request.session.pop(SESSION_KEY, None)
            request.session.pop(DIGEST_KEY, None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["import_file"]
            try:
                dataset = uploads.read_table(
                    upload.read(), upload.name, header_names=accounts.known_headers()
                )
            except uploads.UploadRejected as error:
                form.add_error("import_file", str(error))
            else:
                rows, errors = accounts.parse_rows(dataset)
                result = accounts.import_accounts(rows, actor=request.user, dry_run=True)
                result.errors = errors + result.errors
                context["result"] = result
                if not result.errors:
                    request.session[SESSION_KEY] = [row.__dict__ for row in rows]
                    context["confirm"] = True
                    context["preview"] = accounts.preview(rows, result)
                    request.session[DIGEST_KEY] = context["preview"].digest
        return TemplateResponse(request, template, context)

    def accounts_template_view(self, request, extension):
        self._check_import_permission(request)
        headers = [names[0] for names in accounts.COLUMNS.values()]
        if extension == "csv":
            buffer = io.StringIO()
            csv.writer(buffer).writerow(headers)
            body, content_type = "\ufeff" + buffer.getvalue(), "text/csv; charset=utf-8"
        elif extension == "xlsx":
            import tablib

            body = tablib.Dataset(headers=headers).export("xlsx")
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        else:
            raise Http404
        response = HttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="accounts-template.{extension}"'
        return response

    def download_links_view(self, request, batch_id):
        self._check_import_permission(request)
        content = accounts.claim_links(batch_id, request.user)
        if content is None:
            return HttpResponse(
                _("These links were already downloaded, or they are not yours."),
                status=410, content_type="text/plain; charset=utf-8",
            )
        response = HttpResponse("\ufeff" + content, content_type="text/csv; charset=utf-8")
        name = f"set-password-links-{batch_id}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response["Cache-Control"] = "no-store"
        return response


SESSION_KEY = "dtmonitor_account_import"
# The fingerprint of the preview shown with those rows: the confirmation must match it.
DIGEST_KEY = "dtmonitor_account_import_preview"


class AccountsUploadForm(forms.Form):
    import_file = forms.FileField(label=_("File to import"))

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        try:
            uploads.check_upload(upload.name, upload.size)
        except uploads.UploadRejected as error:
            raise forms.ValidationError(str(error)) from None
        return upload


@admin.register(AccountLinkBatch)
class AccountLinkBatchAdmin(ProvinceScopedAdmin, admin.ModelAdmin):
    """What was issued and whether it was downloaded; the links themselves never show here."""

    province_path = "created_by__province"
    list_display = ("created_at", "created_by", "account_count", "downloaded_at")
    fields = ("created_at", "created_by", "account_count", "downloaded_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(ProvinceScopedAdmin, admin.ModelAdmin):
    """Tokens of the accounts this administrator manages. The secret is shown once, on the page
    that follows "Save"; afterwards only its prefix is known. Revoke rather than delete, so the
    record of who had access stays."""

    province_path = "user__province"
    list_display = ("name", "prefix", "user", "created_at", "expires_at", "last_used_at",
                    "revoked_at")
    list_filter = ("revoked_at",)
    list_select_related = ("user",)
    search_fields = ("name", "prefix", "user__username")
    fields = ("user", "name", "expires_at", "prefix", "created_by", "created_at",
              "last_used_at", "revoked_at")
    readonly_fields = ("prefix", "created_by", "created_at", "last_used_at", "revoked_at")
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):
        return (*self.readonly_fields, "user") if obj is not None else self.readonly_fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            # Accounts of the administrator's province only (User has no `visible_to`).
            kwargs["queryset"] = _scoped(User.objects.filter(is_active=True), request.user,
                                         "province").order_by("username")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            request._new_api_token = obj.issue()
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        context = {
            **self.admin_site.each_context(request), "opts": self.opts, "token": obj,
            "secret": request._new_api_token, "title": _("API token created"),
        }
        response = TemplateResponse(request, "admin/communes/apitoken/created.html", context)
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description=_("Revoke the selected tokens"), permissions=["change"])
    def revoke(self, request, queryset):
        count = tokens.revoke(queryset)
        messages.success(request, _("%(count)s token(s) revoked.") % {"count": count})
