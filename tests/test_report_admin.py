"""Administrators unlock days and read the audit trail in the admin."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from reports import services
from reports.models import DayUnlock
from tests.reports_helpers import MONDAY, at, values_for


def test_administrator_unlocks_a_day_and_is_recorded(client, administrator, focal_a, commune_a):
    client.force_login(administrator)
    response = client.post(
        reverse("admin:reports_dayunlock_add"),
        {"commune": commune_a.pk, "date": "08/09/2025", "reason": "Mất điện cả tuần"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    unlock = DayUnlock.objects.get()
    assert (unlock.commune, unlock.date, unlock.unlocked_by) == (commune_a, MONDAY, administrator)
    late = at(MONDAY + dt.timedelta(days=40), 9)
    result = services.submit_report(focal_a, commune_a, MONDAY, values_for(2), now=late)
    assert result.report.is_late


def test_admin_pages_show_revisions(client, administrator, focal_a, commune_a):
    with time_machine.travel(at(MONDAY, 16), tick=False):
        report = services.submit_report(focal_a, commune_a, MONDAY, values_for(2)).report
    client.force_login(administrator)
    page = client.get(reverse("admin:reports_dailyreport_change", args=[report.pk]))
    assert page.status_code == 200
    revision = report.revisions.get()
    assert client.get(
        reverse("admin:reports_reportrevision_change", args=[revision.pk])
    ).status_code == 200


@pytest.mark.parametrize("who", ["official", "administrator"])
def test_todays_report_sends_non_reporters_to_the_list(client, request, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("reports:today"))
    assert response.status_code == 302 and response["Location"] == reverse("reports:list")
