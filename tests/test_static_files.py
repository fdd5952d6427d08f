"""Production static files: pages never 500 because collectstatic has not run yet."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_STORAGE = "dtmonitor.staticstorage.ForgivingManifestStorage"


@pytest.fixture
def production_static(settings, tmp_path):
    """The production storage over a STATIC_ROOT that collectstatic never filled."""
    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path / "staticfiles"
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": PRODUCTION_STORAGE}}
    return settings


def test_production_settings_use_the_storage_that_forgives_a_missing_manifest():
    env = {k: v for k, v in os.environ.items() if k != "DEBUG"}
    code = (
        "import django; django.setup(); from django.conf import settings;"
        "print(settings.STORAGES['staticfiles']['BACKEND'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
        env={**env, "DJANGO_SETTINGS_MODULE": "dtmonitor.settings"},
    )
    assert result.stdout.strip().splitlines()[-1] == PRODUCTION_STORAGE


@pytest.mark.parametrize(
    ("url", "stylesheet"),
    [("login", "/static/css/dtmonitor.css"), ("admin:login", "/static/admin/css/base.css")],
)
def test_login_pages_answer_200_before_collectstatic(
    client, db, production_static, url, stylesheet, caplog
):
    response = client.get(reverse(url))
    assert response.status_code == 200
    assert f'href="{stylesheet}"' in response.content.decode()
    assert "run `manage.py collectstatic`" in caplog.text


def test_after_collectstatic_pages_link_hashed_files(client, db, production_static):
    call_command("collectstatic", "--noinput", verbosity=0)
    page = client.get(reverse("login")).content.decode()
    assert "/static/css/dtmonitor." in page and 'href="/static/css/dtmonitor.css"' not in page
