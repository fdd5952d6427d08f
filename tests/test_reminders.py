"""Morning reminders: one e-mail per unit that missed the last expected day, never twice, and a
banner for its focal points until they dismiss it."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from communes import roles
from reports.models import DailyReport, Notice, ReminderSent
from reports.reminders import missed_day, send_reminders
from tests.conftest import PAGE_CHROME_QUERIES, make_user

pytestmark = pytest.mark.django_db

THURSDAY = dt.date(2025, 10, 16)


@pytest.fixture
def everyone_else_reported(quangninh, commune_a, commune_b):
    """Every unit but A and B reported on Wednesday 15/10/2025."""
    from communes.models import Commune

    day = THURSDAY - dt.timedelta(days=1)
    DailyReport.objects.bulk_create(
        DailyReport(commune=c, date=day, submitted_at=timezone.now())
        for c in Commune.objects.exclude(pk__in=[commune_a.pk, commune_b.pk])
    )
    return day


def test_one_message_per_unit_to_its_focal_points_and_never_twice(
    everyone_else_reported, django_user_model, commune_a, focal_a, focal_b
):
    focal_a.email = "a@example.org"
    focal_a.save()
    second = make_user(django_user_model, "focal_a2", roles.FOCAL_POINTS, [commune_a],
                       email="a2@example.org")
    assert send_reminders(THURSDAY) == 2
    assert len(mail.outbox) == 1  # unit B's focal point has no e-mail address: banner only
    message = mail.outbox[0]
    assert sorted(message.to) == ["a2@example.org", "a@example.org"]
    assert "Hồng Gai" in message.subject and "15/10/2025" in message.subject
    assert "chưa gửi báo cáo" in message.body
    assert ReminderSent.objects.count() == 2
    assert Notice.objects.filter(user__in=[focal_a, second, focal_b]).count() == 3

    assert send_reminders(THURSDAY) == 0
    assert len(mail.outbox) == 1
    assert Notice.objects.count() == 3


def test_monday_reminds_about_friday_and_weekends_send_nothing(quangninh):
    monday, saturday = dt.date(2025, 10, 20), dt.date(2025, 10, 18)
    assert missed_day(monday) == dt.date(2025, 10, 17)
    assert send_reminders(saturday) == 0
    assert not ReminderSent.objects.exists()


def test_banner_on_the_next_visit_until_dismissed(
    client, everyone_else_reported, focal_a, focal_b, django_assert_max_num_queries
):
    send_reminders(THURSDAY)
    client.force_login(focal_a)
    with django_assert_max_num_queries(16 + PAGE_CHROME_QUERIES):  # the overview page
        page = client.get(reverse("home"))
    assert "chưa gửi báo cáo" in page.content.decode()
    notice = Notice.objects.get(user=focal_a)

    # Someone else's notice is not there for them to dismiss.
    client.force_login(focal_b)
    assert client.post(reverse("dismiss_notice", args=[notice.pk])).status_code == 404
    assert client.get(reverse("dismiss_notice", args=[notice.pk])).status_code == 405

    client.force_login(focal_a)
    response = client.post(reverse("dismiss_notice", args=[notice.pk]), {"next": "/"})
    assert response.status_code == 302
    assert "chưa gửi báo cáo" not in client.get(reverse("home")).content.decode()


def test_anonymous_visitors_see_no_banner_and_cannot_dismiss(
    client, everyone_else_reported, focal_a
):
    send_reminders(THURSDAY)
    notice = Notice.objects.first()
    response = client.post(reverse("dismiss_notice", args=[notice.pk]))
    assert response.status_code == 302 and "login" in response.url
    assert Notice.objects.get(pk=notice.pk).dismissed_at is None
    assert "chưa gửi báo cáo" not in client.get(reverse("home")).content.decode()


def test_a_unit_whose_mail_fails_does_not_stop_the_others(
    everyone_else_reported, commune_a, commune_b, focal_a, focal_b, monkeypatch
):
    focal_a.email, focal_b.email = "a@example.org", "b@example.org"
    focal_a.save()
    focal_b.save()
    send = mail.EmailMessage.send

    def refuse_a(message, *args, **kwargs):
        if "a@example.org" in message.to:
            raise OSError("recipient refused")
        return send(message, *args, **kwargs)

    monkeypatch.setattr(mail.EmailMessage, "send", refuse_a)
    assert send_reminders(THURSDAY) == 1
    assert [m.to for m in mail.outbox] == [["b@example.org"]]
    # Unit A's attempt rolled back, so the next run tries it again.
    assert list(ReminderSent.objects.values_list("commune", flat=True)) == [commune_b.pk]
    monkeypatch.setattr(mail.EmailMessage, "send", send)
    assert send_reminders(THURSDAY) == 1
    assert ReminderSent.objects.count() == 2
