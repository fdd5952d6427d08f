"""API tokens: created in the admin and shown once, stored hashed, expiring, revocable; rate
limits; CSV exports; the documentation page under our CSP."""

import datetime as dt
import hashlib

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from communes.models import ApiToken
from tests.api_world import auth, token_for


def test_the_administrator_creates_a_token_shown_once_and_stored_hashed(
    admin_client, focal_a, client
):
    response = admin_client.post(reverse("admin:communes_apitoken_add"), {
        "user": focal_a.pk, "name": "Hệ thống tỉnh",
        "expires_at_0": "01/01/2027", "expires_at_1": "00:00:00",
    })
    assert response.status_code == 200, response.content
    token = ApiToken.objects.get()
    page = response.content.decode()
    secret = page.split('id="api-token-secret">')[1].split("<")[0]
    assert secret.startswith("dtm_") and token.digest == hashlib.sha256(
        secret.encode()).hexdigest()
    assert secret not in str(ApiToken.objects.values().get())
    assert token.created_by.username == "administrator"
    # Never shown again.
    change = admin_client.get(reverse("admin:communes_apitoken_change", args=[token.pk]))
    assert secret not in change.content.decode()
    assert client.get("/api/v1/units/", **auth(secret)).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_an_administrator_gives_tokens_to_the_accounts_of_their_province_only(
    admin_client, django_user_model
):
    stranger = django_user_model.objects.create_user("elsewhere", scope="national")
    page = admin_client.get(reverse("admin:communes_apitoken_add")).content.decode()
    assert "elsewhere" not in page
    response = admin_client.post(reverse("admin:communes_apitoken_add"), {
        "user": stranger.pk, "name": "x", "expires_at_0": "01/01/2027",
        "expires_at_1": "00:00:00",
    })
    assert response.status_code == 200 and not ApiToken.objects.exists()


def test_expired_revoked_and_wrong_tokens_are_refused(client, focal_a, admin_client):
    secret = token_for(focal_a)
    assert client.get("/api/v1/units/", **auth(secret)).status_code == 200
    assert client.get("/api/v1/units/", **auth(secret + "x")).status_code == 401
    assert client.get("/api/v1/units/", HTTP_AUTHORIZATION="Token").status_code == 401
    token = ApiToken.objects.get()
    admin_client.post(reverse("admin:communes_apitoken_changelist"),
                      {"action": "revoke", "_selected_action": [token.pk]})
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert client.get("/api/v1/units/", **auth(secret)).status_code == 401
    other = token_for(focal_a)
    ApiToken.objects.filter(revoked_at__isnull=True).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = client.get("/api/v1/units/", **auth(other))
    assert response.status_code == 401
    assert "hết hạn" in response.json()["detail"]


def test_rate_limits_per_token(client, focal_a, settings):
    cache.clear()
    settings.API_RATE_LIMITS = {"read": "3/minute", "write": "1/minute",
                                "anonymous": "2/minute"}
    secret = token_for(focal_a)
    assert [client.get("/api/v1/pillars/", **auth(secret)).status_code
            for _ in range(4)] == [200, 200, 200, 429]
    # Another token of the same account counts on its own.
    assert client.get("/api/v1/pillars/", **auth(token_for(focal_a))).status_code == 200
    cache.clear()


def test_tables_come_as_csv_with_neutralised_cells(client, official, commune_a):
    commune_a.former_area = "=HYPERLINK(1)"
    commune_a.save()
    response = client.get("/api/v1/units/?format=csv&page_size=1000", **auth(token_for(official)))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("code,name,kind,province,former_area")
    assert "'=HYPERLINK(1)" in text and "readiness.done" in text


def test_the_documentation_page_runs_under_our_csp(client):
    page = client.get("/api/v1/docs/")
    assert page.status_code == 200
    assert "script-src 'self'" in page["Content-Security-Policy"]
    html = page.content.decode()
    assert "<script>" not in html  # every script is a file of ours
    assert "cdn" not in html.lower()
    assert "swagger-ui-dist/swagger-ui-bundle.js" in html, html
    script = client.get("/api/v1/docs/?script=")
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()
    schema = client.get("/api/v1/schema/")
    assert schema.status_code == 200 and b"/api/v1/reports/" in schema.content
