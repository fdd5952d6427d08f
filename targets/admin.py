from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from communes.admin_scope import ProvinceScopedAdmin
from core.importexport import SafeImportExportMixin

from .models import (
    Pillar,
    Plan,
    ProcedureStatistics,
    Target,
    TargetMeasurement,
)
from .resources import PillarResource, PlanResource, TargetResource


# The import-export mixin comes first so that its URLs and change-list buttons wrap the
# history admin's; both call super(), so the history views stay available.
@admin.register(Plan)
class PlanAdmin(ProvinceScopedAdmin, SafeImportExportMixin, SimpleHistoryAdmin):
    resource_classes = [PlanResource]
    list_display = ("year", "title", "province", "decision_reference", "is_reconstruction")
    list_filter = ("province", "is_reconstruction")
    list_select_related = ("province",)
    search_fields = ("title", "decision_reference")


@admin.register(Pillar)
class PillarAdmin(SafeImportExportMixin, SimpleHistoryAdmin):
    # Pillars have no province: every province's plans share them, and province
    # administrators still edit them (their plans' pillars); a province-owned list is a
    # later step of issue 9.
    resource_classes = [PillarResource]
    list_display = ("code", "name_vi", "name_en", "order")
    search_fields = ("code", "name_vi", "name_en")


@admin.register(Target)
class TargetAdmin(ProvinceScopedAdmin, SafeImportExportMixin, SimpleHistoryAdmin):
    resource_classes = [TargetResource]
    list_display = (
        "code", "name_vi", "pillar", "unit", "target_value", "deadline", "source",
        "aggregation", "counts_in_plan", "manual_status", "responsible_agency",
    )
    list_filter = (
        "plan", "pillar", "source", "unit", "counts_in_plan", "manual_status",
        "responsible_agency",
    )
    search_fields = ("code", "name_vi", "name_en", "responsible_agency")
    list_select_related = ("pillar", "plan")
    autocomplete_fields = ("numerator", "denominator")
    fieldsets = (
        (None, {"fields": ("plan", "code", "name_vi", "name_en", "pillar", "counts_in_plan")}),
        (_("Value"), {"fields": ("unit", "direction", "baseline", "target_value", "deadline")}),
        (
            _("How it is measured"),
            {"fields": ("source", "aggregation", "numerator", "denominator", "is_cumulative")},
        ),
        (_("Follow-up"), {"fields": ("responsible_agency", "manual_status", "reference")}),
    )

    def changelist_view(self, request, extra_context=None):
        reconstructed = Plan.objects.visible_to(request.user).filter(is_reconstruction=True)
        for plan in reconstructed:
            self.message_user(
                request,
                _(
                    "The targets of “%(plan)s” are a reconstruction from published indicators: "
                    "the official list is not public. Replace them with the province's own "
                    "list by importing it."
                )
                % {"plan": plan},
                level="warning",
            )
        return super().changelist_view(request, extra_context)


@admin.register(ProcedureStatistics)
class ProcedureStatisticsAdmin(ProvinceScopedAdmin, SimpleHistoryAdmin):
    province_path = "province"
    list_display = (
        "province", "as_of", "total_procedures", "online_eligible", "fully_online_percent",
        "fully_online_is_lower_bound",
    )
    list_select_related = ("province",)
    list_filter = ("province",)
    date_hierarchy = "as_of"


@admin.register(TargetMeasurement)
class TargetMeasurementAdmin(ProvinceScopedAdmin, SimpleHistoryAdmin):
    """Values of province-level targets; each change is kept in the history."""

    province_path = "target__plan__province"

    list_display = ("target", "date", "value", "entered_by", "updated_at")
    list_filter = ("target__plan", "target__pillar", "target")
    search_fields = ("target__code", "target__name_vi", "note")
    date_hierarchy = "date"
    list_select_related = ("target", "entered_by")
    autocomplete_fields = ("target",)
    readonly_fields = ("entered_by", "updated_at")

    def save_model(self, request, obj, form, change):
        obj.entered_by = request.user
        super().save_model(request, obj, form, change)
