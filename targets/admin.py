from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from communes.admin_scope import ProvinceScopedAdmin
from core.importexport import SafeImportExportMixin

from .key_tasks import TaskStatus, record_progress
from .models import (
    KeyTask,
    KeyTaskUpdate,
    Pillar,
    Plan,
    ProcedureStatistics,
    Programme,
    ProgrammeTarget,
    ScienceTask,
    ScienceTaskStatistics,
    Target,
    TargetMeasurement,
)
from .resources import (
    KeyTaskResource,
    PillarResource,
    PlanResource,
    ScienceTaskResource,
    TargetResource,
)
from .status import task_status


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


class ProgrammeTargetInline(admin.TabularInline):
    model = ProgrammeTarget
    extra = 0
    fields = ("order", "code", "name_vi", "name_en", "unit", "qualifier", "target_value",
              "baseline", "baseline_year")


@admin.register(Programme)
class ProgrammeAdmin(ProvinceScopedAdmin, SimpleHistoryAdmin):
    province_path = "province"
    list_display = ("resolution_reference", "title", "province", "issued_on", "horizon_year")
    list_filter = ("province",)
    list_select_related = ("province",)
    search_fields = ("title", "resolution_reference")
    inlines = [ProgrammeTargetInline]


@admin.register(ProgrammeTarget)
class ProgrammeTargetAdmin(ProvinceScopedAdmin, SimpleHistoryAdmin):
    province_path = "programme__province"
    list_display = ("code", "name_vi", "programme", "qualifier", "target_value", "unit")
    list_filter = ("programme",)
    list_select_related = ("programme",)
    search_fields = ("code", "name_vi", "name_en")


class KeyTaskUpdateInline(admin.TabularInline):
    model = KeyTaskUpdate
    extra = 0
    fields = ("date", "progress", "note", "attachment", "author")
    readonly_fields = ("date", "progress", "note", "attachment", "author")
    can_delete = False

    def has_add_permission(self, request, obj=None):
        # New updates go through the "key task updates" page, which also moves the task.
        return False


@admin.register(KeyTask)
class KeyTaskAdmin(ProvinceScopedAdmin, SafeImportExportMixin, SimpleHistoryAdmin):
    province_path = "plan__province"
    resource_classes = [KeyTaskResource]
    list_display = ("code", "title", "plan", "lead_agency", "deadline", "progress",
                    "status_today", "is_reconstruction")
    list_filter = ("plan", "pillar", "lead_agency", "is_reconstruction")
    list_select_related = ("plan", "pillar")
    search_fields = ("code", "title", "lead_agency", "cooperating_agencies")
    inlines = [KeyTaskUpdateInline]

    @admin.display(description=_("status today"))
    def status_today(self, obj):
        return TaskStatus(task_status(obj, timezone.localdate())).label


@admin.register(KeyTaskUpdate)
class KeyTaskUpdateAdmin(ProvinceScopedAdmin, SimpleHistoryAdmin):
    province_path = "task__plan__province"
    """Progress reports; saving one moves its task to the progress of its latest update."""

    list_display = ("task", "date", "progress", "author")
    list_filter = ("task__plan", "task")
    list_select_related = ("task", "author")
    date_hierarchy = "date"
    autocomplete_fields = ("task",)
    readonly_fields = ("author",)

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            latest = obj.task.updates.latest()
            obj.task.progress = latest.progress
            obj.task.save(update_fields=["progress"])
            return
        created = record_progress(
            obj.task, obj.date, obj.progress, note=obj.note, author=request.user,
            attachment=obj.attachment,
        )
        obj.pk = created.pk


@admin.register(ScienceTask)
class ScienceTaskAdmin(ProvinceScopedAdmin, SafeImportExportMixin, SimpleHistoryAdmin):
    province_path = "province"
    resource_classes = [ScienceTaskResource]
    list_display = ("code", "title", "field", "kind", "stage", "results_applied",
                    "receiving_unit", "is_demo")
    list_filter = ("province", "field", "kind", "stage", "results_applied", "is_demo")
    list_select_related = ("province",)
    search_fields = ("code", "title", "host_organisation", "receiving_unit")


@admin.register(ScienceTaskStatistics)
class ScienceTaskStatisticsAdmin(ProvinceScopedAdmin, SimpleHistoryAdmin):
    province_path = "province"
    list_display = ("province", "as_of", "transitional", "new", "results_applied")
    list_filter = ("province",)
    list_select_related = ("province",)
