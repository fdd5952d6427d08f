"""Sign-in rules that hold on every page: idle sessions end, a session that owes its second
factor goes nowhere else first, and exports are rate-limited. None of them costs a query on an
ordinary page (see communes.sessions and communes.two_factor)."""

import time

from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from communes import sessions, two_factor
from core import ratelimit


def idle_timeout(get_response):
    """A session unused for DTM_SESSION_IDLE_MINUTES ends; the next page asks for a login."""

    def middleware(request):
        now = time.time()
        if sessions.is_idle(request.session, now):
            logout(request)
            messages.info(request, _("You were logged out after a long time without activity."))
        elif request.user.is_authenticated:
            sessions.note_activity(request.session, now)
        return get_response(request)

    return middleware


# What a session that owes its code may still open: the 2FA pages, logging out, the language.
OPEN_BEFORE_SECOND_FACTOR = {
    "two_factor_verify", "two_factor_enrol", "logout", "set_language", "service_worker",
    "manifest", "javascript-catalog",
}


def two_factor_gate(get_response):
    """After a password login, an account with a device enters its code, and one that must
    have 2FA but has none enrols, before any other page (the admin's included)."""

    def middleware(request):
        user = request.user
        if user.is_authenticated and not user.is_verified():
            step = two_factor.step_needed(request)
            if step is not None and _url_name(request) not in OPEN_BEFORE_SECOND_FACTOR:
                target = reverse(f"two_factor_{step}")
                return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return get_response(request)

    return middleware


def _url_name(request) -> str | None:
    try:
        return resolve(request.path_info).url_name
    except Resolver404:
        return None


def export_rate_limit(get_response):
    """Every table and chart export (`?_export=`, `?csv=`) counts toward the account's
    export limit."""

    def middleware(request):
        if request.method == "GET" and ("_export" in request.GET or "csv" in request.GET):
            refused = ratelimit.check(request, "export", ratelimit.by_account)
            if refused is not None:
                return refused
        return get_response(request)

    return middleware
