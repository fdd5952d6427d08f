"""Returning a report through its page: hostile comments are a message, never a 500."""

import pytest
import time_machine
from django.urls import reverse

from reports import services
from reports.models import ReportRevision
from tests.reports_helpers import MONDAY, at, values_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("comment", "message"),
    [("sai\x00số", "ký tự điều khiển ẩn"), ("x" * 1_000_000, "Nhận xét quá dài")],
)
def test_a_hostile_return_comment_is_a_message(client, focal_a, official, commune_a, comment,
                                               message):
    with time_machine.travel(at(MONDAY, 16), tick=False):
        report = services.submit_report(focal_a, commune_a, MONDAY, values_for(5)).report
        client.force_login(official)
        response = client.post(reverse("reports:return", args=[report.pk]), {"comment": comment})
    assert response.status_code == 400
    assert message in response.content.decode()
    report.refresh_from_db()
    assert report.status == "submitted"
    assert not ReportRevision.objects.filter(kind="returned").exists()
