"""Each role's pages, opened in Vietnamese (the default), show none of the English phrases that
untranslated labels used to leave: dashboards, report form and calendar, and the admin pages an
administrator uses (our models' lists, a target's change, history and import pages)."""

import html
import re

import pytest

from tests.walks import ENGLISH_PHRASES, walk, world

pytestmark = pytest.mark.django_db


def page_text(content: str) -> str:
    """What a reader sees or hears: text and titles/labels, without scripts (chart JSON)."""
    content = re.sub(r"<(script|style)\b.*?</\1>", " ", content, flags=re.S)
    attributes = re.findall(r'(?:title|aria-label|placeholder|alt)="([^"]*)"', content)
    text = re.sub(r"<[^>]+>", " ", content)
    return html.unescape(" ".join([text, *attributes]))


def english_phrases(text: str) -> list[str]:
    return [phrase for phrase in ENGLISH_PHRASES
            if re.search(rf"(?<![\w-]){re.escape(phrase)}(?!\w)", text)]


@pytest.mark.parametrize("role, username", [
    ("focal", "focal_a"), ("official", "official"), ("administrator", "administrator"),
])
def test_no_english_on_vietnamese_pages(client, people, role, username):
    data = world()
    client.force_login(people[username])
    found = {}
    for name, path in walk(role, data, people[username]):
        response = client.get(path)
        assert response.status_code == 200, (name, path)
        phrases = english_phrases(page_text(response.content.decode()))
        if phrases:
            found[name] = phrases
    assert found == {}
