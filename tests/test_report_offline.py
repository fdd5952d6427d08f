"""The form's weak-link pieces through the test client: the worker, the manifest, the JSON
answers the form's script reads, and the idempotency key of the plain (no-JS) form."""

import json
import re
import uuid

import pytest
import time_machine
from django.urls import reverse

from communes import roles
from reports import services
from reports.models import DailyReport, ReportRevision
from tests.conftest import make_user
from tests.reports_helpers import MONDAY, at, form_data, values_for

JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def clock():
    with time_machine.travel(at(MONDAY, 16), tick=False) as traveller:
        yield traveller


def form_url(commune):
    return reverse("reports:form", args=[commune.code, MONDAY.isoformat()])


@pytest.mark.django_db
def test_the_worker_is_served_from_the_root_for_anyone(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"]
    body = response.content.decode()
    assert body.startswith('const VERSION = "')
    assert '"/static/js/reports.js"' in body and '"/manifest.webmanifest"' in body
    assert "scope.dtmStore = store" in body  # the shared storage code comes first
    assert "script-src 'self'" in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_the_manifest_opens_todays_report(client):
    response = client.get("/manifest.webmanifest")
    assert response["Content-Type"] == "application/manifest+json"
    data = json.loads(response.content)
    assert data["start_url"] == "/reports/today/" and data["display"] == "standalone"
    assert data["name"] == "dtmonitor: báo cáo hằng ngày"
    assert {icon["sizes"] for icon in data["icons"]} >= {"192x192", "512x512"}


def test_signed_in_pages_say_whose_storage_to_use(client, focal_a, clock):
    client.force_login(focal_a)
    page = client.get(form_url(focal_a.communes.get())).content.decode()
    config = json.loads(re.search(r'id="offline-client"[^>]*>(.*?)</script>', page).group(1))
    assert config["account"] == str(focal_a.pk)
    assert config["messages"]["send_now"] == "Gửi ngay"
    assert config["messages"]["pending"] == "{count} báo cáo chờ gửi"
    assert 'rel="manifest"' in page and 'data-sw="/sw.js"' in page
    assert "plotly" not in page
    client.logout()
    assert "offline-client" not in client.get(reverse("login")).content.decode()


def test_the_plain_form_carries_a_key_and_a_reposted_page_saves_once(
    client, focal_a, commune_a, clock
):
    client.force_login(focal_a)
    page = client.get(form_url(commune_a)).content.decode()
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page).group(1)
    uuid.UUID(key)
    data = form_data(idempotency_key=key)
    first = client.post(form_url(commune_a), data, follow=True)
    again = client.post(form_url(commune_a), data, follow=True)  # a reload after a lost answer
    assert ReportRevision.objects.count() == 1
    message = [str(m) for m in first.context["messages"]]
    assert message == [str(m) for m in again.context["messages"]]
    assert "Đã lưu báo cáo lúc" in message[0]


def test_the_script_gets_json_and_a_retry_gets_the_same_answer(client, focal_a, commune_a, clock):
    client.force_login(focal_a)
    data = form_data(idempotency_key=str(uuid.uuid4()))
    first = client.post(form_url(commune_a), data, **JSON)
    assert first.status_code == 200
    answer = first.json()
    assert answer["status"] == "saved" and answer["version"] == 1 and not answer["replayed"]
    assert answer["url"] == form_url(commune_a)
    retry = client.post(form_url(commune_a), data, **JSON).json()
    assert retry["replayed"] and retry["message"] == answer["message"]
    assert ReportRevision.objects.count() == 1


def test_a_queued_report_meeting_a_newer_version_gets_both(
    client, focal_a, commune_a, django_user_model, clock
):
    colleague = make_user(django_user_model, "colleague", roles.FOCAL_POINTS, [commune_a])
    services.submit_report(colleague, commune_a, MONDAY, values_for(9), note="của đồng nghiệp")
    client.force_login(focal_a)
    response = client.post(
        form_url(commune_a), form_data(version=0, amount="3", idempotency_key=str(uuid.uuid4())),
        **JSON,
    )
    assert response.status_code == 409
    answer = response.json()
    assert answer["status"] == "conflict" and answer["version"] == 1
    assert answer["who"] == "Colleague" and answer["current"]["note"] == "của đồng nghiệp"
    assert set(answer["current"].values()) >= {"9"}
    assert {v.value for v in DailyReport.objects.get().values.all()} == {9}


def test_invalid_values_get_json_and_write_nothing(client, focal_a, commune_a, clock):
    client.force_login(focal_a)
    response = client.post(form_url(commune_a), form_data(amount="12,345"), **JSON)
    assert response.status_code == 200 and response.json()["status"] == "invalid"
    assert not DailyReport.objects.exists()


def test_a_damaged_key_is_refused_with_a_message(client, focal_a, commune_a, clock):
    client.force_login(focal_a)
    response = client.post(form_url(commune_a), form_data(idempotency_key="nope"))
    assert "bị hỏng hoặc đã cũ" in response.content.decode()
    assert not DailyReport.objects.exists()


def test_another_units_focal_point_cannot_post_json(client, focal_b, commune_a, clock):
    client.force_login(focal_b)
    response = client.post(form_url(commune_a), form_data(), **JSON)
    assert response.status_code in (403, 404)
    assert not DailyReport.objects.exists()
