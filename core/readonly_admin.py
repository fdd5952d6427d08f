from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Roll-up rows are written only by the roll-up jobs: administrators inspect, never edit."""

    date_hierarchy = "date"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
