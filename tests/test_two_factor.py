"""Two-factor authentication: a code after the password for accounts with a device, enrolment
for those that must have one, recovery codes, wrong codes, the admin, and resets."""

import datetime as dt
import re

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django_otp.middleware import OTPMiddleware
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from communes import two_factor
from communes.models import Province
from tests.conftest import make_user
from tests.test_production_settings import PRODUCTION, manage

pytestmark = pytest.mark.django_db

PASSWORD = "secret-pass-123"
NOW = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen_clock():
    # TOTP codes follow the clock: freeze it, and move it on explicitly.
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def code_for(device: TOTPDevice) -> str:
    """What the phone shows now (the clock is frozen)."""
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def with_device(user) -> TOTPDevice:
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    two_factor.new_recovery_codes(user)
    return device


def log_in(client, user, address="203.0.113.7"):
    return client.post(reverse("login"), {"username": user.username, "password": PASSWORD},
                       REMOTE_ADDR=address)


def send_code(client, code, address="203.0.113.7", **extra):
    return client.post(reverse("two_factor_verify"), {"code": code, **extra},
                       REMOTE_ADDR=address)


def test_without_a_device_the_password_is_enough(client, official):
    assert log_in(client, official).status_code == 302
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("two_factor_status")).status_code == 200


def test_with_a_device_the_code_comes_before_anything_else(client, official):
    device = with_device(official)
    log_in(client, official)
    for url in (reverse("home"), reverse("communes:list"), "/admin/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("two_factor_verify") + "?next="), url

    page = client.get(reverse("two_factor_verify") + "?next=/communes/")
    html = page.content.decode()
    assert "Xác minh hai bước" in html
    assert 'autocomplete="one-time-code"' in html and 'inputmode="numeric"' in html

    before = client.cookies["sessionid"].value
    response = send_code(client, code_for(device), next="/communes/")
    assert response.status_code == 302 and response.url == "/communes/"
    assert client.cookies["sessionid"].value != before  # a new key for the verified session
    assert client.get(reverse("home")).status_code == 200


def test_a_wrong_code_is_refused_and_counts_toward_the_lockout(client, official, settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # axes alone, here
    device = with_device(official)
    log_in(client, official)
    right = code_for(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"

    response = send_code(client, wrong)
    assert response.status_code == 200
    assert "Mã này không đúng" in response.content.decode()
    assert client.get(reverse("home")).status_code == 302  # still not verified
    assert AccessAttempt.objects.get(username="official").failures_since_start == 1

    send_code(client, wrong)
    locked = send_code(client, wrong)
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session  # logged out
    # The password alone no longer opens the account at this address.
    assert log_in(client, official).status_code == 429


def test_after_a_wrong_code_the_next_try_waits(client, official):
    device = with_device(official)
    log_in(client, official)
    right = code_for(device)
    send_code(client, f"{(int(right) + 1) % 1_000_000:06d}")
    response = send_code(client, right)
    assert "Chờ vài giây" in response.content.decode()
    assert client.get(reverse("home")).status_code == 302


def test_a_recovery_code_works_once(client, official, _frozen_clock):
    with_device(official)
    codes = two_factor.new_recovery_codes(official)
    assert len(codes) == 10 and len(set(codes)) == 10
    log_in(client, official)
    response = client.post(reverse("two_factor_verify"), {"recovery_code": codes[0].upper()},
                           REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    assert two_factor.recovery_codes_left(official) == 9

    client.post(reverse("logout"))
    _frozen_clock.shift(dt.timedelta(minutes=5))
    log_in(client, official)
    again = client.post(reverse("two_factor_verify"), {"recovery_code": codes[0]},
                        REMOTE_ADDR="203.0.113.7")
    assert again.status_code == 200 and "Mã này không đúng" in again.content.decode()
    assert client.get(reverse("home")).status_code == 302


def test_required_but_not_enrolled_goes_to_enrolment(client, settings, official, focal_a):
    settings.DTM_REQUIRE_2FA = True
    log_in(client, official)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("two_factor_enrol"))
    client.post(reverse("logout"))
    # Focal points may enrol, but need not.
    log_in(client, focal_a)
    response = client.get(reverse("reports:today"))
    assert response.status_code == 302 and "2fa" not in response.url


def test_enrolment_confirms_with_a_code_and_shows_ten_recovery_codes(
    client, settings, official, _frozen_clock
):
    settings.DTM_REQUIRE_2FA = True
    log_in(client, official)
    page = client.get(reverse("two_factor_enrol"))
    html = page.content.decode()
    assert page.status_code == 200 and "Thiết lập xác minh hai bước" in html
    assert "<svg" in html and "otpauth://totp/dtmonitor:official?" in html.replace("%3A", ":")
    secret = re.search(r'<code class="otp-secret">([A-Z2-7 ]+)</code>', html).group(1)
    assert all(len(group) == 4 for group in secret.split())
    assert 'autocomplete="one-time-code"' in html and 'inputmode="numeric"' in html
    # Reloading keeps the same key (the QR code the user may already have scanned).
    assert secret in client.get(reverse("two_factor_enrol")).content.decode()

    device = TOTPDevice.objects.get(user=official)
    assert not device.confirmed
    wrong = client.post(reverse("two_factor_enrol"), {"code": "000000"})
    assert wrong.status_code == 200 and "Mã này không đúng" in wrong.content.decode()

    _frozen_clock.shift(dt.timedelta(seconds=2))  # django-otp's wait after a wrong code
    done = client.post(reverse("two_factor_enrol"), {"code": code_for(device)})
    html = done.content.decode()
    assert done.status_code == 200 and "Mã khôi phục" in html
    assert len(re.findall(r"<li><code>[a-z0-9]{5}-[a-z0-9]{5}</code></li>", html)) == 10
    assert client.get(reverse("home")).status_code == 200  # this session is verified
    device.refresh_from_db()
    assert device.confirmed
    assert two_factor.recovery_codes_left(official) == 10


def test_an_unverified_session_cannot_enrol_a_second_device(client, official):
    with_device(official)
    log_in(client, official)
    response = client.get(reverse("two_factor_enrol"))
    assert response.status_code == 302 and response.url == reverse("two_factor_verify")
    assert TOTPDevice.objects.filter(user=official).count() == 1


def test_a_focal_point_may_enrol_and_is_then_asked_for_codes(client, focal_a):
    log_in(client, focal_a)
    status = client.get(reverse("two_factor_status")).content.decode()
    assert reverse("two_factor_enrol") in status
    with_device(focal_a)
    client.post(reverse("logout"))
    log_in(client, focal_a)
    assert client.get(reverse("reports:today")).url.startswith(reverse("two_factor_verify"))


def _admin_request(user, session):
    request = RequestFactory().get("/admin/")
    request.user, request.session = user, session
    OTPMiddleware(lambda r: None)(request)
    return request


def test_the_admin_refuses_a_session_without_its_second_factor(client, settings, administrator):
    device = with_device(administrator)
    client.force_login(administrator)
    response = client.get("/admin/")
    assert response.status_code == 302 and response.url.startswith(reverse("two_factor_verify"))
    # The admin site's own check, behind the middleware.
    assert not admin.site.has_permission(_admin_request(administrator, client.session))
    settings.DTM_REQUIRE_2FA = True
    session = client.session
    session.pop(two_factor.PENDING_KEY)
    assert not admin.site.has_permission(_admin_request(administrator, session))

    send_code(client, code_for(device))
    assert client.get("/admin/").status_code == 200
    assert admin.site.has_permission(_admin_request(administrator, client.session))


def test_an_administrator_resets_2fa_of_accounts_in_their_province(
    admin_client, administrator, official, django_user_model
):
    other = Province.objects.create(code="99", name="Tỉnh khác")
    stranger = make_user(django_user_model, "stranger", "provincial_officials", province=other,
                         scope="province")
    boss = django_user_model.objects.create_superuser("boss", password=PASSWORD)
    for account in (official, stranger, boss):
        with_device(account)

    page = admin_client.get(reverse("admin:communes_user_change", args=[official.pk]))
    assert "Bật (còn 10 mã khôi phục)" in page.content.decode()

    response = admin_client.post(reverse("admin:communes_user_changelist"), {
        "action": "reset_two_factor",
        "_selected_action": [official.pk, stranger.pk, boss.pk],
    })
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=official).exists()
    assert not StaticDevice.objects.filter(user=official).exists()
    # Out of this administrator's reach: another province, a superuser.
    assert TOTPDevice.objects.filter(user=stranger).exists()
    assert TOTPDevice.objects.filter(user=boss).exists()


def test_a_reset_account_logs_in_with_its_password_then_enrols_if_required(
    client, settings, official
):
    settings.DTM_REQUIRE_2FA = True
    with_device(official)
    two_factor.reset(official)
    log_in(client, official)
    assert client.get(reverse("home")).url.startswith(reverse("two_factor_enrol"))


def test_production_requires_2fa_and_development_does_not(settings):
    code = "from django.conf import settings as s; print('2FA', s.DTM_REQUIRE_2FA)"
    production = manage("shell", "-c", code, **PRODUCTION)
    assert "2FA True" in production.stdout, production.stdout + production.stderr
    development = manage("shell", "-c", code, DJANGO_ENV="development")
    assert "2FA False" in development.stdout, development.stdout + development.stderr
