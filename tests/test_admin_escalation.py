"""An administrator who is not a superuser cannot make anyone a superuser or staff, grant
permissions outside the roles, or touch a superuser's account (issue: privilege escalation)."""

from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from communes import roles

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.vn", "root-pass-123")


class _FormScraper(HTMLParser):
    """What a browser would post back for the page's first form with a csrf token."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and "disabled" not in attrs:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind in ("submit", "button", "file"):
                return
            default = "on" if kind in ("checkbox", "radio") else ""
            self.data.setdefault(name, []).append(attrs.get("value", default))
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select].append(attrs.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = [""]

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][0] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def change_form_data(client, user) -> dict:
    """What the admin's change form of `user` posts back when saved unchanged."""
    page = client.get(reverse("admin:communes_user_change", args=[user.pk]))
    assert page.status_code == 200
    scraper = _FormScraper()
    scraper.feed(page.content.decode())
    return {name: values if len(values) != 1 else values[0]
            for name, values in scraper.data.items()}


def test_an_administrator_cannot_make_themselves_superuser_or_staff_others(
    client, administrator, focal_a
):
    client.force_login(administrator)
    data = change_form_data(client, administrator) | {"is_superuser": "on"}
    client.post(reverse("admin:communes_user_change", args=[administrator.pk]), data)
    administrator.refresh_from_db()
    assert not administrator.is_superuser

    data = change_form_data(client, focal_a) | {"is_staff": "on"}
    response = client.post(reverse("admin:communes_user_change", args=[focal_a.pk]), data)
    assert response.status_code == 302
    focal_a.refresh_from_db()
    assert not focal_a.is_staff


def test_staff_status_follows_the_administrators_role(client, administrator, focal_a):
    client.force_login(administrator)
    admins = Group.objects.get(name=roles.ADMINISTRATORS)
    data = change_form_data(client, focal_a) | {"groups": [admins.pk]}
    client.post(reverse("admin:communes_user_change", args=[focal_a.pk]), data)
    focal_a.refresh_from_db()
    assert focal_a.is_staff


def test_a_superusers_account_and_password_are_out_of_reach(client, administrator, root):
    client.force_login(administrator)
    for url in (
        reverse("admin:communes_user_change", args=[root.pk]),
        f"/admin/communes/user/{root.pk}/password/",
        f"/admin/communes/user/{root.pk}/history/",
    ):
        response = client.get(url)
        assert response.status_code in (302, 404), url
        assert response.status_code == 404 or "/change/" not in response.url
    response = client.post(
        f"/admin/communes/user/{root.pk}/password/",
        {"password1": "taken-over-123!", "password2": "taken-over-123!"},
    )
    root.refresh_from_db()
    assert root.check_password("root-pass-123")
    listing = client.get(reverse("admin:communes_user_changelist")).content.decode()
    assert "root@example.vn" not in listing


def test_group_permissions_are_read_only_for_administrators(client, administrator):
    client.force_login(administrator)
    group = Group.objects.get(name=roles.PROVINCIAL_OFFICIALS)
    response = client.post(
        reverse("admin:auth_group_change", args=[group.pk]),
        {"name": group.name, "permissions": []},
    )
    assert response.status_code == 403
    assert group.permissions.exists()


def test_the_province_history_page_answers(client, django_user_model, quangninh):
    """Province keeps no django-simple-history: its admin "History" page was a 500."""
    from communes.models import Province

    root = django_user_model.objects.create_superuser("root2", "r2@example.vn", "root-pass-123")
    client.force_login(root)
    province = Province.objects.get(code="22")
    response = client.get(reverse("admin:communes_province_history", args=[province.pk]))
    assert response.status_code == 200
