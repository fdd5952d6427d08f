from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    """Django's admin, whose default site (`admin.site`, where every app registers) refuses
    sessions that still owe their second factor."""

    default_site = "dtmonitor.admin_site.VerifiedAdminSite"
