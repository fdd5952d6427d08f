"""DJANGO_ENV=production: Django's deployment checks pass, and nothing insecure is defaulted."""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

PRODUCTION = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "dtmonitor.example.gov.vn",
    "DEBUG": "0",
}


def clean_environment() -> dict[str, str]:
    """This process's environment without what tests set for themselves (the browser tests
    allow async-unsafe calls, which a deployment must never do)."""
    dropped = {*PRODUCTION, "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {key: value for key, value in os.environ.items() if key not in dropped}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = clean_environment()
    return subprocess.run(
        [sys.executable, "manage.py", *args], capture_output=True, text=True, timeout=120,
        env={**environment, **env}, cwd=settings.BASE_DIR,
    )


def test_deploy_checks_pass_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", **{**PRODUCTION, "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_serves_https_only_with_secure_cookies():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_HSTS_SECONDS > 0, s.SECURE_PROXY_SSL_HEADER)"
    )
    environment = clean_environment()
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
        env={**environment, **PRODUCTION, "DJANGO_SETTINGS_MODULE": "dtmonitor.settings"},
        cwd=settings.BASE_DIR,
    )
    expected = "True True True True ('HTTP_X_FORWARDED_PROTO', 'https')"
    assert expected in result.stdout, result.stdout + result.stderr


def test_the_language_cookie_is_secure_in_production():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print('language cookie', s.LANGUAGE_COOKIE_SECURE, s.LANGUAGE_COOKIE_HTTPONLY)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
        env={**clean_environment(), **PRODUCTION, "DJANGO_SETTINGS_MODULE": "dtmonitor.settings"},
        cwd=settings.BASE_DIR,
    )
    assert "language cookie True True" in result.stdout, result.stdout + result.stderr


@pytest.mark.django_db
def test_no_script_reads_the_language_cookie(client):
    # Found by the wapiti scan (make scan): the language choice was readable by scripts.
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.cookies["django_language"]["httponly"] is True
