"""The 2FA pages: enter a code after the password, enrol an authenticator app, see the status
and get new recovery codes. The rules are in `two_factor`; these views parse and render."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters

from core.ratelimit import by_address, rate_limited

from . import two_factor
from .two_factor import Outcome


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("6-digit code from the app"), max_length=12,
        widget=forms.TextInput(attrs={
            "autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9 ]*",
            "autofocus": True, "size": 8,
        }),
    )


class RecoveryCodeForm(forms.Form):
    recovery_code = forms.CharField(
        label=gettext_lazy("Recovery code"), max_length=20,
        widget=forms.TextInput(attrs={
            "autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false",
            "size": 14,
        }),
    )


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@sensitive_post_parameters("code", "recovery_code")
@login_required
@rate_limited(("two_factor", by_address))
def verify(request):
    """After the password: a code from the app, or one of the recovery codes."""
    user = request.user
    if user.is_verified():
        return redirect(_next_url(request))
    if not two_factor.has_two_factor(user):
        # Reset by an administrator since login: nothing to ask for.
        request.session.pop(two_factor.PENDING_KEY, None)
        if two_factor.must_use_two_factor(user):
            return redirect("two_factor_enrol")
        return redirect(_next_url(request))
    recovery = "recovery_code" in request.POST
    code_form = CodeForm(request.POST if request.method == "POST" and not recovery else None)
    recovery_form = RecoveryCodeForm(request.POST if recovery else None)
    form = recovery_form if recovery else code_form
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["recovery_code" if recovery else "code"]
        outcome = two_factor.verify(request, code, recovery=recovery)
        if outcome == Outcome.VERIFIED:
            if recovery:
                messages.warning(request, _(
                    "You used a recovery code; %(left)s left. Each works once."
                ) % {"left": two_factor.recovery_codes_left(user)})
            return redirect(_next_url(request))
        if outcome == Outcome.LOCKED:
            # Axes' middleware answers with its lockout page (request.axes_locked_out).
            logout(request)
            request.axes_locked_out = True
            return render(request, "registration/locked_out.html", status=429)
        if outcome == Outcome.WAIT:
            form.add_error(None, _("Wait a few seconds after a wrong code, then try again."))
        else:
            field = "recovery_code" if recovery else "code"
            form.add_error(field, _("This code is not right. Check the app and try again."))
    return render(request, "registration/two_factor_verify.html", {
        "form": code_form, "recovery_form": recovery_form, "recovery": recovery,
        "next": _next_url(request),
    })


@sensitive_post_parameters("code")
@login_required
@rate_limited(("two_factor", by_address))
def enrol(request):
    """Scan the QR code (or type the key), confirm with a first code, note the recovery
    codes. An account that already has a device proves it first (no second device through an
    unverified session)."""
    user = request.user
    if two_factor.has_two_factor(user):
        if not user.is_verified():
            request.session[two_factor.PENDING_KEY] = True
            return redirect("two_factor_verify")
        return redirect("two_factor_status")
    enrolment = two_factor.pending_enrolment(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = two_factor.confirm_enrolment(request, enrolment, form.cleaned_data["code"])
        if codes is not None:
            return render(request, "registration/two_factor_recovery_codes.html", {
                "codes": codes, "next": _next_url(request), "enrolled": True,
            })
        form.add_error("code", _("This code is not right. Check the app and try again."))
    return render(request, "registration/two_factor_enrol.html", {
        "form": form, "enrolment": enrolment, "next": _next_url(request),
        "required": two_factor.must_use_two_factor(user),
    })


@login_required
def status(request):
    """Whether 2FA is on for this account; new recovery codes (for a verified session)."""
    user = request.user
    enabled = two_factor.has_two_factor(user)
    if request.method == "POST" and enabled and user.is_verified():
        codes = two_factor.new_recovery_codes(user)
        return render(request, "registration/two_factor_recovery_codes.html", {
            "codes": codes, "next": resolve_url("two_factor_status"), "enrolled": False,
        })
    return render(request, "registration/two_factor_status.html", {
        "enabled": enabled,
        "codes_left": two_factor.recovery_codes_left(user) if enabled else 0,
        "required": two_factor.must_use_two_factor(user),
    })
