from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import DailyReport, Holiday, ReportingSettings, ReportValue


class ReportValueInline(admin.TabularInline):
    model = ReportValue
    extra = 0
    autocomplete_fields = ("target",)


@admin.register(DailyReport)
class DailyReportAdmin(SimpleHistoryAdmin):
    list_display = ("date", "commune", "status", "is_late", "submitted_by", "submitted_at")
    list_filter = ("status", "is_late", "date", "commune__kind", "commune__former_area")
    search_fields = ("commune__name", "commune__code", "note", "blockers")
    date_hierarchy = "date"
    list_select_related = ("commune", "submitted_by")
    autocomplete_fields = ("commune", "submitted_by")
    inlines = [ReportValueInline]


@admin.register(ReportValue)
class ReportValueAdmin(SimpleHistoryAdmin):
    list_display = ("report", "target", "value")
    list_filter = ("target__pillar", "target")
    search_fields = ("report__commune__name", "target__code")
    list_select_related = ("report__commune", "target")
    autocomplete_fields = ("report", "target")


@admin.register(ReportingSettings)
class ReportingSettingsAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "expected_days", "cutoff_days_after", "cutoff_time", "backfill_days")

    def has_add_permission(self, request):
        return not ReportingSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Holiday)
class HolidayAdmin(SimpleHistoryAdmin):
    list_display = ("date", "name")
    date_hierarchy = "date"
    search_fields = ("name",)
