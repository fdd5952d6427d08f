from django.contrib import admin

from communes import two_factor


class VerifiedAdminSite(admin.AdminSite):
    """The admin for administrators whose session passed its 2FA step (like django-otp's
    OTPAdminSite), or who need none: 2FA not required and no device enrolled."""

    def has_permission(self, request):
        return super().has_permission(request) and two_factor.session_is_cleared(request)
