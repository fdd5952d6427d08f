"""Every user-facing string has a Vietnamese translation, and the catalogues compile."""

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = sorted(ROOT.glob("*/locale/vi/LC_MESSAGES/django.po")) + [
    ROOT / "locale/vi/LC_MESSAGES/django.po"
]


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_message_is_translated(path):
    with path.open("rb") as handle:
        catalogue = read_po(handle, locale="vi")
    untranslated = [
        message.id for message in catalogue
        if message.id and (message.fuzzy or not all(
            message.string if isinstance(message.string, tuple) else [message.string]
        ))
    ]
    assert untranslated == []


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: str(path.relative_to(ROOT)))
def test_catalogue_is_compiled(path):
    compiled = path.with_suffix(".mo")
    assert compiled.exists(), "run `make compilemessages`"
    assert compiled.stat().st_mtime >= path.stat().st_mtime, "the .mo is older than the .po"
