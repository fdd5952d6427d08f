"""Every API route × six people: focal points of units A and B, officials of provinces P and Q,
a national account, an anonymous caller. The routes come from the URL configuration, so a
new route is covered (or fails here until it is given an object to ask about)."""

import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import URLPattern, reverse

from api import urls as api_urls
from communes.models import Commune
from reports.models import DailyReport
from targets.models import Plan, Target, TargetMeasurement
from tests.api_world import B_CODE, Q_MARK, auth, token_for
from tests.reports_helpers import MONDAY

# Documentation routes, public on purpose (they hold no data).
PUBLIC = {"schema", "docs"}


def api_routes() -> list[tuple[str, list[str]]]:
    """(route name, its URL keyword arguments) of every route under /api/v1/."""
    routes = []
    for entry in api_urls.urlpatterns:
        assert isinstance(entry, URLPattern), "nested URLconfs: extend api_routes()"
        if entry.name in PUBLIC:
            continue
        routes.append((entry.name, list(entry.pattern.regex.groupindex)))
    return routes


LIST_ROUTES = [name for name, kwargs in api_routes() if not kwargs]
DETAIL_ROUTES = [name for name, kwargs in api_routes() if kwargs]
PEOPLE = ["focal_a", "focal_b", "official", "official_q", "national", "anonymous"]


def test_the_routes_are_found():
    assert "province-list" in LIST_ROUTES and "compliance-provinces" in LIST_ROUTES
    assert "unit-detail" in DETAIL_ROUTES and "report-detail" in DETAIL_ROUTES
    # No format-suffix duplicates: CSV is `?format=csv`.
    assert len(DETAIL_ROUTES) == 7


@pytest.fixture
def six(api_world, focal_a, focal_b, official, official_q, national):
    return {"focal_a": focal_a, "focal_b": focal_b, "official": official,
            "official_q": official_q, "national": national, "anonymous": AnonymousUser()}


@pytest.fixture
def callers(six):
    return {name: (token_for(user) if user.is_authenticated else None)
            for name, user in six.items()}


def _body(response) -> str:
    return json.dumps(response.json(), ensure_ascii=False) if response.content else ""


def _hidden_markers(person: str) -> list[str]:
    """What this person must never receive: Q's rows for P's people, P's for Q's, and the
    other unit's rows for a focal point."""
    if person in ("focal_a", "focal_b", "official"):
        markers = [Q_MARK]
    elif person == "official_q":
        markers = ["06685", B_CODE, "A-note", "B-note"]
    else:
        markers = []
    if person == "focal_a":
        markers += [B_CODE, "B-note"]
    if person == "focal_b":
        markers += ["06685", "A-note"]
    return markers


@pytest.mark.parametrize("person", PEOPLE)
def test_lists_never_contain_what_the_person_may_not_see(client, callers, person):
    """One test per person over every list route (the world is built once per test)."""
    for route in LIST_ROUTES:
        url = reverse(f"api:{route}")
        response = client.get(url, {"start": "2025-09-01", "end": "2025-09-08",
                                    "page_size": 1000}, **auth(callers[person]))
        if person == "anonymous":
            assert response.status_code == 401, route
            continue
        province_wide = route in ("compliance-provinces", "compliance-units")
        if province_wide and person.startswith("focal"):
            assert response.status_code == 404, route  # as the compliance page
            continue
        assert response.status_code == 200, (route, response.content)
        body = _body(response)
        for marker in _hidden_markers(person):
            assert marker not in body, f"{route} shows {marker} to {person}"
        if person in ("national", "official_q") and route != "pillar-list":
            # The other side of the rule: Q's rows are there for those who may see them.
            narrowed = client.get(url, {"start": "2025-09-01", "end": "2025-09-08",
                                        "province": Q_MARK}, **auth(callers[person]))
            assert Q_MARK in _body(narrowed), f"{route} hides Q from {person}"


def _objects(api_world, commune_b):
    """One object of each kind per owner: Q's (hidden from P) and unit B's (hidden from A)."""
    q_report = DailyReport.objects.get(commune=api_world.unit_q)
    b_report = DailyReport.objects.get(commune=commune_b)
    q_target = api_world.targets_q[0]
    return {
        "province-detail": {"q": {"code": Q_MARK}},
        "unit-detail": {"q": {"code": api_world.unit_q.code}, "b": {"code": commune_b.code}},
        "plan-detail": {"q": {"pk": api_world.plan_q.pk}},
        "pillar-detail": {},  # shared by every province
        "target-detail": {"q": {"pk": q_target.pk}},
        "report-detail": {"q": {"pk": q_report.pk}, "b": {"pk": b_report.pk}},
        "measurement-detail": {
            "q": {"pk": TargetMeasurement.objects.get(target__plan=api_world.plan_q).pk}
        },
    }


@pytest.mark.parametrize("person", PEOPLE)
def test_objects_of_others_answer_404(client, callers, api_world, commune_b, person):
    objects = _objects(api_world, commune_b)
    assert set(DETAIL_ROUTES) <= set(objects), "give each detail route an object to ask about"
    for route, owner, kwargs in [(r, o, k) for r in DETAIL_ROUTES for o, k in objects[r].items()]:
        url = reverse(f"api:{route}", kwargs=kwargs)
        status = client.get(url, **auth(callers[person])).status_code
        if person == "anonymous":
            assert status == 401
            continue
        hidden = (owner == "q" and person in ("focal_a", "focal_b", "official")) or (
            owner == "b" and person == "focal_a"
        )
        if hidden:
            assert status == 404, f"{url} answers {status} to {person}"
        elif person in ("national",) or (owner == "q" and person == "official_q"):
            assert status == 200, f"{url} answers {status} to {person}"


@pytest.mark.parametrize("person", PEOPLE)
def test_nobody_writes_a_report_they_may_not_see(client, six, callers, api_world, commune_a,
                                                 commune_b, person):
    """Units one may not see: 404; units one sees but does not report for: 403."""
    for unit in (api_world.unit_q, commune_b, commune_a):
        payload = {"unit": unit.code, "date": MONDAY.isoformat(), "values": {}}
        response = client.post(reverse("api:report-list"), payload,
                               content_type="application/json", **auth(callers[person]))
        visible = Commune.objects.visible_to(six[person]).filter(pk=unit.pk).exists()
        reports_for = Commune.objects.reportable_by(six[person]).filter(pk=unit.pk).exists()
        if person == "anonymous":
            assert response.status_code == 401
        elif not visible:
            assert response.status_code == 404
        elif not reports_for:
            assert response.status_code == 403
        else:
            assert response.status_code == 400  # empty values: a message per target
    assert not DailyReport.objects.filter(date=MONDAY).exists()


def test_measurements_only_by_administrators_of_the_province(
    client, api_world, official, administrator, official_q, national
):
    target_p = api_world.province_target_p
    target_q = api_world.targets_q[1]
    payload = {"target": target_q.pk, "date": MONDAY.isoformat(), "value": "55"}
    url = reverse("api:measurement-list")
    # P's administrator cannot see Q's target: 404, nothing written.
    response = client.post(url, payload, content_type="application/json",
                           **auth(token_for(administrator)))
    assert response.status_code == 404
    for user in (official, national):  # they see P's target, may not change it
        response = client.post(url, {**payload, "target": target_p.pk},
                               content_type="application/json", **auth(token_for(user)))
        assert response.status_code == 403
    response = client.post(url, {**payload, "target": target_p.pk, "value": "55,5"},
                           content_type="application/json", **auth(token_for(administrator)))
    assert response.status_code == 201, response.content
    stored = TargetMeasurement.objects.get(target=target_p, date=MONDAY)
    assert stored.entered_by == administrator and str(stored.value) == "55.50"
    again = client.post(url, {**payload, "target": target_p.pk, "value": 56},
                        content_type="application/json", **auth(token_for(administrator)))
    assert again.status_code == 200
    refused = client.post(url, {**payload, "target": target_p.pk, "value": "101"},
                          content_type="application/json", **auth(token_for(administrator)))
    assert refused.status_code == 400
    assert refused.json()["value"] == ["Tỷ lệ phần trăm không được vượt quá 100."]
    assert not TargetMeasurement.objects.filter(target=target_q, date=MONDAY).exists()
    daily = Target.objects.filter(plan__province=official.province,
                                  source="commune_daily").first()
    wrong = client.post(url, {**payload, "target": daily.pk},
                        content_type="application/json", **auth(token_for(administrator)))
    assert wrong.status_code == 400 and "target" in wrong.json()
    assert Plan.objects.exists()
