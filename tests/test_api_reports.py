"""Daily reports through the API: the same rows, roll-ups, revisions and messages as the form."""

import datetime as dt

import pytest
from django.urls import reverse

from reports.models import DailyReport, ReportRevision, ValueChange
from rollups.jobs import rollup_after_submission
from rollups.models import CommuneDay, CommuneTargetDay
from tests.api_world import auth, token_for
from tests.reports_helpers import MONDAY, daily_targets, form_data

URL = "/api/v1/reports/"


def form_url(commune, day=MONDAY):
    return reverse("reports:form", args=[commune.code, day.isoformat()])


def payload(commune, **values):
    body = {target.code: "1.234" for target in daily_targets()}
    body.update({code.replace("_", "-"): value for code, value in values.items()})
    return {"unit": commune.code, "date": MONDAY.isoformat(), "values": body,
            "note": "Ghi chú", "blockers": ""}


def post(client, secret, body, **extra):
    return client.post(URL, body, content_type="application/json", **auth(secret), **extra)


def _snapshot(commune) -> dict:
    report = DailyReport.objects.get(commune=commune, date=MONDAY)
    revisions = list(ReportRevision.objects.filter(report=report).order_by("version"))
    return {
        "report": (report.version, report.status, report.is_late, report.note, report.blockers,
                   report.submitted_at),
        "values": sorted((v.target.code, v.value) for v in report.values.all()),
        "revisions": [(r.version, r.kind, r.changed_at, r.text_changes) for r in revisions],
        "changes": sorted(
            (c.revision.version, c.target.code, c.old_value, c.new_value)
            for c in ValueChange.objects.filter(revision__report=report)
        ),
        "day": list(CommuneDay.objects.filter(commune=commune, date=MONDAY)
                    .values_list("expected", "outcome")),
        "target_days": sorted(CommuneTargetDay.objects.filter(commune=commune, date=MONDAY)
                              .values_list("target__code", "value", "completion")),
    }


@pytest.fixture
def world(quangninh, api_clock, commune_a, commune_b, focal_a, focal_b):
    return token_for(focal_b)


def test_api_and_form_give_the_same_rows_rollups_and_revisions(
    client, world, focal_a, focal_b, commune_a, commune_b
):
    note = {"note": "Ghi chú"}
    client.force_login(focal_a)
    assert client.post(form_url(commune_a), form_data(amount="1.234") | note).status_code == 302
    client.logout()
    # Strings the Vietnamese way and JSON numbers mixed: both read by core.numbers.
    body = payload(commune_b)
    first_code = daily_targets()[0].code
    body["values"][first_code] = 1234
    response = post(client, world, body)
    assert response.status_code == 201, response.content
    assert response.json()["values"][first_code] == 1234
    # The edit, from version 1 in both.
    client.force_login(focal_a)
    edit = form_data(version=1, amount="1.234", CX_02="7") | note
    assert client.post(form_url(commune_a), edit).status_code == 302
    client.logout()
    response = post(client, world, payload(commune_b, CX_02=7) | {"expected_version": 1})
    assert response.status_code == 200 and response.json()["version"] == 2
    for commune in (commune_a, commune_b):
        rollup_after_submission(commune.pk, MONDAY, today=MONDAY)
    a, b = _snapshot(commune_a), _snapshot(commune_b)
    assert a == b
    assert [r[1] for r in b["revisions"]] == ["submitted", "edited"]
    assert ("CX-02", 1234, 7) in [change[1:] for change in b["changes"]]
    assert b["day"] and b["target_days"]
    report = DailyReport.objects.get(commune=commune_b, date=MONDAY)
    assert report.submitted_by == focal_b  # the token's account is the author
    assert set(report.revisions.values_list("changed_by", flat=True)) == {focal_b.pk}


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1,234", "“1,234” không rõ ràng"),
        ("-1", "Giá trị không được âm."),
        ("3,14159", "Dùng tối đa 2 chữ số thập phân."),
        ("", "Nhập một giá trị"),
        (1.5, "Số lượng phải là số nguyên."),
        (True, "Nhập một số"),
    ],
)
def test_an_invalid_value_gets_the_forms_message(client, world, focal_a, commune_a, commune_b,
                                                 typed, message):
    client.force_login(focal_a)
    page = client.post(form_url(commune_a), form_data(CX_02=typed if typed is not True
                                                      else "yes")).content.decode()
    client.logout()
    response = post(client, world, payload(commune_b, CX_02=typed))
    assert response.status_code == 400
    [api_message] = response.json()["values"]["CX-02"]
    assert message in api_message
    assert api_message.replace("“", "&ldquo;") in page or api_message in page.replace(
        "&#x27;", "'").replace("&quot;", '"')
    assert not DailyReport.objects.exists()


def test_messages_follow_the_requested_language(client, world, commune_b):
    body = payload(commune_b, CX_02="-1")
    assert post(client, world, body).json()["values"]["CX-02"] == ["Giá trị không được âm."]
    english = ["The value cannot be negative."]
    assert post(client, world, body, HTTP_ACCEPT_LANGUAGE="en").json()["values"]["CX-02"] \
        == english
    response = client.post(URL + "?lang=en", body, content_type="application/json",
                           **auth(world))
    assert response.json()["values"]["CX-02"] == english


def test_missing_and_unknown_targets_and_stale_versions(client, world, commune_b):
    body = payload(commune_b)
    del body["values"]["CX-02"]
    body["values"]["NOPE"] = 1
    errors = post(client, world, body).json()["values"]
    assert errors["CX-02"] == ["Nhập một giá trị (0 nếu không có gì để báo cáo)."]
    assert "NOPE" in errors
    assert post(client, world, payload(commune_b) | {"expected_version": 0}).status_code == 201
    stale = post(client, world, payload(commune_b, CX_02="9") | {"expected_version": 0})
    assert stale.status_code == 409 and stale.json()["current_version"] == 1, stale.json()
    # The same content again is a no-op, answered 200 with the stored report.
    again = post(client, world, payload(commune_b) | {"expected_version": 0})
    assert again.status_code == 200 and again.json()["version"] == 1


def test_a_closed_day_is_refused_like_the_form(client, world, commune_b):
    body = payload(commune_b) | {"date": (MONDAY - dt.timedelta(days=30)).isoformat()}
    response = post(client, world, body)
    assert response.status_code == 403
    assert not DailyReport.objects.exists()


def test_browser_sessions_need_csrf(world, focal_b, commune_b):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(focal_b)
    assert browser.get("/api/v1/units/").status_code == 200
    response = browser.post(URL, payload(commune_b), content_type="application/json")
    assert response.status_code == 403
    assert not DailyReport.objects.exists()
