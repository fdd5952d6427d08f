from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from communes.admin_scope import NationalOrProvinceAdmin, ProvinceScopedAdmin
from core.readonly_admin import ReadOnlyAdmin

from .models import (
    DailyReport,
    DayUnlock,
    Holiday,
    Notice,
    ReminderSent,
    ReportingSettings,
    ReportRevision,
    ReportValue,
    RollupRequest,
    ValueChange,
)


class ReportValueInline(admin.TabularInline):
    model = ReportValue
    extra = 0
    autocomplete_fields = ("target",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("target")


class ReportRevisionInline(admin.TabularInline):
    """The report's audit trail, read-only: it is written by reports.services only."""

    model = ReportRevision
    extra = 0
    can_delete = False
    fields = ("version", "kind", "changed_by", "changed_at", "comment", "text_changes")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(DailyReport)
class DailyReportAdmin(ProvinceScopedAdmin, SimpleHistoryAdmin):
    list_display = (
        "date", "commune", "status", "is_late", "submitted_by", "submitted_at", "version"
    )
    list_filter = ("status", "is_late", "date", "commune__kind", "commune__former_area")
    search_fields = ("commune__name", "commune__code", "note", "blockers")
    date_hierarchy = "date"
    list_select_related = ("commune", "submitted_by")
    autocomplete_fields = ("commune", "submitted_by")
    inlines = [ReportValueInline, ReportRevisionInline]


@admin.register(ReportValue)
class ReportValueAdmin(ProvinceScopedAdmin, SimpleHistoryAdmin):
    province_path = "report__commune__province"
    list_display = ("report", "target", "value")
    list_filter = ("target__pillar", "target")
    search_fields = ("report__commune__name", "target__code")
    list_select_related = ("report__commune", "target")
    autocomplete_fields = ("report", "target")


@admin.register(ReportingSettings)
class ReportingSettingsAdmin(NationalOrProvinceAdmin, SimpleHistoryAdmin):
    """The national default rules (read-only below superusers) and each province's override,
    which its administrators add and edit (reports.deadlines.rules_for picks the one that
    applies)."""

    list_display = ("__str__", "applies_to", "expected_days", "cutoff_days_after", "cutoff_time",
                    "backfill_days")
    list_select_related = ("province",)
    fields = ("province", "expected_days", "cutoff_days_after", "cutoff_time", "backfill_days")

    def get_changeform_initial_data(self, request):
        # A province's override starts from the national rules, for its own province.
        national = ReportingSettings.current()
        initial = {name: getattr(national, name) for name in self.fields if name != "province"}
        if not request.user.reads_all_provinces:
            initial["province"] = request.user.province_id
        return {**initial, **super().get_changeform_initial_data(request)}


@admin.register(Holiday)
class HolidayAdmin(NationalOrProvinceAdmin, SimpleHistoryAdmin):
    """National holidays (read-only below superusers) and each province's own extra days off,
    which its administrators add and edit."""

    list_display = ("date", "name", "applies_to")
    list_filter = ("province",)
    list_select_related = ("province",)
    date_hierarchy = "date"
    search_fields = ("name",)
    fields = ("date", "name", "province")


@admin.register(DayUnlock)
class DayUnlockAdmin(ProvinceScopedAdmin, SimpleHistoryAdmin):
    """Reopen one past day for one unit beyond the backfill window (reports.deadlines)."""

    province_path = "commune__province"
    list_display = ("date", "commune", "unlocked_by", "reason", "created_at")
    list_filter = ("date",)
    search_fields = ("commune__name", "commune__code", "reason")
    list_select_related = ("commune", "unlocked_by")
    autocomplete_fields = ("commune",)
    exclude = ("unlocked_by",)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.unlocked_by = request.user
        super().save_model(request, obj, form, change)


class ValueChangeInline(admin.TabularInline):
    model = ValueChange
    extra = 0
    can_delete = False
    fields = ("target", "old_value", "new_value")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("target")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ReportRevision)
class ReportRevisionAdmin(ProvinceScopedAdmin, admin.ModelAdmin):
    province_path = "report__commune__province"
    list_display = ("report", "version", "kind", "changed_by", "changed_at")
    list_filter = ("kind",)
    search_fields = ("report__commune__name", "comment")
    list_select_related = ("report__commune", "changed_by")
    readonly_fields = (
        "report", "version", "kind", "changed_by", "changed_at", "comment", "text_changes"
    )
    inlines = [ValueChangeInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RollupRequest)
class RollupRequestAdmin(ProvinceScopedAdmin, ReadOnlyAdmin):
    """Unit-days whose roll-up has not run yet: empty in normal operation; rows that stay
    mean the broker or the workers are down (the sweeper clears them once they are back)."""

    province_path = "commune__province"
    list_display = ("date", "commune", "requested_at")
    search_fields = ("commune__name", "commune__code")
    list_select_related = ("commune",)


@admin.register(ReminderSent)
class ReminderSentAdmin(ProvinceScopedAdmin, ReadOnlyAdmin):
    province_path = "commune__province"
    list_display = ("date", "commune", "sent_at", "recipients")
    search_fields = ("commune__name", "recipients")
    list_select_related = ("commune",)


@admin.register(Notice)
class NoticeAdmin(ProvinceScopedAdmin, admin.ModelAdmin):
    province_path = "user__province"
    list_display = ("created_at", "user", "commune", "date", "dismissed_at")
    list_filter = ("dismissed_at",)
    search_fields = ("user__username", "commune__name", "message")
    list_select_related = ("user", "commune")
    raw_id_fields = ("user", "commune")
