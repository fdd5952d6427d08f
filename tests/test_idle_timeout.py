"""A signed-in session unused for DTM_SESSION_IDLE_MINUTES ends, without a session write on
every request."""

import datetime as dt

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communes.sessions import SEEN_KEY

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def log_in(client, user):
    response = client.post(reverse("login"), {"username": user.username,
                                              "password": "secret-pass-123"})
    assert response.status_code == 302


def stored_seen(client) -> int:
    key = client.cookies["sessionid"].value
    return Session.objects.get(session_key=key).get_decoded()[SEEN_KEY]


def test_an_unused_session_ends_after_the_idle_time(client, clock, official, settings):
    settings.DTM_SESSION_IDLE_MINUTES = 60
    log_in(client, official)
    clock.shift(dt.timedelta(minutes=59))
    assert client.get(reverse("home")).status_code == 200
    clock.shift(dt.timedelta(minutes=61))
    response = client.get(reverse("reports:list"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert "_auth_user_id" not in client.session
    page = client.get(response.url).content.decode()
    assert "không hoạt động trong thời gian dài" in page


def test_activity_keeps_the_session_and_the_setting_is_honoured(client, clock, official,
                                                                 settings):
    settings.DTM_SESSION_IDLE_MINUTES = 15
    log_in(client, official)
    for _ in range(6):  # an hour and a half of work, a page every 14 minutes
        clock.shift(dt.timedelta(minutes=14))
        assert client.get(reverse("home")).status_code == 200
    clock.shift(dt.timedelta(minutes=16))
    assert client.get(reverse("home")).status_code == 302


def test_the_last_seen_time_is_written_at_most_once_a_minute(client, clock, official):
    log_in(client, official)
    at_login = stored_seen(client)
    assert at_login == int(START.timestamp())
    clock.shift(dt.timedelta(seconds=50))
    client.get(reverse("home"))
    assert stored_seen(client) == at_login  # nothing written
    clock.shift(dt.timedelta(seconds=20))
    client.get(reverse("home"))
    assert stored_seen(client) == at_login + 70


def test_a_page_within_the_minute_writes_no_session(client, clock, official):
    """The first page after login, as the pinned page budgets count it, is unchanged: the
    login itself notes the time (tests' force_login included)."""
    client.force_login(official)
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("communes:list"))
    writes = [q["sql"] for q in captured.captured_queries
              if "django_session" in q["sql"] and not q["sql"].startswith("SELECT")]
    assert writes == []
