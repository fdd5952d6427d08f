"""Settings follow the environment: embedded defaults without it, real services with it."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def settings_under(env: dict) -> dict:
    code = (
        "import django, json; django.setup(); from django.conf import settings as s;"
        "print(json.dumps({'engine': s.DATABASES['default']['ENGINE'],"
        "'eager': s.CELERY_TASK_ALWAYS_EAGER, 'broker': s.CELERY_BROKER_URL,"
        "'debug': s.DEBUG, 'tz': s.TIME_ZONE, 'lang': s.LANGUAGE_CODE}))"
    )
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "DEBUG")}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
        env={**base, "DJANGO_SETTINGS_MODULE": "dtmonitor.settings", **env},
    )
    import json

    return json.loads(result.stdout.strip().splitlines()[-1]) | {"stderr": result.stderr}


def test_no_environment_means_sqlite_and_eager_tasks_said_once():
    found = settings_under({})
    assert found["engine"] == "django.db.backends.sqlite3"
    assert found["eager"] is True
    assert found["debug"] is False
    assert found["tz"] == "Asia/Ho_Chi_Minh"
    assert found["lang"] == "vi"
    assert found["stderr"].count("Celery tasks run eagerly") == 1


def test_urls_switch_to_postgres_and_a_real_broker():
    found = settings_under(
        {"DATABASE_URL": "postgres://u@db:5432/x", "REDIS_URL": "redis://r:6379/0"}
    )
    assert found["engine"] == "django.db.backends.postgresql"
    assert found["eager"] is False
    assert found["broker"] == "redis://r:6379/0"
    assert "eagerly" not in found["stderr"]
