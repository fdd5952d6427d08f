"""The list of daily reports, one province at a time: national accounts pick it with
`?province=<code>` as on the dashboard pages, and the choice travels through the filters, the
pages and the downloads; a province's accounts cannot use it to reach another province.

P is Quang Ninh (code 22, the first by code); Q (code 99) is made here with one unit that
reported for 60 days, more than one page of 50."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from communes import roles
from communes.models import Commune, Province, User
from reports.models import DailyReport

from .conftest import make_user

DAY = dt.date(2025, 9, 8)


@pytest.fixture
def national(quangninh):
    return make_user(User, "national", roles.PROVINCIAL_OFFICIALS, scope=User.Scope.NATIONAL)


@pytest.fixture
def reports(commune_a):
    q = Province.objects.create(code="99", name="Tỉnh Quý Thử")
    unit_q = Commune.objects.create(province=q, code="99001", name="Xã Quý Một",
                                    kind=Commune.Kind.COMMUNE)
    DailyReport.objects.create(commune=commune_a, date=DAY, submitted_at=timezone.now())
    DailyReport.objects.bulk_create(
        DailyReport(commune=unit_q, date=DAY - dt.timedelta(days=n), submitted_at=timezone.now())
        for n in range(60)
    )
    return commune_a, unit_q


def _rows(client, query: str = "") -> str:
    response = client.get(reverse("reports:list") + query)
    assert response.status_code == 200
    return response.content.decode().split("<tbody")[1]


def test_national_account_lists_p_by_default_and_q_when_picked(client, national, reports):
    unit_p, unit_q = reports
    client.force_login(national)
    for query in ("", "?province=22"):
        rows = _rows(client, query)
        assert unit_p.name in rows and unit_q.name not in rows
    rows = _rows(client, "?province=99")
    assert unit_q.name in rows and unit_p.name not in rows


def test_the_picked_province_travels_in_filters_pages_and_downloads(client, national, reports):
    unit_p, unit_q = reports
    client.force_login(national)
    page = client.get(reverse("reports:list") + "?province=99").content.decode()
    assert '<input type="hidden" name="province" value="99">' in page
    assert 'id="province-choice"' in page  # the picker of the dashboard pages
    assert "page=2" in page and "province=99" in page.split("page=2")[0].rsplit('href="', 1)[1]
    second = _rows(client, "?province=99&page=2")
    assert second.count("<tr") == 10 and unit_q.name in second
    # The units to filter by are the picked province's.
    units = page.split('name="commune"')[1].split("</select>")[0]
    assert unit_q.name in units and unit_p.name not in units
    response = client.get(reverse("reports:list") + "?province=99&_export=csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 61 and {row[1] for row in rows[1:]} == {unit_q.name}


@pytest.mark.parametrize("person", ["official", "administrator", "focal_a"])
def test_province_accounts_cannot_pick_another_province(client, request, person, reports):
    unit_p, unit_q = reports
    client.force_login(request.getfixturevalue(person))
    for query in ("?province=99", "?province=99&_export=csv", "?province=99&page=2"):
        assert client.get(reverse("reports:list") + query).status_code == 404, query
    rows = _rows(client, "?province=22")
    assert unit_p.name in rows and unit_q.name not in rows
