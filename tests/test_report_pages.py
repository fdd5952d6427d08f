"""Who may see and change what, the calendar, the report detail and the officials' list."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from reports import services
from reports.demo import seed_history
from reports.models import DailyReport, DayUnlock, Holiday, ReportRevision
from tests.reports_helpers import MONDAY, at, form_data, values_for


@pytest.fixture
def clock():
    with time_machine.travel(at(MONDAY, 16), tick=False) as traveller:
        yield traveller


def as_(client, people, who):
    if people[who] is not None:
        client.force_login(people[who])
    return client


def is_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.fixture
def report(focal_a, commune_a, clock):
    return services.submit_report(focal_a, commune_a, MONDAY, values_for(5)).report


# --- Access matrix -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"),
    [("focal_a", 302), ("focal_b", 404), ("official", 403), ("administrator", 403),
     ("anonymous", "login")],
)
def test_posting_the_form(client, people, commune_a, clock, who, expected):
    response = as_(client, people, who).post(
        reverse("reports:form", args=[commune_a.code, MONDAY.isoformat()]), form_data()
    )
    if expected == "login":
        assert is_login_redirect(response)
    else:
        assert response.status_code == expected
    assert DailyReport.objects.exists() is (who == "focal_a")


@pytest.mark.parametrize(
    ("who", "expected"),
    [("focal_a", 200), ("focal_b", 404), ("official", 200), ("administrator", 200),
     ("anonymous", "login")],
)
def test_reading_form_calendar_and_detail(client, people, report, commune_a, who, expected):
    client = as_(client, people, who)
    urls = [
        reverse("reports:form", args=[commune_a.code, MONDAY.isoformat()]),
        reverse("reports:calendar", args=[commune_a.code]),
        reverse("reports:detail", args=[report.pk]),
    ]
    for url in urls:
        response = client.get(url)
        if expected == "login":
            assert is_login_redirect(response), url
        else:
            assert response.status_code == expected, url
    if who in ("official", "administrator"):
        page = client.get(urls[0]).content.decode()
        assert "Chỉ xem" in page and 'name="version"' not in page


def test_outsiders_get_404_on_every_report_page_whatever_the_method(
    client, focal_b, report, commune_a
):
    client.force_login(focal_b)
    for url in (
        reverse("reports:form", args=[commune_a.code, MONDAY.isoformat()]),
        reverse("reports:calendar", args=[commune_a.code]),
        reverse("reports:detail", args=[report.pk]),
        reverse("reports:return", args=[report.pk]),
    ):
        assert client.get(url).status_code in (404, 405), url
        assert client.post(url, form_data() | {"comment": "x"}).status_code == 404, url
    report.refresh_from_db()
    assert report.status == "submitted" and report.version == 1


@pytest.mark.parametrize(
    ("who", "expected"),
    [("focal_a", 403), ("focal_b", 404), ("official", 302), ("administrator", 302),
     ("anonymous", "login")],
)
def test_returning_a_report(client, people, report, who, expected):
    response = as_(client, people, who).post(
        reverse("reports:return", args=[report.pk]), {"comment": "Sai số liệu"}
    )
    if expected == "login":
        assert is_login_redirect(response)
    else:
        assert response.status_code == expected
    report.refresh_from_db()
    assert (report.status == "returned") is (expected == 302)


def test_return_needs_a_comment(client, official, report):
    client.force_login(official)
    response = client.post(reverse("reports:return", args=[report.pk]), {"comment": " "})
    assert response.status_code == 400
    assert "Hãy nêu nội dung cần sửa." in response.content.decode()
    report.refresh_from_db()
    assert report.status == "submitted"


def test_list_is_scoped(client, people, report, focal_b, commune_b, clock):
    services.submit_report(focal_b, commune_b, MONDAY, values_for(3))
    client.force_login(people["focal_b"])
    page = client.get(reverse("reports:list")).content.decode()
    assert "Cô Tô" in page and "Hồng Gai" not in page.split("<table")[1]
    client.force_login(people["official"])
    page = client.get(reverse("reports:list")).content.decode()
    assert "Cô Tô" in page and "Hồng Gai" in page
    assert is_login_redirect(client.__class__().get(reverse("reports:list")))


# --- Review loop ---------------------------------------------------------------------------


def test_return_and_resubmit_through_the_pages(client, focal_a, official, report, commune_a):
    client.force_login(official)
    detail = reverse("reports:detail", args=[report.pk])
    assert "Trả lại để sửa" in client.get(detail).content.decode()
    client.post(reverse("reports:return", args=[report.pk]), {"comment": "Thiếu CX-03"})

    client.force_login(focal_a)
    calendar = client.get(reverse("reports:calendar", args=[commune_a.code])).content.decode()
    assert "Thiếu CX-03" in calendar
    assert f'data-date="{MONDAY.isoformat()}" data-state="returned"' in calendar
    form_url = reverse("reports:form", args=[commune_a.code, MONDAY.isoformat()])
    assert "Thiếu CX-03" in client.get(form_url).content.decode()
    client.post(form_url, form_data(version=2, CX_03="6"))

    page = client.get(detail).content.decode()
    for step in ("đã gửi", "bị trả lại để sửa", "đã gửi lại", "Thiếu CX-03", "CX-03: 5 → 6"):
        assert step in page
    assert list(ReportRevision.objects.values_list("kind", flat=True)) == [
        "submitted", "returned", "resubmitted"
    ]


# --- Calendar ------------------------------------------------------------------------------


def calendar_states(client, commune) -> dict[str, str]:
    page = client.get(reverse("reports:calendar", args=[commune.code])).content.decode()
    return dict(re.findall(r'data-date="([\d-]+)" data-state="(\w+)"', page))


def test_calendar_tells_each_kind_of_day_apart(client, focal_a, commune_a, official):
    commune_a.active_from = dt.date(2025, 7, 15)  # a Tuesday inside the 60 days shown
    commune_a.save()
    Holiday.objects.get_or_create(date=dt.date(2025, 9, 2), defaults={"name": "Quốc khánh"})
    wednesday, thursday, friday = (MONDAY - dt.timedelta(days=n) for n in (5, 4, 3))
    services.submit_report(focal_a, commune_a, wednesday, values_for(1), now=at(wednesday, 10))
    services.submit_report(focal_a, commune_a, thursday, values_for(1), now=at(friday, 18))
    returned = services.submit_report(
        focal_a, commune_a, friday, values_for(1), now=at(friday, 12)
    ).report
    services.return_report(official, returned, "sửa")
    with time_machine.travel(at(MONDAY, 16), tick=False):
        client.force_login(focal_a)
        states = calendar_states(client, commune_a)
    assert len(states) == 60
    assert states[wednesday.isoformat()] == "on_time"
    assert states[thursday.isoformat()] == "late"
    assert states[friday.isoformat()] == "returned"
    assert states["2025-09-06"] == "non_working"  # Saturday
    assert states["2025-09-02"] == "non_working"  # national day
    assert states["2025-09-01"] == "non_working"  # national day holiday (loaded with the data)
    assert states["2025-08-29"] == "missing"
    assert states[MONDAY.isoformat()] == "pending"  # today, deadline not passed
    assert states["2025-07-14"] == "inactive"  # a Monday before the unit existed...
    assert states["2025-07-15"] == "missing"  # ...and its first day


def test_calendar_marks_open_days_including_unlocked_ones(client, focal_a, commune_a, clock):
    DayUnlock.objects.create(commune=commune_a, date=MONDAY - dt.timedelta(days=20), reason="x")
    client.force_login(focal_a)
    page = client.get(reverse("reports:calendar", args=[commune_a.code])).content.decode()
    open_days = set(re.findall(r'open" data-date="([\d-]+)"', page))
    expected = {(MONDAY - dt.timedelta(days=n)).isoformat() for n in range(0, 8)}
    expected.add((MONDAY - dt.timedelta(days=20)).isoformat())
    assert open_days == expected


@pytest.mark.parametrize("days", [3, 40])
def test_calendar_query_count_does_not_grow(
    client, focal_a, commune_a, days, django_assert_max_num_queries
):
    with time_machine.travel(at(MONDAY, 16), tick=False):
        seed_history(days, seed=1, end=MONDAY)
        client.force_login(focal_a)
        # 12 for the calendar, 1 for the reminder banner every page shows.
        with django_assert_max_num_queries(13):
            assert client.get(reverse("reports:calendar", args=[commune_a.code])).status_code == 200


# --- Detail and list query counts ------------------------------------------------------------


@pytest.mark.parametrize("edits", [1, 6])
def test_detail_query_count_does_not_grow(
    client, focal_a, commune_a, clock, edits, django_assert_max_num_queries
):
    for n in range(edits):
        report = services.submit_report(
            focal_a, commune_a, MONDAY, values_for(n + 1), expected_version=n
        ).report
    client.force_login(focal_a)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("reports:detail", args=[report.pk])).content.decode()
    assert page.count('class="revision') == edits


@pytest.mark.parametrize("days", [2, 15])
def test_list_query_count_does_not_grow(
    client, official, quangninh, days, django_assert_max_num_queries
):
    seed_history(days, seed=3, end=MONDAY)
    client.force_login(official)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("reports:list"))
    assert response.status_code == 200


def test_list_filters(client, official, focal_a, focal_b, commune_a, commune_b, clock):
    services.submit_report(focal_a, commune_a, MONDAY, values_for(1))
    earlier = MONDAY - dt.timedelta(days=3)
    old = services.submit_report(focal_b, commune_b, earlier, values_for(1), now=at(earlier, 9))
    services.return_report(official, old.report, "x")
    client.force_login(official)
    url = reverse("reports:list")

    def units(params):
        page = client.get(url, params).content.decode()
        return {name for name in ("Hồng Gai", "Cô Tô") if name in page.split("<tbody")[1]}

    assert units({}) == {"Hồng Gai", "Cô Tô"}
    assert units({"commune": commune_a.pk}) == {"Hồng Gai"}
    assert units({"status": "returned"}) == {"Cô Tô"}
    assert units({"date_from": MONDAY.isoformat()}) == {"Hồng Gai"}
    assert units({"date_to": earlier.isoformat()}) == {"Cô Tô"}
    page = client.get(url).content.decode()
    assert reverse("reports:detail", args=[old.report.pk]) in page
    # Garbage filters are reported, not crashed on.
    assert client.get(url, {"date_from": "garbage", "commune": "x"}).status_code == 200


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "2025-02-30", "hôm-nay"])
def test_impossible_days_are_not_found_rather_than_errors(client, focal_a, commune_a, day):
    client.force_login(focal_a)
    url = f"/reports/unit/{commune_a.code}/{day}/"
    assert client.get(url).status_code == 404
    assert client.post(url, form_data()).status_code == 404


@pytest.mark.parametrize("path", ["/communes/%00/", "/reports/unit/06685%00/",
                                  "/reports/unit/06685%00/2025-09-08/"])
def test_odd_bytes_in_unit_codes_are_not_found(client, official, path):
    client.force_login(official)
    assert client.get(path).status_code == 404
