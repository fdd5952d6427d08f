"""No project string lacks its Vietnamese translation: Django's makemessages is run on a copy
of the source (the same commands as `make messages`), and every message it extracts from our
templates and Python must have a Vietnamese msgstr, not fuzzy, in one of our catalogues (Django
merges them at run time; the project's, locale/, wins)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
APPS = ("communes", "targets", "reports")
SKIP = {".venv", "node_modules", "staticfiles", "test-artifacts", ".git", "tests", "benchmarks"}


def _messages(path: Path):
    with path.open("rb") as handle:
        for message in read_po(handle, locale="vi"):
            if message.id:
                yield message.id if isinstance(message.id, str) else message.id[0], message


def _is_translated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else [message.string]
    return not message.fuzzy and all(strings)


def translated_ids() -> set[str]:
    return {
        msgid
        for path in [ROOT / "locale", *(ROOT / app / "locale" for app in APPS)]
        for msgid, message in _messages(path / "vi/LC_MESSAGES/django.po")
        if _is_translated(message)
    }


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    if not shutil.which("xgettext"):
        if os.environ.get("CI"):
            pytest.fail("CI=true but gettext's xgettext is missing (apt-get install gettext)")
        pytest.skip("gettext's xgettext is missing")
    copy = tmp_path_factory.mktemp("source") / "dtmonitor"
    shutil.copytree(ROOT, copy, ignore=lambda folder, names: [
        name for name in names if name in SKIP or name.endswith((".mo", ".pyc"))
    ], symlinks=False)
    env = {**os.environ, "PYTHONPATH": str(copy)}
    manage = [sys.executable, str(copy / "manage.py"), "makemessages", "-l", "vi", "--no-location"]
    ignores = [arg for app in (*APPS, "tests", "benchmarks") for arg in ("--ignore", f"{app}/*")]
    subprocess.run([*manage, *ignores], cwd=copy, env=env, check=True, capture_output=True)
    for app in APPS:
        subprocess.run(manage, cwd=copy / app, env=env, check=True, capture_output=True)
    return copy


@pytest.mark.parametrize("folder", ["", *APPS], ids=lambda folder: folder or "project")
def test_every_extracted_string_has_a_vietnamese_translation(extracted, folder):
    known = translated_ids()
    catalogue = extracted / folder / "locale/vi/LC_MESSAGES/django.po"
    missing = [msgid for msgid, message in _messages(catalogue) if msgid not in known]
    assert missing == []
