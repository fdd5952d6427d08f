from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from dtmonitor.importexport import SafeImportExportMixin

from .models import Commune, Province, User
from .resources import CommuneResource


@admin.register(Province)
class ProvinceAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


@admin.register(Commune)
class CommuneAdmin(SafeImportExportMixin, SimpleHistoryAdmin):
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


@admin.register(User)
class UserAdmin(DjangoUserAdmin, SimpleHistoryAdmin):
    list_display = ("username", "full_name", "email", "phone", "is_active", "is_staff")
    list_filter = ("is_active", "is_staff", "groups", "communes__former_area")
    search_fields = ("username", "full_name", "email", "phone", "communes__name")
    filter_horizontal = ("groups", "user_permissions", "communes")
    fieldsets = DjangoUserAdmin.fieldsets + (
        (_("dtmonitor"), {"fields": ("full_name", "phone", "communes")}),
    )
