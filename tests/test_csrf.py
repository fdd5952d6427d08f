"""CSRF is enforced on every state-changing route: no view of ours is exempt, and a post
without the token is refused and changes nothing."""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from reports import services
from reports.models import DailyReport
from tests.reports_helpers import MONDAY, at, form_data, values_for

pytestmark = pytest.mark.django_db


def views(resolver=None, prefix=""):
    """(route, view) for every URL of the project, the admin's included."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from views(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


def test_no_view_is_exempt_from_csrf():
    exempt = [route for route, view in views() if getattr(view, "csrf_exempt", False)]
    # The data-exchange API authenticates systems by token (no cookie to ride on); browser
    # sessions there are checked by DRF's SessionAuthentication, which enforces CSRF itself.
    exempt = [route for route in exempt if not route.startswith("api/")]
    assert exempt == []


def test_posts_without_the_token_are_refused_and_change_nothing(focal_a, official, commune_a):
    report = services.submit_report(
        focal_a, commune_a, MONDAY, values_for(5), now=at(MONDAY, 16)
    ).report
    posts = [
        (focal_a, reverse("reports:form", args=[commune_a.code, MONDAY.isoformat()]),
         form_data(version=1, amount="9")),
        (official, reverse("reports:return", args=[report.pk]), {"comment": "sai"}),
        (official, reverse("logout"), {}),
        (official, reverse("set_language"), {"language": "en"}),
        (official, reverse("admin:logout"), {}),
    ]
    for user, url, data in posts:
        client = Client(enforce_csrf_checks=True)
        client.force_login(user)
        response = client.post(url, data)
        assert response.status_code == 403, url
        assert "Biểu mẫu đã hết hạn" in response.content.decode(), url
    report.refresh_from_db()
    assert (report.version, report.status) == (1, DailyReport.Status.SUBMITTED)
