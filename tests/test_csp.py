"""Content-Security-Policy, set by django-csp from `settings.CONTENT_SECURITY_POLICY`: only our
own scripts run (no inline script, no eval, no third party), nothing may frame a page, forms post
only to us. The pages that run scripts (dashboards, the admin, the API's Swagger UI) work under
it in a real browser."""

import re

import pytest
from django.urls import reverse

from tests.browser import log_in

pytestmark = pytest.mark.django_db


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    parsed = {}
    for part in policy.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def inline_scripts(html: str) -> list[str]:
    """`<script>` elements that are not a file of ours (data blocks in JSON do not run)."""
    return [
        tag for tag in re.findall(r"<script\b[^>]*>", html)
        if "src=" not in tag and 'type="application/json"' not in tag
    ]


EXPECTED = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    # plotly.js sets style attributes on the elements it draws.
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}


def test_pages_errors_admin_and_api_carry_the_whole_policy(client, administrator):
    anonymous = [reverse("login"), "/no-such-page/", "/api/v1/docs/", "/sw.js"]
    for url in anonymous:
        assert directives(client.get(url)) == EXPECTED, url
    client.force_login(administrator)
    for url in (reverse("home"), reverse("admin:index"), "/api/v1/units/",
                reverse("admin:reports_dailyreport_changelist")):
        assert directives(client.get(url)) == EXPECTED, url


def test_the_policy_is_django_csps_from_settings(client, settings, quangninh):
    settings.CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": {**settings.CONTENT_SECURITY_POLICY["DIRECTIVES"], "img-src": ["'self'"]}
    }
    assert directives(client.get(reverse("login")))["img-src"] == ["'self'"]


def test_no_page_of_ours_or_the_admins_needs_an_inline_script(client, administrator):
    client.force_login(administrator)
    for url in (reverse("home"), reverse("compliance:index"), reverse("admin:index"),
                reverse("admin:reports_dailyreport_changelist"),
                reverse("admin:targets_target_add"), "/api/v1/docs/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert inline_scripts(response.content.decode()) == [], url


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_swagger_ui_and_the_admin_run_under_the_policy(page, live_server, administrator):
    violations = []
    page.on("console", lambda msg: "Content Security Policy" in msg.text
            and violations.append(msg.text))
    page.goto(f"{live_server.url}/api/v1/docs/")
    # Swagger UI drew the API from the schema: its title and an operation of ours.
    page.wait_for_selector(".swagger-ui .info .title")
    page.wait_for_selector("text=/api/v1/reports/")
    log_in(page, live_server, "administrator")
    page.goto(f"{live_server.url}/admin/targets/target/add/")
    # The admin's own scripts ran: the "add another" links and the date shortcuts.
    page.wait_for_selector(".datetimeshortcuts", state="attached")
    page.goto(f"{live_server.url}/admin/reports/dailyreport/")
    page.wait_for_selector("#changelist")
    assert violations == []
    assert page.console_errors == []
