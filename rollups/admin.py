"""The roll-up tables in the admin: read-only, written only by the roll-up jobs."""

from django.contrib import admin

from communes.admin_scope import ProvinceScopedAdmin
from core.readonly_admin import ReadOnlyAdmin

from .models import CommuneDay, CommuneTargetDay, ComplianceDay, PlanDay, TargetDay


@admin.register(TargetDay)
class TargetDayAdmin(ProvinceScopedAdmin, ReadOnlyAdmin):
    province_path = "target__plan__province"
    list_display = ("date", "target", "value", "completion_percent", "projected_value", "status",
                    "updated_at")
    list_filter = ("status", "target__plan", "target__pillar")
    search_fields = ("target__code",)
    list_select_related = ("target",)


@admin.register(CommuneTargetDay)
class CommuneTargetDayAdmin(ProvinceScopedAdmin, ReadOnlyAdmin):
    province_path = "commune__province"
    list_display = ("date", "target", "commune", "value", "completion", "updated_at")
    list_filter = ("target__plan", "target")
    search_fields = ("target__code", "commune__name")
    list_select_related = ("target", "commune")


@admin.register(PlanDay)
class PlanDayAdmin(ProvinceScopedAdmin, ReadOnlyAdmin):
    province_path = "plan__province"
    list_display = ("date", "plan", "total", "completed", "on_track", "at_risk", "behind",
                    "overdue", "no_data", "updated_at")
    list_filter = ("plan",)
    list_select_related = ("plan",)


@admin.register(CommuneDay)
class CommuneDayAdmin(ProvinceScopedAdmin, ReadOnlyAdmin):
    province_path = "commune__province"
    list_display = ("date", "commune", "expected", "outcome", "report", "updated_at")
    list_filter = ("outcome", "expected", "commune__kind")
    search_fields = ("commune__name", "commune__code")
    list_select_related = ("commune", "report__commune")


@admin.register(ComplianceDay)
class ComplianceDayAdmin(ProvinceScopedAdmin, ReadOnlyAdmin):
    province_path = "province"
    list_display = ("date", "province", "expected", "actual", "on_time", "late", "returned",
                    "updated_at")
    list_filter = ("province",)
    list_select_related = ("province",)
