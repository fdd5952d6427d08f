"""Two provinces in one deployment: what each account sees.

A is Quang Ninh (the `quangninh` fixture), B a small province made here. Accounts of A never
see B's units, plans, targets, reports, rows in exports or chart data, and B's objects answer
404. The pages are taken from the URL configuration, so a new view cannot escape this test.
"""

import datetime as dt
import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from communes import roles
from communes.models import Commune, Province, User
from reports import services
from reports.models import DailyReport, DayUnlock, Holiday, Notice, ReportValue
from targets.models import Pillar, Plan, Programme, Target, TargetMeasurement

from .conftest import make_user

B_NAMES = ("Xã Riêng Bê", "Chỉ tiêu riêng của B", "Kế hoạch riêng của B", "Tỉnh Bê Thử",
           "focal_of_b", "99001")


@pytest.fixture
def province_b(quangninh):
    """Province B: one unit, a plan with one target, a focal point, a report, an unlocked day,
    a measurement and a notice."""
    b = Province.objects.create(code="99", name="Tỉnh Bê Thử")
    unit = Commune.objects.create(province=b, code="99001", name="Xã Riêng Bê", kind="commune")
    plan = Plan.objects.create(province=b, year=2025, title="Kế hoạch riêng của B")
    target = Target.objects.create(
        plan=plan, code="BB-01", name_vi="Chỉ tiêu riêng của B", name_en="Chỉ tiêu riêng của B",
        pillar=Pillar.objects.first(), unit="count", source="province", aggregation="latest",
    )
    focal = make_user(User, "focal_of_b", roles.FOCAL_POINTS, [unit])
    report = DailyReport.objects.create(
        commune=unit, date=dt.date(2025, 9, 1), submitted_by=focal, submitted_at=timezone.now()
    )
    ReportValue.for_target(target, report=report, value=3).save()
    DayUnlock.objects.create(commune=unit, date=dt.date(2025, 8, 1), reason="Xã Riêng Bê")
    TargetMeasurement.objects.create(target=target, date=dt.date(2025, 9, 1), value=4)
    notice = Notice.objects.create(user=focal, commune=unit, message="Xã Riêng Bê")
    programme = Programme.objects.create(
        province=b, title="Kế hoạch riêng của B", resolution_reference="01-NQ/B", horizon_year=2030
    )
    return {"province": b, "unit": unit, "plan": plan, "target": target, "report": report,
            "focal": focal, "notice": notice, "programme": programme}


@pytest.fixture
def national(django_user_model, quangninh):
    return make_user(django_user_model, "national", roles.PROVINCIAL_OFFICIALS,
                     scope=User.Scope.NATIONAL)


def _routes(resolver=None, prefix=""):
    """(name, route pattern, its parameters) for every URL of the project but the admin's."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if str(entry.pattern).startswith("admin/"):
                continue
            namespace = entry.namespace
            yield from (
                (f"{namespace}:{name}" if namespace and name else name, route, params)
                for name, route, params in _routes(entry, prefix + str(entry.pattern))
            )
        elif isinstance(entry, URLPattern):
            # Path converters, or the named groups of a regex route (the API's router).
            params = set(entry.pattern.converters) or set(entry.pattern.regex.groupindex)
            yield entry.name, prefix + str(entry.pattern), params


def _b_url(name, route, params, b) -> str | None:
    """The route filled with B's objects; None for routes without B objects (the auth views,
    "set language")."""
    values = {"code": b["unit"].code, "day": "2025-09-01"}
    by_name = {"targets:detail": b["target"].pk, "reports:detail": b["report"].pk,
               "reports:return": b["report"].pk, "dismiss_notice": b["notice"].pk,
               "programmes:detail": b["programme"].pk,
               "api:plan-detail": b["plan"].pk, "api:target-detail": b["target"].pk,
               "api:report-detail": b["report"].pk,
               "api:measurement-detail": TargetMeasurement.objects.get(target=b["target"]).pk}
    if name in ("api:province-detail",):
        values["code"] = b["province"].code
    if "pk" in params:
        if name not in by_name:
            raise AssertionError(f"{name}: say which object of B fills its pk")
        values["pk"] = by_name[name]
    if params - values.keys():
        return None
    return reverse(name, kwargs={key: values[key] for key in params})


def _people(request):
    return [request.getfixturevalue(name) for name in
            ("official", "administrator", "focal_a")]


def _assert_none_of_b(response, where):
    body = b"".join(response) if response.streaming else response.content
    text = body.decode("utf-8", "replace")
    for name in B_NAMES:
        assert name not in text, f"{where} shows {name}"
    return text


PARAMETERLESS_SKIP = {"logout", "dismiss_notice"}


@pytest.mark.parametrize("person", ["official", "administrator", "focal_a"])
def test_accounts_of_a_never_see_b_on_any_page(client, request, province_b, person, commune_a):
    user = request.getfixturevalue(person)
    client.force_login(user)
    routes = list(_routes())
    assert any(name == "targets:detail" for name, _, _ in routes)
    for name, route, params in routes:
        if params:
            url = _b_url(name, route, params, province_b)
            if url is None:
                continue
            status = client.get(url).status_code
            if status == 405:  # a form's target: posting to B's object is a 404 too
                status = client.post(url).status_code
            assert status == 404, f"{person} GET {url} ({name}) answered {status}"
            continue
        if name in PARAMETERLESS_SKIP or name is None or route.startswith("i18n"):
            continue
        url = reverse(name)
        response = client.get(url, follow=True)
        text = _assert_none_of_b(response, f"{person} {url}")
        for suffix in ("?_export=csv", "?_export=xlsx", "?province=22"):
            _assert_none_of_b(client.get(url + suffix, follow=True), f"{person} {url}{suffix}")
        for chart in set(re.findall(r"csv=([\w-]+)", text)):
            _assert_none_of_b(client.get(f"{url}?csv={chart}"), f"{person} {url}?csv={chart}")
        # Asking for B by its code is a 404, never B's data.
        if name in ("home", "compliance:index", "targets:list"):
            assert client.get(url + "?province=99").status_code == 404


def test_querysets_follow_the_scope(province_b, official, administrator, focal_a, national,
                                    commune_a):
    b_unit, b_target = province_b["unit"], province_b["target"]
    for user in (official, administrator, focal_a):
        assert list(Province.objects.visible_to(user)) == [official.province]
        assert not Commune.objects.visible_to(user).filter(pk=b_unit.pk).exists()
        assert not Plan.objects.visible_to(user).filter(pk=province_b["plan"].pk).exists()
        assert not Target.objects.visible_to(user).filter(pk=b_target.pk).exists()
        assert not DailyReport.objects.visible_to(user).filter(commune=b_unit).exists()
    assert list(Commune.objects.visible_to(focal_a)) == [commune_a]
    assert Commune.objects.visible_to(official).count() == 54
    # National: everything, read-only.
    assert Province.objects.visible_to(national).count() == 2
    assert Commune.objects.visible_to(national).count() == 55
    assert DailyReport.objects.visible_to(national).filter(commune=b_unit).exists()
    assert not Commune.objects.reportable_by(national).exists()
    assert not services.can_review(national)


def test_national_account_reads_b_but_cannot_return_its_reports(client, province_b, national):
    client.force_login(national)
    report = province_b["report"]
    assert client.get(reverse("reports:detail", args=[report.pk])).status_code == 200
    assert client.get(reverse("home") + "?province=99").status_code == 200
    response = client.post(reverse("reports:return", args=[report.pk]), {"comment": "x"})
    assert response.status_code == 403
    report.refresh_from_db()
    assert report.status == DailyReport.Status.SUBMITTED


def test_admin_of_a_sees_none_of_b_in_any_change_list(client, province_b, administrator):
    client.force_login(administrator)
    for model, model_admin in admin.site._registry.items():
        if not model_admin.has_view_or_change_permission(_request(administrator)):
            continue
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_none_of_b(response, url)
    for obj in (province_b["unit"], province_b["plan"], province_b["target"],
                province_b["report"], province_b["focal"]):
        opts = obj._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        response = client.get(url)
        # The admin answers "does not exist" by sending back to its index.
        assert response.status_code == 302 and "/change/" not in response.url, url


def test_admin_of_a_reaches_no_history_page_of_b(client, province_b, administrator):
    # django-simple-history's page falls back to the history rows when the admin's queryset
    # hides the object, so each history page must be checked on its own.
    client.force_login(administrator)
    for obj in (province_b["unit"], province_b["plan"], province_b["target"],
                province_b["report"], province_b["focal"]):
        opts = obj._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])
        response = client.get(url)
        assert response.status_code == 404, url
        _assert_none_of_b(response, url)


def test_admin_of_a_picks_only_a_in_foreign_keys(client, province_b, administrator):
    client.force_login(administrator)
    page = client.get(reverse("admin:reports_dayunlock_add")).content.decode()
    assert "Xã Riêng Bê" not in page
    page = client.get(reverse("admin:targets_target_add")).content.decode()
    assert "Kế hoạch riêng của B" not in page
    response = client.post(reverse("admin:targets_plan_add"), {
        "province": province_b["province"].pk, "year": 2026, "title": "Smuggled",
    })
    assert response.status_code == 200 and not Plan.objects.filter(title="Smuggled").exists()


def test_national_holidays_are_read_only_for_a_province_administrator(client, administrator):
    # Their province's own days off are theirs (tests/test_provincial_rules.py).
    national = Holiday.objects.filter(province=None).first()
    client.force_login(administrator)
    url = reverse("admin:reports_holiday_change", args=[national.pk])
    assert client.post(url, {"date": "01/01/2030", "name": "x"}).status_code == 403


def test_unit_accounts_hold_units_of_their_province_only(client, province_b, administrator,
                                                         focal_a, commune_a):
    client.force_login(administrator)
    url = reverse("admin:communes_user_change", args=[focal_a.pk])
    page = client.get(url).content.decode()
    assert "Xã Riêng Bê" not in page


def _request(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = user
    return request


def test_import_refuses_another_provinces_unit_with_line_and_column(province_b, administrator):
    from communes import accounts

    rows = [
        accounts.AccountRow(line=2, username="a_one", email="a1@example.org",
                            unit_codes=["06685"], role="đầu mối xã"),
        accounts.AccountRow(line=3, username="a_two", email="a2@example.org",
                            unit_codes=["99001"], role="đầu mối xã"),
        accounts.AccountRow(line=4, username="a_three", email="a3@example.org",
                            role="cán bộ tỉnh", province_code="99"),
    ]
    result = accounts.import_accounts(rows, actor=administrator, dry_run=False)
    assert {(e.line, e.column) for e in result.errors} == {(3, "Mã đơn vị"), (4, "Tỉnh")}
    assert not User.objects.filter(username__startswith="a_").exists()


def test_import_sets_scope_and_province(quangninh, administrator):
    from communes import accounts

    rows = [
        accounts.AccountRow(line=2, username="unit_one", email="u1@example.org",
                            unit_codes=["06685"], role="đầu mối xã"),
        accounts.AccountRow(line=3, username="prov_one", email="p1@example.org",
                            role="cán bộ tỉnh", province_code="22"),
    ]
    result = accounts.import_accounts(rows, actor=administrator, dry_run=False)
    assert not result.errors
    unit_one, prov_one = (User.objects.get(username=n) for n in ("unit_one", "prov_one"))
    assert (unit_one.scope, unit_one.province.code) == ("unit", "22")
    assert (prov_one.scope, prov_one.province.code) == ("province", "22")
    assert Group.objects.get(name=roles.PROVINCIAL_OFFICIALS) in prov_one.groups.all()
