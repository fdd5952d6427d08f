from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, register_converter

from communes import two_factor_views
from communes.converters import UnitCodeConverter
from core.ratelimit import by_address, by_posted_email, rate_limited
from reports import offline
from reports import views as report_views

# Registered before the apps' URLconfs are imported: they use it.
register_converter(UnitCodeConverter, "unitcode")

from dashboards import urls as dashboard_urls  # noqa: E402  (needs the converter above)

urlpatterns = [
    *dashboard_urls.home_patterns,
    path("targets/", include((dashboard_urls.target_patterns, "targets"))),
    path("communes/", include((dashboard_urls.unit_patterns, "communes"))),
    path("compliance/", include((dashboard_urls.compliance_patterns, "compliance"))),
    path("", include((dashboard_urls.programme_patterns, "programmes"))),
    path("science-tasks/", include((dashboard_urls.science_task_patterns, "science_tasks"))),
    path("national/", include((dashboard_urls.national_patterns, "national"))),
    path("accounts/login/",
         rate_limited(("login", by_address))(auth_views.LoginView.as_view()), name="login"),
    path("accounts/2fa/", two_factor_views.status, name="two_factor_status"),
    path("accounts/2fa/verify/", two_factor_views.verify, name="two_factor_verify"),
    path("accounts/2fa/enrol/", two_factor_views.enrol, name="two_factor_enrol"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("reports/", include("reports.urls")),
    # Set-password links of imported accounts, and "forgot my password", use Django's
    # password-reset views and the admin's registration templates.
    path("accounts/password_reset/",
         rate_limited(("password_reset_address", by_address),
                      ("password_reset_email", by_posted_email))(
             auth_views.PasswordResetView.as_view()),
         name="password_reset"),
    path("accounts/password_reset/done/", auth_views.PasswordResetDoneView.as_view(),
         name="password_reset_done"),
    path("accounts/reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("accounts/reset/done/", auth_views.PasswordResetCompleteView.as_view(),
         name="password_reset_complete"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("notices/<int:pk>/dismiss/", report_views.dismiss_notice, name="dismiss_notice"),
    path("admin/", admin.site.urls),
    # At the root so the worker's scope covers /reports/ (see reports.offline).
    path("sw.js", offline.service_worker, name="service_worker"),
    path("manifest.webmanifest", offline.manifest, name="manifest"),
    path("api/v1/", include("api.urls")),
]

handler500 = "dtmonitor.request_ids.server_error"
