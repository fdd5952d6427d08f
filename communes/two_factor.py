"""Two-factor authentication: a TOTP app (django-otp) plus 10 one-time recovery codes.

Who must have it: administrators, province and national accounts (and superusers) when
`settings.DTM_REQUIRE_2FA` is on; focal points may enrol. An account with a confirmed device
is asked for a code after every password login, whatever the setting.

The session says where a signed-in account stands, so that ordinary pages cost no extra query:
`PENDING_KEY` is set at login when the account has a device (`start_session`), django-otp's
session key once a code was accepted (`django_otp.login`).
"""

import secrets
from base64 import b32encode
from dataclasses import dataclass

import django_otp
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import User

PENDING_KEY = "dtm_2fa_pending"
DEVICE_NAME = "dtmonitor"
RECOVERY_CODE_COUNT = 10


def must_use_two_factor(user) -> bool:
    """Administrators, officials and national accounts, when the setting asks for 2FA. From the
    account's own fields: no query."""
    if not settings.DTM_REQUIRE_2FA:
        return False
    return user.is_superuser or user.is_staff or user.scope in (
        User.Scope.NATIONAL, User.Scope.PROVINCE
    )


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def has_two_factor(user) -> bool:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def start_session(request, user) -> None:
    """At every login (password form, admin login, tests' force_login): remember whether this
    session still owes a code."""
    if has_two_factor(user):
        request.session[PENDING_KEY] = True


def step_needed(request) -> str | None:
    """What a signed-in, not yet verified session must do before anything else: "verify",
    "enrol" or nothing."""
    if request.session.get(PENDING_KEY):
        return "verify"
    if must_use_two_factor(request.user):
        # The enrolment page sends an account that has a device to "verify".
        return "enrol"
    return None


def session_is_cleared(request) -> bool:
    """True when this session passed its 2FA step or owes none (the admin's check)."""
    user = request.user
    if user.is_verified():
        return True
    return not request.session.get(PENDING_KEY) and not must_use_two_factor(user)


# --- Enrolment -----------------------------------------------------------------------------


@dataclass
class Enrolment:
    device: TOTPDevice

    @property
    def url(self) -> str:
        """otpauth:// link: a phone opens it in its authenticator app."""
        return self.device.config_url

    @property
    def secret(self) -> str:
        """The key in base32, in groups of 4, for typing it in by hand."""
        key = b32encode(self.device.bin_key).decode()
        return " ".join(key[i:i + 4] for i in range(0, len(key), 4))

    def qr_svg(self) -> str:
        import qrcode
        import qrcode.image.svg

        image = qrcode.make(self.url, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=8)
        return image.to_string(encoding="unicode")


def pending_enrolment(user) -> Enrolment:
    """The account's unconfirmed device (the same key until it is confirmed, so reloading the
    page does not change the QR code)."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return Enrolment(device)


def confirm_enrolment(request, enrolment: Enrolment, code: str) -> list[str] | None:
    """Confirm the device with a first code; then the account's new recovery codes (shown once)
    and the session is verified. None when the code is wrong."""
    device = enrolment.device
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        if not device.verify_token(_digits(code)):
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
        codes = new_recovery_codes(device.user)
    _verified(request, device)
    return codes


def new_recovery_codes(user) -> list[str]:
    """Replace the account's recovery codes with RECOVERY_CODE_COUNT new ones."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=True)
    codes = [_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return [f"{code[:5]}-{code[5:]}" for code in codes]


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user).count()


def _recovery_code() -> str:
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read off paper
    return "".join(secrets.choice(alphabet) for _ in range(10))


def reset(user) -> bool:
    """Remove the account's 2FA (lost phone): it enrols again at its next login. True when
    there was something to remove."""
    removed = TOTPDevice.objects.filter(user=user).delete()[0]
    removed += StaticDevice.objects.filter(user=user).delete()[0]
    return removed > 0


# --- Verification --------------------------------------------------------------------------


class Outcome:
    VERIFIED = "verified"
    WRONG = "wrong"
    WAIT = "wait"  # django-otp's throttling: too soon after a wrong code
    LOCKED = "locked"  # axes: too many wrong passwords and codes at this address


def verify(request, code: str, *, recovery: bool = False) -> str:
    """Check a code (or a recovery code) of the signed-in account. A wrong one counts as a
    failed login for axes (same username, same address), which may lock the account out."""
    user = request.user
    credentials = {"username": user.get_username()}
    if AxesProxyHandler.is_locked(request, credentials):
        return Outcome.LOCKED
    with transaction.atomic():
        if recovery:
            devices = StaticDevice.objects.devices_for_user(user, confirmed=True)
            devices = devices.select_for_update()
            token = "".join(ch for ch in code.lower() if ch.isalnum())
        else:
            devices = TOTPDevice.objects.devices_for_user(user, confirmed=True)
            devices = devices.select_for_update()
            token = _digits(code)
        device = devices.first()
        if device is None:
            verified = False
        elif not device.verify_is_allowed()[0]:
            return Outcome.WAIT
        else:
            verified = device.verify_token(token)
    if verified:
        _verified(request, device)
        return Outcome.VERIFIED
    user_login_failed.send(sender=__name__, credentials=credentials, request=request)
    if getattr(request, "axes_locked_out", False):
        return Outcome.LOCKED
    return Outcome.WRONG


def _verified(request, device) -> None:
    django_otp.login(request, device)
    request.session.pop(PENDING_KEY, None)
    # A new session key for the session that gained the second factor.
    request.session.cycle_key()


def _digits(code: str) -> str:
    return "".join(ch for ch in code if ch.isdigit())
