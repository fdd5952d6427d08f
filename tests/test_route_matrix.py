"""Every route of the URL configuration × every kind of person: the answer written down per cell.

Columns (people): anonymous, the focal point of unit A, the focal point of unit B (same province
P, Quang Ninh), an official of P, an administrator of P, an official of another province Q, a
national account. Rows: every route, GET and POST, its path filled with objects of A, of B and
of Q (`of`; province-level objects: of P and of Q; `-`: no object, or one every province
shares). A new route without its rows fails `test_every_route_has_its_rows`, so no view escapes
the matrix.

Answers: `login` (a redirect to the login page; the admin's own for admin routes), a status
code, `302` for any other redirect. A refused POST (login, 401, 403, 404, 405, 415) changes
nothing in the database, and a POST to a route that only reads changes nothing whatever it
answers. Django's admin answers an object it does not show with a redirect to its index (302),
not a 404.

The admin is covered by its index, its login and logout and one model's list and change page
(reports, with A's, B's and Q's reports); tests/test_scope.py opens every other change list as
the administrator of P and finds nothing of Q, and tests/test_admin_escalation.py covers the
admin's account pages.
"""

import base64
import datetime as dt

import pytest
import time_machine
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from communes import roles
from communes.models import Commune, Province, User
from reports import services
from reports.models import DailyReport, DayUnlock, Notice, ReportRevision, ReportValue
from targets.models import Pillar, Plan, Programme, Target, TargetMeasurement
from tests.conftest import make_user
from tests.reports_helpers import MONDAY, at, form_data, values_for
from tests.test_scope import province_b  # noqa: F401  (province Q and its objects)

ROLES = ("anonymous", "focal_a", "focal_b", "official_p", "admin_p", "official_q", "national")

MATRIX = """
# route                              of      | anon  focA  focB  offP  admP  offQ  natl
admin:index                          -  GET  | login login login login 200   login login
admin:index                          -  POST | login login login login 200   login login
admin:login                          -  GET  | 200   200   200   200   302   200   200
admin:login                          -  POST | 200   200   200   200   200   200   200
admin:logout                         -  GET  | 302   302   302   302   405   302   302
admin:logout                         -  POST | 302   302   302   302   302   302   302
admin:reports_dailyreport_change     A  GET  | login login login login 200   login login
admin:reports_dailyreport_change     A  POST | login login login login 200   login login
admin:reports_dailyreport_change     B  GET  | login login login login 200   login login
admin:reports_dailyreport_change     B  POST | login login login login 200   login login
admin:reports_dailyreport_change     Q  GET  | login login login login 302   login login
admin:reports_dailyreport_change     Q  POST | login login login login 302   login login
admin:reports_dailyreport_changelist -  GET  | login login login login 200   login login
admin:reports_dailyreport_changelist -  POST | login login login login 200   login login
api:compliance-days                  -  GET  | 401   200   200   200   200   200   200
api:compliance-days                  -  POST | 401   405   405   405   405   405   405
api:compliance-provinces             -  GET  | 401   404   404   200   200   200   200
api:compliance-provinces             -  POST | 401   404   404   405   405   405   405
api:compliance-units                 -  GET  | 401   404   404   200   200   200   200
api:compliance-units                 -  POST | 401   404   404   405   405   405   405
api:docs                             -  GET  | 200   200   200   200   200   200   200
api:docs                             -  POST | 405   405   405   405   405   405   405
api:measurement-detail               P  GET  | 401   200   200   200   200   404   200
api:measurement-detail               P  POST | 401   405   405   405   405   405   405
api:measurement-detail               Q  GET  | 401   404   404   404   404   200   200
api:measurement-detail               Q  POST | 401   405   405   405   405   405   405
api:measurement-list                 -  GET  | 401   200   200   200   200   200   200
api:measurement-list                 -  POST | 401   415   415   415   415   415   415
api:pillar-detail                    -  GET  | 401   200   200   200   200   200   200
api:pillar-detail                    -  POST | 401   405   405   405   405   405   405
api:pillar-list                      -  GET  | 401   200   200   200   200   200   200
api:pillar-list                      -  POST | 401   405   405   405   405   405   405
api:plan-detail                      P  GET  | 401   200   200   200   200   404   200
api:plan-detail                      P  POST | 401   405   405   405   405   405   405
api:plan-detail                      Q  GET  | 401   404   404   404   404   200   200
api:plan-detail                      Q  POST | 401   405   405   405   405   405   405
api:plan-list                        -  GET  | 401   200   200   200   200   200   200
api:plan-list                        -  POST | 401   405   405   405   405   405   405
api:province-detail                  P  GET  | 401   200   200   200   200   404   200
api:province-detail                  P  POST | 401   405   405   405   405   405   405
api:province-detail                  Q  GET  | 401   404   404   404   404   200   200
api:province-detail                  Q  POST | 401   405   405   405   405   405   405
api:province-list                    -  GET  | 401   200   200   200   200   200   200
api:province-list                    -  POST | 401   405   405   405   405   405   405
api:report-detail                    A  GET  | 401   200   404   200   200   404   200
api:report-detail                    A  POST | 401   405   405   405   405   405   405
api:report-detail                    B  GET  | 401   404   200   200   200   404   200
api:report-detail                    B  POST | 401   405   405   405   405   405   405
api:report-detail                    Q  GET  | 401   404   404   404   404   200   200
api:report-detail                    Q  POST | 401   405   405   405   405   405   405
api:report-list                      -  GET  | 401   200   200   200   200   200   200
api:report-list                      -  POST | 401   415   415   415   415   415   415
api:schema                           -  GET  | 200   200   200   200   200   200   200
api:schema                           -  POST | 405   405   405   405   405   405   405
api:target-days                      -  GET  | 401   200   200   200   200   200   200
api:target-days                      -  POST | 401   405   405   405   405   405   405
api:target-detail                    P  GET  | 401   200   200   200   200   404   200
api:target-detail                    P  POST | 401   405   405   405   405   405   405
api:target-detail                    Q  GET  | 401   404   404   404   404   200   200
api:target-detail                    Q  POST | 401   405   405   405   405   405   405
api:target-list                      -  GET  | 401   200   200   200   200   200   200
api:target-list                      -  POST | 401   405   405   405   405   405   405
api:unit-detail                      A  GET  | 401   200   404   200   200   404   200
api:unit-detail                      A  POST | 401   405   405   405   405   405   405
api:unit-detail                      B  GET  | 401   404   200   200   200   404   200
api:unit-detail                      B  POST | 401   405   405   405   405   405   405
api:unit-detail                      Q  GET  | 401   404   404   404   404   200   200
api:unit-detail                      Q  POST | 401   405   405   405   405   405   405
api:unit-list                        -  GET  | 401   200   200   200   200   200   200
api:unit-list                        -  POST | 401   405   405   405   405   405   405
api:unit-target-days                 -  GET  | 401   200   200   200   200   200   200
api:unit-target-days                 -  POST | 401   405   405   405   405   405   405
communes:detail                      A  GET  | login 200   404   200   200   404   200
communes:detail                      A  POST | login 200   404   200   200   404   200
communes:detail                      B  GET  | login 404   200   200   200   404   200
communes:detail                      B  POST | login 404   200   200   200   404   200
communes:detail                      Q  GET  | login 404   404   404   404   200   200
communes:detail                      Q  POST | login 404   404   404   404   200   200
communes:list                        -  GET  | login 200   200   200   200   200   200
communes:list                        -  POST | login 200   200   200   200   200   200
compliance:index                     -  GET  | login 404   404   200   200   200   200
compliance:index                     -  POST | login 404   404   200   200   200   200
dismiss_notice                       A  GET  | login 405   405   405   405   405   405
dismiss_notice                       A  POST | login 302   404   404   404   404   404
dismiss_notice                       B  GET  | login 405   405   405   405   405   405
dismiss_notice                       B  POST | login 404   302   404   404   404   404
dismiss_notice                       Q  GET  | login 405   405   405   405   405   405
dismiss_notice                       Q  POST | login 404   404   404   404   404   404
home                                 -  GET  | login 200   200   200   200   200   200
home                                 -  POST | login 200   200   200   200   200   200
login                                -  GET  | 200   200   200   200   200   200   200
login                                -  POST | 200   200   200   200   200   200   200
logout                               -  GET  | 405   405   405   405   405   405   405
logout                               -  POST | 302   302   302   302   302   302   302
manifest                             -  GET  | 200   200   200   200   200   200   200
manifest                             -  POST | 405   405   405   405   405   405   405
national:index                       -  GET  | login 404   404   404   404   404   200
national:index                       -  POST | login 404   404   404   404   404   200
password_reset                       -  GET  | 200   200   200   200   200   200   200
password_reset                       -  POST | 200   200   200   200   200   200   200
password_reset_complete              -  GET  | 200   200   200   200   200   200   200
password_reset_complete              -  POST | 405   405   405   405   405   405   405
password_reset_confirm               -  GET  | 200   200   200   200   200   200   200
password_reset_confirm               -  POST | 200   200   200   200   200   200   200
password_reset_done                  -  GET  | 200   200   200   200   200   200   200
password_reset_done                  -  POST | 405   405   405   405   405   405   405
programmes:detail                    P  GET  | login 404   404   200   200   404   200
programmes:detail                    P  POST | login 404   404   200   200   404   200
programmes:detail                    Q  GET  | login 404   404   404   404   200   200
programmes:detail                    Q  POST | login 404   404   404   404   200   200
programmes:index                     -  GET  | login 404   404   200   200   200   200
programmes:index                     -  POST | login 404   404   200   200   200   200
reports:calendar                     A  GET  | login 200   404   200   200   404   200
reports:calendar                     A  POST | login 200   404   200   200   404   200
reports:calendar                     B  GET  | login 404   200   200   200   404   200
reports:calendar                     B  POST | login 404   200   200   200   404   200
reports:calendar                     Q  GET  | login 404   404   404   404   200   200
reports:calendar                     Q  POST | login 404   404   404   404   200   200
reports:detail                       A  GET  | login 200   404   200   200   404   200
reports:detail                       A  POST | login 200   404   200   200   404   200
reports:detail                       B  GET  | login 404   200   200   200   404   200
reports:detail                       B  POST | login 404   200   200   200   404   200
reports:detail                       Q  GET  | login 404   404   404   404   200   200
reports:detail                       Q  POST | login 404   404   404   404   200   200
reports:form                         A  GET  | login 200   404   200   200   404   200
reports:form                         A  POST | login 200   404   403   403   404   403
reports:form                         B  GET  | login 404   200   200   200   404   200
reports:form                         B  POST | login 404   200   403   403   404   403
reports:form                         Q  GET  | login 404   404   404   404   200   200
reports:form                         Q  POST | login 404   404   404   404   403   403
reports:list                         -  GET  | login 200   200   200   200   200   200
reports:list                         -  POST | login 200   200   200   200   200   200
reports:return                       A  GET  | 405   405   405   405   405   405   405
reports:return                       A  POST | login 403   404   400   400   404   403
reports:return                       B  GET  | 405   405   405   405   405   405   405
reports:return                       B  POST | login 404   403   400   400   404   403
reports:return                       Q  GET  | 405   405   405   405   405   405   405
reports:return                       Q  POST | login 404   404   404   404   400   403
reports:start                        -  GET  | login 302   302   302   302   302   302
reports:start                        -  POST | login 302   302   302   302   302   302
reports:today                        -  GET  | login 302   302   302   302   302   302
reports:today                        -  POST | login 302   302   302   302   302   302
science_tasks:list                   -  GET  | login 404   404   200   200   200   200
science_tasks:list                   -  POST | login 404   404   200   200   200   200
service_worker                       -  GET  | 200   200   200   200   200   200   200
service_worker                       -  POST | 405   405   405   405   405   405   405
set_language                         -  GET  | 302   302   302   302   302   302   302
set_language                         -  POST | 302   302   302   302   302   302   302
targets:detail                       P  GET  | login 404   404   200   200   404   200
targets:detail                       P  POST | login 404   404   200   200   404   200
targets:detail                       Q  GET  | login 404   404   404   404   200   200
targets:detail                       Q  POST | login 404   404   404   404   200   200
targets:list                         -  GET  | login 404   404   200   200   200   200
targets:list                         -  POST | login 404   404   200   200   200   200
two_factor_enrol                     -  GET  | login 200   200   200   200   200   200
two_factor_enrol                     -  POST | login 200   200   200   200   200   200
two_factor_status                    -  GET  | login 200   200   200   200   200   200
two_factor_status                    -  POST | login 200   200   200   200   200   200
two_factor_verify                    -  GET  | login 302   302   302   302   302   302
two_factor_verify                    -  POST | login 302   302   302   302   302   302
"""

# Admin routes in the matrix (the rest of the admin: see the module's docstring).
ADMIN_ROUTES = {"admin:index", "admin:login", "admin:logout",
                "admin:reports_dailyreport_changelist", "admin:reports_dailyreport_change"}

# What fills each path parameter, by route: a unit (A, B, Q), a report, a notice, or a
# province-level object (P, Q). A new route with parameters must be named here.
UNIT_ROUTES = {"communes:detail", "reports:calendar", "reports:form", "api:unit-detail"}
REPORT_ROUTES = {"reports:detail", "reports:return", "api:report-detail",
                 "admin:reports_dailyreport_change"}
NOTICE_ROUTES = {"dismiss_notice"}
PROVINCE_ROUTES = {"targets:detail": "target", "programmes:detail": "programme",
                   "api:plan-detail": "plan", "api:target-detail": "target",
                   "api:measurement-detail": "measurement", "api:province-detail": "province"}
SHARED_ROUTES = {"api:pillar-detail", "password_reset_confirm"}
REFUSED = {"login", "401", "403", "404", "405", "415"}
# Routes whose POST may write (when it is not refused); every other POST changes nothing.
WRITERS = {"reports:form", "reports:return", "dismiss_notice", "logout", "login",
           "admin:login", "admin:logout", "admin:reports_dailyreport_change", "set_language",
           "two_factor_enrol", "two_factor_status", "two_factor_verify", "password_reset",
           "password_reset_confirm", "api:report-list", "api:measurement-list"}


def parse(text: str) -> dict[tuple[str, str, str], tuple[str, ...]]:
    cells = {}
    for line in text.strip().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        key, answers = line.split("|")
        name, objects, method = key.split()
        answers = tuple(answers.split())
        assert len(answers) == len(ROLES), line
        assert (name, objects, method) not in cells, f"{line}: twice"
        cells[name, objects, method] = answers
    return cells


def _patterns(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = ":".join(filter(None, [namespace, entry.namespace]))
            yield from _patterns(entry, inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            params = set(entry.pattern.converters) or set(entry.pattern.regex.groupindex)
            yield name, params, namespace


def routes() -> dict[str, set[str]]:
    """Route name -> its path parameters: every route of ours, and the admin's listed above."""
    found = {}
    for name, params, namespace in _patterns():
        if namespace == "admin":
            if name in ADMIN_ROUTES:
                found[name] = params
            continue
        if name is None:
            raise AssertionError(f"a route without a name ({params}): name it")
        # The API's router adds a format-suffix twin of each route (`.json`): same view.
        if "format" in params:
            continue
        found[name] = params
    return found


def variants(name: str, params: set[str]) -> tuple[str, ...]:
    if not params:
        return ("-",)
    if name in UNIT_ROUTES | REPORT_ROUTES | NOTICE_ROUTES:
        return ("A", "B", "Q")
    if name in PROVINCE_ROUTES:
        return ("P", "Q")
    if name in SHARED_ROUTES:
        return ("-",)
    raise AssertionError(f"{name} {sorted(params)}: say which objects fill its path")


def expected_keys() -> set[tuple[str, str, str]]:
    return {(name, objects, method) for name, params in routes().items()
            for objects in variants(name, params) for method in ("GET", "POST")}


def test_every_route_has_its_rows():
    written = set(parse(MATRIX))
    missing = sorted(expected_keys() - written)
    assert missing == [], f"routes without a row in MATRIX: {missing}"
    assert sorted(written - expected_keys()) == [], "rows for routes that are gone"


def test_the_url_configuration_is_all_there():
    # Guards the walk itself: it reaches the nested namespaces and the API's router.
    names = routes()
    for name in ("home", "reports:form", "api:report-detail", "api:docs", "set_language",
                 "admin:index", "password_reset_confirm"):
        assert name in names, name


@pytest.fixture
def world(quangninh, province_b, focal_a, focal_b, official, administrator,  # noqa: F811
          commune_a, commune_b):
    """The seven people, and the objects of A, B, P and Q the paths are filled with."""
    q = province_b
    national = make_user(User, "national", roles.PROVINCIAL_OFFICIALS, scope=User.Scope.NATIONAL)
    official_q = make_user(User, "official_q", roles.PROVINCIAL_OFFICIALS,
                           province=q["province"])
    last_week = MONDAY - dt.timedelta(days=3)  # Friday 5/9/2025
    with time_machine.travel(at(last_week, 16), tick=False):
        report_a = services.submit_report(focal_a, commune_a, last_week,
                                          values_for(4, last_week)).report
        report_b = services.submit_report(focal_b, commune_b, last_week,
                                          values_for(6, last_week)).report
    target_p = Target.objects.get(plan__year=2025, code="VN942-DG-02")
    objects = {
        "A": {"unit": commune_a.code, "report": report_a.pk,
              "notice": Notice.objects.create(user=focal_a, commune=commune_a,
                                              message="A").pk},
        "B": {"unit": commune_b.code, "report": report_b.pk,
              "notice": Notice.objects.create(user=focal_b, commune=commune_b,
                                              message="B").pk},
        "P": {"province": "22", "target": target_p.pk,
              "plan": Plan.objects.get(province__code="22", year=2025).pk,
              "programme": Programme.objects.get(province__code="22").pk,
              "measurement": TargetMeasurement.objects.create(
                  target=Target.objects.filter(plan__province__code="22", plan__year=2025,
                                               source="province").earliest("pk"),
                  date=dt.date(2025, 9, 1), value=5).pk},
        "Q": {"unit": q["unit"].code, "report": q["report"].pk, "notice": q["notice"].pk,
              "province": q["province"].code, "target": q["target"].pk, "plan": q["plan"].pk,
              "programme": q["programme"].pk,
              "measurement": TargetMeasurement.objects.get(target=q["target"]).pk},
    }
    people = {"anonymous": None, "focal_a": focal_a, "focal_b": focal_b,
              "official_p": official, "admin_p": administrator, "official_q": official_q,
              "national": national}
    return {"people": people, "objects": objects, "pillar": Pillar.objects.first().code}


def url_for(name: str, params: set[str], objects: str, world: dict) -> str:
    if objects == "-":
        uid = base64.urlsafe_b64encode(b"1").decode().rstrip("=")
        shared = {"code": world["pillar"], "uidb64": uid, "token": "not-a-token"}
        return reverse(name, kwargs={key: shared[key] for key in params})
    of = world["objects"][objects]
    if name in UNIT_ROUTES:
        values = {"code": of["unit"], "day": MONDAY.isoformat()}
    elif name in REPORT_ROUTES:
        values = {"pk": of["report"], "object_id": of["report"]}
    elif name in NOTICE_ROUTES:
        values = {"pk": of["notice"]}
    else:
        values = {"pk": of[PROVINCE_ROUTES[name]], "code": of["province"]}
    return reverse(name, kwargs={key: values[key] for key in params})


def answer(response) -> str:
    if response.status_code == 302 and response["Location"].startswith(
        (reverse("login"), reverse("admin:login"))
    ):
        return "login"
    return str(response.status_code)


def database_state() -> list:
    """Every row a refused post could have touched."""
    return [
        list(model.objects.order_by("pk").values())
        for model in (DailyReport, ReportValue, ReportRevision, Notice, DayUnlock,
                      TargetMeasurement, Target, Plan, Programme, Commune, Province, User)
    ]


def observe(client, world: dict, role: str) -> dict[tuple[str, str, str], str]:
    """The answer `role` gets in each cell; refused posts are checked to change nothing."""
    seen = {}
    user = world["people"][role]
    for name, params in sorted(routes().items()):
        for objects in variants(name, params):
            url = url_for(name, params, objects, world)
            for method in ("GET", "POST"):
                client.logout()
                if user is not None:
                    client.force_login(user)
                before = database_state() if method == "POST" else None
                response = getattr(client, method.lower())(url)
                seen[name, objects, method] = got = answer(response)
                if method == "POST" and (got in REFUSED or name not in WRITERS):
                    assert database_state() == before, f"{role} POST {url} ({got}) changed rows"
    return seen


@pytest.mark.parametrize("role", ROLES)
def test_each_person_gets_the_answer_written_down(client, world, role):
    cells = parse(MATRIX)
    column = ROLES.index(role)
    with time_machine.travel(at(MONDAY, 16), tick=False):
        seen = observe(client, world, role)
    wrong = [f"{name} {objects} {method}: expected {cells[name, objects, method][column]}, "
             f"got {got}" for (name, objects, method), got in sorted(seen.items())
             if cells.get((name, objects, method), (None,) * len(ROLES))[column] != got]
    assert wrong == [], f"{role}:\n" + "\n".join(wrong)


def test_extra_posted_fields_are_ignored(client, focal_a, commune_a, commune_b, official):
    """A focal point who adds fields to the daily form (another unit, a status, a submitter, a
    date, a late flag) saves their own unit's report for the day in the path, as themselves."""
    form = reverse("reports:form", args=[commune_a.code, MONDAY.isoformat()])
    smuggled = {
        "commune": commune_b.pk, "commune_id": commune_b.pk, "code": commune_b.code,
        "status": DailyReport.Status.RETURNED, "submitted_by": official.pk,
        "submitted_by_id": official.pk, "date": "2025-09-01", "is_late": "on",
        "submitted_at": "2020-01-01T00:00", "review_comment": "smuggled", "id": "1",
    }
    client.force_login(focal_a)
    with time_machine.travel(at(MONDAY, 16), tick=False):
        response = client.post(form, form_data(version=0, amount="7", **smuggled))
    assert response.status_code == 302
    report = DailyReport.objects.get()
    assert (report.commune, report.date, report.status, report.submitted_by, report.version,
            report.is_late, report.review_comment) == (
        commune_a, MONDAY, DailyReport.Status.SUBMITTED, focal_a, 1, False, "")
    assert report.submitted_at == at(MONDAY, 16)
    assert not DailyReport.objects.filter(commune=commune_b).exists()


def test_a_posted_version_never_becomes_the_reports(client, focal_a, commune_a):
    """The version is the one the form was opened at: a made-up one is a conflict (409, the
    page shows the report as it is) and writes nothing."""
    form = reverse("reports:form", args=[commune_a.code, MONDAY.isoformat()])
    client.force_login(focal_a)
    with time_machine.travel(at(MONDAY, 16), tick=False):
        first = client.post(form, form_data(version=7, amount="7"))
        assert first.status_code == 409 and not DailyReport.objects.exists()
        client.post(form, form_data(version=0, amount="7"))
        again = client.post(form, form_data(version=7, amount="9"))
    assert again.status_code == 409
    report = DailyReport.objects.get()
    assert report.version == 1
    assert set(report.values.values_list("value", flat=True)) == {7}
