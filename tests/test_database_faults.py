"""The database connection killed in the middle of a submission (real PostgreSQL,
`pg_terminate_backend`): a clear message, the typed values kept, nothing half-written, and the
next request works on a fresh connection."""

from unittest import mock

import psycopg2
import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.urls import reverse

from reports.models import DailyReport, ReportRevision, ReportValue
from tests.reports_helpers import MONDAY, at, form_data

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def kill_this_connection() -> None:
    """Terminate Django's own connection from a second one, as a server restart would."""
    pid = connection.connection.get_backend_pid()
    db = settings.DATABASES["default"]
    killer = psycopg2.connect(
        dbname=connection.settings_dict["NAME"], user=db["USER"], host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432, password=db["PASSWORD"] or None,
    )
    try:
        killer.autocommit = True
        with killer.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        killer.close()


def test_a_connection_killed_mid_submission_saves_nothing_and_says_so(client, focal_a, commune_a):
    url = reverse("reports:form", args=[commune_a.code, MONDAY.isoformat()])
    real_bulk_create = ReportValue.objects.bulk_create

    def values_after_the_connection_died(*args, **kwargs):
        kill_this_connection()
        return real_bulk_create(*args, **kwargs)

    client.force_login(focal_a)
    with time_machine.travel(at(MONDAY, 16), tick=True):
        with mock.patch.object(ReportValue.objects, "bulk_create",
                               side_effect=values_after_the_connection_died):
            response = client.post(url, form_data(amount="17"))
        assert response.status_code == 503
        page = response.content.decode()
        assert "chưa có gì được lưu" in page
        assert 'value="17"' in page  # what was typed is still in the form

        # The report's own row was inserted before the kill: it was rolled back with the rest.
        assert not DailyReport.objects.exists()
        assert not ReportRevision.objects.exists()

        # The next request gets a fresh connection and the same post now succeeds.
        assert client.post(url, form_data(amount="17")).status_code == 302
    assert DailyReport.objects.get().values.count() == len(form_data()) - 3
