"""README's backup commands work: a dump of the database restores into an empty one with every
report and revision (real PostgreSQL, pg_dump and pg_restore as README gives them)."""

import shutil
import subprocess
import uuid

import psycopg2
import pytest
from django.conf import settings
from django.db import connection

from reports import services
from reports.models import DailyReport, ReportRevision
from tests.reports_helpers import MONDAY, at, values_for

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def server_args() -> list[str]:
    db = settings.DATABASES["default"]
    return ["-h", db["HOST"] or "127.0.0.1", "-p", str(db["PORT"] or 5432), "-U", db["USER"]]


def count(database: str, table: str) -> int:
    db = settings.DATABASES["default"]
    conn = psycopg2.connect(dbname=database, user=db["USER"], host=db["HOST"] or "127.0.0.1",
                            port=db["PORT"] or 5432, password=db["PASSWORD"] or None)
    try:
        with conn.cursor() as cursor:
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 (a fixed name)
            return cursor.fetchone()[0]
    finally:
        conn.close()


def test_a_dump_restores_every_report_and_revision(tmp_path, focal_a, official, commune_a):
    if not shutil.which("pg_dump"):
        pytest.fail("pg_dump is missing: install postgresql-client (CI's .ci/run does)")
    report = services.submit_report(
        focal_a, commune_a, MONDAY, values_for(5), now=at(MONDAY, 16)
    ).report
    services.return_report(official, report, "CX-01 sai", now=at(MONDAY, 18))
    reports, revisions = DailyReport.objects.count(), ReportRevision.objects.count()
    assert (reports, revisions) == (1, 2)

    dump = tmp_path / "dtmonitor.dump"
    source = connection.settings_dict["NAME"]
    target = f"restore_{uuid.uuid4().hex[:8]}"
    subprocess.run(["pg_dump", *server_args(), "-Fc", "-f", str(dump), source], check=True)
    subprocess.run(["createdb", *server_args(), target], check=True)
    try:
        subprocess.run(
            ["pg_restore", *server_args(), "--no-owner", "-d", target, str(dump)], check=True
        )
        assert count(target, DailyReport._meta.db_table) == reports
        assert count(target, ReportRevision._meta.db_table) == revisions
        assert count(target, "reports_reportvalue") == report.values.count()
    finally:
        subprocess.run(["dropdb", *server_args(), "--if-exists", target], check=True)
