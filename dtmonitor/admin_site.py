from django.contrib import admin

from communes import two_factor
from core import ratelimit


class VerifiedAdminSite(admin.AdminSite):
    """The admin for administrators whose session passed its 2FA step (like django-otp's
    OTPAdminSite), or who need none: 2FA not required and no device enrolled. Its own login
    form counts toward the same per-address limit as the site's."""

    def has_permission(self, request):
        return super().has_permission(request) and two_factor.session_is_cleared(request)

    def login(self, request, extra_context=None):
        if request.method == "POST":
            refused = ratelimit.check(request, "login", ratelimit.by_address)
            if refused is not None:
                return refused
        return super().login(request, extra_context)
