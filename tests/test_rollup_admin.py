"""Administrators inspect roll-up tables read-only, and enter province-level target values
(with history) that the roll-ups pick up."""

import datetime as dt

import pytest
from django.urls import reverse

from rollups.jobs import rollup_range
from targets.models import Target, TargetMeasurement

pytestmark = pytest.mark.django_db

ROLLUP_ADMINS = [
    "rollups_targetday", "rollups_communetargetday", "rollups_planday",
    "rollups_communeday", "rollups_complianceday", "reports_remindersent",
]


@pytest.fixture
def rolled_up(quangninh):
    day = dt.date(2025, 10, 15)
    rollup_range(day - dt.timedelta(days=2), day)


@pytest.mark.parametrize("name", ROLLUP_ADMINS)
def test_rollup_tables_are_read_only_in_the_admin(
    client, administrator, rolled_up, name, django_assert_max_num_queries
):
    client.force_login(administrator)
    with django_assert_max_num_queries(15):
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:{name}_add")).status_code == 403


@pytest.mark.parametrize("name", ROLLUP_ADMINS)
def test_others_cannot_open_rollup_admin(client, official, focal_a, name):
    for user in (official, focal_a):
        client.force_login(user)
        response = client.get(reverse(f"admin:{name}_changelist"))
        assert response.status_code == 302 and "login" in response.url
    client.logout()
    assert client.get(reverse(f"admin:{name}_changelist")).status_code == 302


def test_administrator_enters_a_measurement_with_history(client, administrator, quangninh):
    target = Target.objects.get(plan__year=2025, code="VN749-DG-02")
    client.force_login(administrator)
    response = client.post(
        reverse("admin:targets_targetmeasurement_add"),
        {"target": target.pk, "date": "15/10/2025", "value": "55.5", "note": "Sở TT&TT"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    measurement = TargetMeasurement.objects.get()
    assert measurement.entered_by == administrator
    assert measurement.history.count() == 1
    bad = client.post(
        reverse("admin:targets_targetmeasurement_add"),
        {"target": target.pk, "date": "16/10/2025", "value": "120"},
    )
    assert bad.status_code == 200
    assert "100" in bad.content.decode()
    assert TargetMeasurement.objects.count() == 1
