"""With `DATABASE_REPLICA_URL` set, dashboard reads go to the `replica` alias; writes, the report
form, the admin, accounts and sessions, and every read after a write go to `default`, and a
browser that wrote reads from `default` for a while (its own submission is never hidden by
replica lag). Without it, nothing changes.

The replica here is a second alias on the test database, as `TEST: {"MIRROR": "default"}`
configures it; the tests assert which alias served each query."""

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dtmonitor.db_router import (
    PIN_COOKIE,
    REPLICA,
    ReplicaRouter,
    _current,
    _Request,
    _watch_writes,
)
from reports.models import DailyReport, ReportingSettings
from rollups.models import TargetDay
from tests.reports_helpers import MONDAY, at, form_data

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def replica_alias(transactional_db):
    """A second connection to the test database under the alias `replica`, made here rather
    than in DATABASES so that the test case allows it."""
    default = connections["default"]
    connections[REPLICA] = type(default)({**default.settings_dict}, alias=REPLICA)
    yield
    connections[REPLICA].close()
    del connections[REPLICA]


@pytest.fixture
def replica(replica_alias, settings):
    """The router that settings install when DATABASE_REPLICA_URL is set."""
    settings.DATABASE_ROUTERS = ["dtmonitor.db_router.ReplicaRouter"]
    middleware = list(settings.MIDDLEWARE)
    middleware.insert(
        middleware.index("django.contrib.sessions.middleware.SessionMiddleware") + 1,
        settings.REPLICA_MIDDLEWARE,
    )
    settings.MIDDLEWARE = middleware


def test_without_a_replica_no_request_pays_for_the_router(settings):
    # Watching every query of every request and pinning writers is only worth it with a copy.
    assert settings.REPLICA_MIDDLEWARE not in settings.MIDDLEWARE
    assert not settings.DATABASE_ROUTERS


def served(request):
    """The response and the SQL each alias ran for it."""
    with (CaptureQueriesContext(connections["default"]) as primary,
          CaptureQueriesContext(connections[REPLICA]) as copy):
        response = request()
    return response, [q["sql"] for q in primary], [q["sql"] for q in copy]


def test_dashboard_data_is_read_from_the_replica(replica, client, official):
    client.force_login(official)
    response, primary, copy = served(lambda: client.get(reverse("home")))
    assert response.status_code == 200
    assert any("rollups_" in sql for sql in copy), "the roll-ups came from the replica"
    assert not any("rollups_" in sql or "targets_target" in sql for sql in primary)
    # Who the visitor is comes from the primary: a lagging replica logs nobody out.
    assert any("django_session" in sql for sql in primary)
    assert not any("django_session" in sql or "communes_user" in sql for sql in copy)
    assert PIN_COOKIE not in response.cookies


def test_other_dashboards_and_their_exports_too(replica, client, official):
    ReportingSettings.current()  # a deployment has its rules row (the first read creates it)
    client.force_login(official)
    for url in (reverse("targets:list"), reverse("communes:list"),
                reverse("compliance:index"), reverse("targets:list") + "?_export=csv"):
        response, primary, copy = served(lambda url=url: client.get(url))
        assert response.status_code == 200, url
        assert copy, url
        assert PIN_COOKIE not in response.cookies, url


def test_the_report_form_reads_and_writes_the_primary_and_pins_the_browser(
    replica, client, focal_a, commune_a
):
    client.force_login(focal_a)
    url = reverse("reports:form", args=[commune_a.code, MONDAY.isoformat()])
    with time_machine.travel(at(MONDAY, 16), tick=False):
        response, primary, copy = served(lambda: client.get(url))
        assert response.status_code == 200 and copy == [] and primary
        response, primary, copy = served(lambda: client.post(url, form_data()))
    assert response.status_code == 302
    assert DailyReport.objects.filter(commune=commune_a, date=MONDAY).exists()
    assert copy == []
    assert response.cookies[PIN_COOKIE]["max-age"] == 10
    # The page they land on next reads from the primary: their submission is there.
    response, primary, copy = served(lambda: client.get(reverse("home")))
    assert response.status_code == 200
    assert copy == [] and any("rollups_" in sql for sql in primary)


def test_the_admin_reads_the_primary(replica, admin_client):
    response, primary, copy = served(lambda: admin_client.get(reverse("admin:index")))
    assert response.status_code == 200
    assert copy == [] and primary


def test_without_a_replica_everything_reads_the_primary(replica_alias, client, official):
    client.force_login(official)
    response, primary, copy = served(lambda: client.get(reverse("home")))
    assert response.status_code == 200
    assert copy == [] and any("rollups_" in sql for sql in primary)


def test_reads_after_a_write_in_the_same_request_go_to_the_primary(replica_alias):
    ReportingSettings.current()
    router = ReplicaRouter()
    state = _Request(replica=True)
    token = _current.set(state)
    try:
        with connections["default"].execute_wrapper(_watch_writes(state)):
            assert router.db_for_read(TargetDay) == REPLICA
            assert router.db_for_read(Session) == "default"  # sessions never
            Session.objects.create(session_key="k" * 32, session_data="",
                                   expire_date=timezone.now())
            assert router.db_for_read(TargetDay) == REPLICA  # a session is not data
            ReportingSettings.current()  # get_or_create of an existing row writes nothing
            assert router.db_for_read(TargetDay) == REPLICA
            assert router.db_for_write(DailyReport) == "default"
            ReportingSettings.objects.update(cutoff_days_after=1)
            assert router.db_for_read(TargetDay) == "default"
    finally:
        _current.reset(token)
    assert router.db_for_read(TargetDay) == "default"  # outside a request: tasks, commands
    assert router.allow_migrate(REPLICA, "rollups") is False
