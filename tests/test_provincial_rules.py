"""Reporting rules and days off per province (issue #9): national defaults, each province may
override them (its own cutoff, backfill window, expected days) and add its own days off.

P is Quang Ninh (`quangninh`, with `commune_a`, `focal_a`, `official` and `administrator`); Q is a
small province made here with one unit and its focal point. Week of Monday 8/9/2025: P holds a
provincial festival on Wednesday 10/9, a day off in P only.
"""

import csv
import datetime as dt
import io
import re

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communes import roles
from communes.models import Commune, Province, User
from reports import deadlines, services
from reports.models import DailyReport, Holiday, ReminderSent, ReportingSettings
from reports.reminders import missed_day, send_reminders
from rollups.compliance import compute, rollup_compliance
from rollups.models import CommuneDay, ComplianceDay

from .conftest import make_user
from .reports_helpers import MONDAY, at, values_for

TUESDAY, FESTIVAL, THURSDAY, FRIDAY = (MONDAY + dt.timedelta(days=n) for n in (1, 2, 3, 4))
NEXT_MONDAY = MONDAY + dt.timedelta(days=7)


@pytest.fixture
def province_p(quangninh):
    return Province.objects.get(code="22")


@pytest.fixture
def province_q(quangninh):
    return Province.objects.create(code="99", name="Tỉnh Quý Thử")


@pytest.fixture
def unit_q(province_q):
    return Commune.objects.create(province=province_q, code="99001", name="Xã Quý Một",
                                  kind=Commune.Kind.COMMUNE)


@pytest.fixture
def focal_q(unit_q):
    return make_user(User, "focal_q", roles.FOCAL_POINTS, [unit_q])


@pytest.fixture
def national(province_p):
    return make_user(User, "national", roles.PROVINCIAL_OFFICIALS, scope=User.Scope.NATIONAL)


@pytest.fixture
def festival(province_p):
    """P's own day off: a provincial festival on Wednesday."""
    return Holiday.objects.create(date=FESTIVAL, name="Lễ hội riêng của tỉnh P",
                                  province=province_p)


def override(province, **rules) -> ReportingSettings:
    national = ReportingSettings.current()
    fields = {name: getattr(national, name) for name in
              ("expected_days", "cutoff_days_after", "cutoff_time", "backfill_days")}
    return ReportingSettings.objects.create(province=province, **{**fields, **rules})


# --- The rules, province by province -----------------------------------------------------


def test_a_province_without_an_override_follows_the_national_defaults(province_q, province_p):
    national = ReportingSettings.current()
    national.cutoff_time = dt.time(20, 0)
    national.save()
    own = override(province_p, cutoff_time=dt.time(12, 0))
    assert deadlines.rules_for(province_q) == national
    assert deadlines.rules_for(province_p) == own
    assert deadlines.rules_for(None) == national
    assert deadlines.deadline(MONDAY, province_q) == at(TUESDAY, 20)
    assert deadlines.deadline(MONDAY, province_p) == at(TUESDAY, 12)


def test_a_provincial_festival_is_a_day_off_in_its_province_only(festival, province_p, unit_q,
                                                                commune_a):
    week = (MONDAY, FRIDAY)
    assert FESTIVAL not in deadlines.expected_days(*week, province_p)
    assert FESTIVAL in deadlines.expected_days(*week, unit_q.province)
    assert FESTIVAL in deadlines.expected_days(*week)  # the national calendar
    assert not deadlines.is_expected(commune_a, FESTIVAL)
    assert deadlines.is_expected(unit_q, FESTIVAL)


def test_national_holidays_apply_to_every_province(province_p, unit_q, commune_a):
    Holiday.objects.create(date=FESTIVAL, name="Ngày nghỉ toàn quốc thử")
    assert not deadlines.is_expected(commune_a, FESTIVAL)
    assert not deadlines.is_expected(unit_q, FESTIVAL)


def test_expected_days_override_in_one_province(province_p, unit_q):
    override(province_p, expected_days=ReportingSettings.ExpectedDays.EVERY_DAY)
    sunday = MONDAY - dt.timedelta(days=1)
    assert deadlines.expected_days(sunday, sunday, province_p) == [sunday]
    assert deadlines.expected_days(sunday, sunday, unit_q.province) == []


def test_a_cutoff_override_makes_a_report_late_in_p_and_on_time_in_q_at_the_same_moment(
    province_p, commune_a, focal_a, unit_q, focal_q
):
    override(province_p, cutoff_days_after=0, cutoff_time=dt.time(12, 0))
    moment = at(MONDAY, 13)
    in_p = services.submit_report(focal_a, commune_a, MONDAY, values_for(1), now=moment)
    in_q = services.submit_report(focal_q, unit_q, MONDAY, {}, now=moment)
    assert in_p.report.is_late
    assert not in_q.report.is_late
    assert deadlines.is_late(MONDAY, moment, province_p)
    assert not deadlines.is_late(MONDAY, moment, unit_q.province)


def test_a_backfill_override_closes_older_days_in_p_only(province_p, commune_a, focal_a, unit_q,
                                                          focal_q):
    override(province_p, backfill_days=2)
    five_days_ago = NEXT_MONDAY - dt.timedelta(days=5)
    with time_machine.travel(at(NEXT_MONDAY, 9), tick=False):
        with pytest.raises(services.DayClosed):
            services.submit_report(focal_a, commune_a, five_days_ago, values_for(1))
        assert services.submit_report(focal_q, unit_q, five_days_ago, {}).created
    assert deadlines.earliest_open_day(NEXT_MONDAY, province_p) == NEXT_MONDAY - dt.timedelta(2)
    assert deadlines.earliest_open_day(NEXT_MONDAY, unit_q.province) == MONDAY


# --- Roll-ups, compliance page, calendar, form, reminders ----------------------------------


def test_compliance_rollup_does_not_expect_the_festival_in_p_but_does_in_q(festival, province_p,
                                                                            commune_a, unit_q):
    rollup_compliance(MONDAY, FRIDAY, now=at(NEXT_MONDAY, 9))
    day_a = CommuneDay.objects.get(commune=commune_a, date=FESTIVAL)
    day_q = CommuneDay.objects.get(commune=unit_q, date=FESTIVAL)
    assert (day_a.expected, day_a.outcome) == (False, "not_expected")
    assert (day_q.expected, day_q.outcome) == (True, "missing")
    units_of_p = Commune.objects.filter(province=province_p).count()
    assert ComplianceDay.objects.get(province=province_p, date=FESTIVAL).expected == 0
    assert ComplianceDay.objects.get(province=province_p, date=THURSDAY).expected == units_of_p
    assert ComplianceDay.objects.get(province=unit_q.province, date=FESTIVAL).expected == 1


def test_compliance_rollup_judges_each_province_by_its_own_cutoff(province_p, commune_a, unit_q):
    override(province_p, cutoff_days_after=0, cutoff_time=dt.time(12, 0))
    rollup_compliance(MONDAY, MONDAY, now=at(MONDAY, 13))
    assert CommuneDay.objects.get(commune=commune_a, date=MONDAY).outcome == "missing"
    assert CommuneDay.objects.get(commune=unit_q, date=MONDAY).outcome == "pending"


def _owed_by_unit(client, province_code: str | None = None) -> dict[str, int]:
    url = reverse("compliance:index") + "?start=2025-09-08&end=2025-09-12&_export=csv"
    if province_code:
        url += f"&province={province_code}"
    response = client.get(url)
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    return {row[0]: int(row[2]) for row in rows[1:]}


def test_compliance_page_owes_four_days_in_p_and_five_in_q(client, festival, official, national,
                                                           commune_a, unit_q):
    rollup_compliance(MONDAY, FRIDAY, now=at(NEXT_MONDAY, 9))
    with time_machine.travel(at(NEXT_MONDAY, 9), tick=False):
        client.force_login(official)
        assert _owed_by_unit(client)[commune_a.name] == 4
        client.force_login(national)
        assert _owed_by_unit(client, "99") == {unit_q.name: 5}
        assert _owed_by_unit(client, "22")[commune_a.name] == 4


def _calendar(client, commune) -> tuple[dict[str, str], set[str]]:
    page = client.get(reverse("reports:calendar", args=[commune.code])).content.decode()
    states = dict(re.findall(r'data-date="([\d-]+)" data-state="(\w+)"', page))
    return states, set(re.findall(r'open" data-date="([\d-]+)"', page))


def test_calendar_and_open_days_follow_the_units_province(client, festival, province_p, commune_a,
                                                          focal_a, unit_q, focal_q):
    override(province_p, backfill_days=2)
    with time_machine.travel(at(NEXT_MONDAY, 16), tick=False):
        client.force_login(focal_a)
        states_a, open_a = _calendar(client, commune_a)
        client.force_login(focal_q)
        states_q, open_q = _calendar(client, unit_q)
    assert states_a[FESTIVAL.isoformat()] == "non_working"
    assert states_q[FESTIVAL.isoformat()] == "missing"
    assert open_a == {(NEXT_MONDAY - dt.timedelta(days=n)).isoformat() for n in range(3)}
    assert open_q == {(NEXT_MONDAY - dt.timedelta(days=n)).isoformat() for n in range(8)}


def test_report_form_says_the_festival_is_not_a_reporting_day_in_p_only(client, festival,
                                                                        commune_a, focal_a,
                                                                        unit_q, focal_q):
    with time_machine.travel(at(FRIDAY, 9), tick=False):
        client.force_login(focal_a)
        in_p = client.get(reverse("reports:form", args=[commune_a.code, FESTIVAL.isoformat()]))
        client.force_login(focal_q)
        in_q = client.get(reverse("reports:form", args=[unit_q.code, FESTIVAL.isoformat()]))
    notice = "không phải ngày phải báo cáo"
    assert in_p.status_code == 200 and notice in in_p.content.decode()
    assert in_q.status_code == 200 and notice not in in_q.content.decode()


def test_no_reminders_in_p_on_its_festival_but_in_q(festival, province_p, commune_a, unit_q):
    assert missed_day(THURSDAY, province_p) == TUESDAY
    assert missed_day(THURSDAY, unit_q.province) == FESTIVAL
    DailyReport.objects.bulk_create(
        DailyReport(commune=unit, date=TUESDAY, submitted_at=at(TUESDAY, 9))
        for unit in Commune.objects.all()
    )
    assert send_reminders(FESTIVAL) == 0  # Q's unit reported Tuesday; P is off
    DailyReport.objects.filter(commune=unit_q).delete()
    assert send_reminders(FESTIVAL) == 1
    assert list(ReminderSent.objects.values_list("commune", "date")) == [(unit_q.pk, TUESDAY)]


# --- Constraints ---------------------------------------------------------------------------


def test_one_national_row_and_at_most_one_override_per_province(province_p, province_q):
    ReportingSettings.current()
    override(province_p)
    override(province_q)
    for province in (None, province_p):
        with pytest.raises(IntegrityError), transaction.atomic():
            ReportingSettings.objects.create(province=province)


def test_one_holiday_per_date_nationally_and_per_province(province_p, province_q):
    Holiday.objects.create(date=FESTIVAL, name="Toàn quốc")
    Holiday.objects.create(date=FESTIVAL, name="Riêng P", province=province_p)
    Holiday.objects.create(date=FESTIVAL, name="Riêng Q", province=province_q)
    for province in (None, province_p):
        with pytest.raises(IntegrityError), transaction.atomic():
            Holiday.objects.create(date=FESTIVAL, name="Lần hai", province=province)


# --- Admin -------------------------------------------------------------------------------

RULES_FORM = {"expected_days": "working_days", "cutoff_days_after": "0",
              "cutoff_time": "12:00:00", "backfill_days": "3"}


def _change(model, obj) -> str:
    return reverse(f"admin:reports_{model}_change", args=[obj.pk])


def test_province_administrator_sees_and_edits_only_their_own_override(
    client, administrator, province_p, province_q
):
    national = ReportingSettings.current()
    own, other = override(province_p), override(province_q)
    client.force_login(administrator)
    listing = client.get(reverse("admin:reports_reportingsettings_changelist")).content.decode()
    assert _change("reportingsettings", own) in listing
    assert _change("reportingsettings", national) in listing
    assert _change("reportingsettings", other) not in listing and "Tỉnh Quý Thử" not in listing

    response = client.post(_change("reportingsettings", own), {**RULES_FORM,
                                                                "province": province_p.pk})
    assert response.status_code == 302
    own.refresh_from_db()
    assert (own.cutoff_days_after, own.backfill_days) == (0, 3)
    assert own.history.count() == 2
    own_history = reverse("admin:reports_reportingsettings_history", args=[own.pk])
    assert client.get(own_history).status_code == 200

    # Q's override does not exist for them: the admin sends them back to its index.
    for response in (client.get(_change("reportingsettings", other)),
                     client.post(_change("reportingsettings", other), {**RULES_FORM,
                                                                       "province": province_p.pk})):
        assert response.status_code == 302 and "/change/" not in response.url
    other.refresh_from_db()
    assert other.backfill_days == national.backfill_days
    history = reverse("admin:reports_reportingsettings_history", args=[other.pk])
    assert client.get(history).status_code == 404


def test_national_rules_are_read_only_for_a_province_administrator(client, administrator,
                                                                   province_p):
    national = ReportingSettings.current()
    client.force_login(administrator)
    page = client.get(_change("reportingsettings", national))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    response = client.post(_change("reportingsettings", national), RULES_FORM)
    assert response.status_code == 403
    national.refresh_from_db()
    assert national.cutoff_days_after == 1
    delete = reverse("admin:reports_reportingsettings_delete", args=[national.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403


def test_province_administrator_adds_an_override_for_their_province_only(client, administrator,
                                                                         province_p, province_q):
    ReportingSettings.current()
    client.force_login(administrator)
    add = reverse("admin:reports_reportingsettings_add")
    page = client.get(add).content.decode()
    assert "Tỉnh Quý Thử" not in page
    for province in (province_q.pk, ""):  # another province, or the national row
        assert client.post(add, {**RULES_FORM, "province": province}).status_code == 200
    assert not ReportingSettings.objects.exclude(province=None).exists()
    assert client.post(add, {**RULES_FORM, "province": province_p.pk}).status_code == 302
    assert deadlines.rules_for(province_p).backfill_days == 3
    # A second override of the same province is refused with a message, not a 500.
    again = client.post(add, {**RULES_FORM, "province": province_p.pk})
    assert again.status_code == 200 and "errornote" in again.content.decode()
    assert ReportingSettings.objects.filter(province=province_p).count() == 1


def test_province_administrator_adds_their_own_days_off_never_national_ones(
    client, administrator, province_p, province_q
):
    national = Holiday.objects.get(date=dt.date(2025, 9, 2))  # loaded with the data
    theirs = Holiday.objects.create(date=FESTIVAL, name="Lễ hội của Q", province=province_q)
    client.force_login(administrator)
    add = reverse("admin:reports_holiday_add")
    festival = {"date": "10/09/2025", "name": "Lễ hội riêng của tỉnh P"}
    for province in (province_q.pk, ""):
        assert client.post(add, {**festival, "province": province}).status_code == 200
    assert client.post(add, {**festival, "province": province_p.pk}).status_code == 302
    assert Holiday.objects.get(name=festival["name"]).province == province_p

    listing = client.get(reverse("admin:reports_holiday_changelist")).content.decode()
    assert national.name in listing and festival["name"] in listing
    assert "Lễ hội của Q" not in listing
    response = client.get(_change("holiday", theirs))
    assert response.status_code == 302 and "/change/" not in response.url

    assert client.post(_change("holiday", national), {
        "date": "03/09/2025", "name": "Đổi", "province": province_p.pk,
    }).status_code == 403
    delete = reverse("admin:reports_holiday_delete", args=[national.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    national.refresh_from_db()
    assert (national.date, national.province) == (dt.date(2025, 9, 2), None)


def test_superuser_edits_national_rules_every_override_and_national_holidays(client,
                                                                             province_q):
    root = User.objects.create_superuser("root", "root@example.org", "x" * 12)
    national, other = ReportingSettings.current(), override(province_q)
    client.force_login(root)
    assert client.post(_change("reportingsettings", national), RULES_FORM).status_code == 302
    assert client.post(_change("reportingsettings", other), {
        **RULES_FORM, "backfill_days": "9", "province": province_q.pk}).status_code == 302
    assert client.post(reverse("admin:reports_holiday_add"), {
        "date": "10/09/2025", "name": "Toàn quốc thử", "province": ""}).status_code == 302
    national.refresh_from_db()
    other.refresh_from_db()
    assert (national.cutoff_days_after, other.backfill_days) == (0, 9)
    assert Holiday.objects.get(name="Toàn quốc thử").province is None


# --- Query counts --------------------------------------------------------------------------


def _queries(action) -> int:
    with CaptureQueriesContext(connection) as queries:
        action()
    return len(queries)


def _many_provinces_with_their_own_rules(count: int) -> None:
    for n in range(count):
        province = Province.objects.create(code=f"{50 + n}", name=f"Tỉnh Nhiều {n}")
        Commune.objects.create(province=province, code=f"{50 + n}001", name=f"Xã {n}",
                               kind=Commune.Kind.COMMUNE)
        override(province, cutoff_time=dt.time(8 + n % 10, 0), backfill_days=n % 5)
        Holiday.objects.create(date=FESTIVAL - dt.timedelta(days=n % 3), name=f"Lễ {n}",
                               province=province)


def test_rollup_reads_every_provinces_rules_in_a_constant_number_of_queries(festival,
                                                                             province_p):
    override(province_p, cutoff_days_after=0)
    now = at(NEXT_MONDAY, 9)
    few = _queries(lambda: compute(MONDAY, FRIDAY, now))
    _many_provinces_with_their_own_rules(12)
    assert _queries(lambda: compute(MONDAY, FRIDAY, now)) == few
    rows, _ = compute(MONDAY, FRIDAY, now)
    cut_off_early = Commune.objects.get(code="50001")  # its cutoff 8:00 on the day after
    assert {row.date for row in rows if row.commune_id == cut_off_early.pk and row.expected} \
        == {MONDAY, TUESDAY, THURSDAY, FRIDAY}


def test_pages_issue_the_same_queries_with_overrides_in_many_provinces(client, festival,
                                                                       province_p, official,
                                                                       focal_a, commune_a):
    override(province_p, backfill_days=3)
    rollup_compliance(MONDAY, FRIDAY, now=at(NEXT_MONDAY, 9))
    pages = {
        official: [reverse("compliance:index") + "?start=2025-09-08&end=2025-09-12",
                   reverse("home")],
        focal_a: [reverse("reports:calendar", args=[commune_a.code]),
                  reverse("reports:form", args=[commune_a.code, FESTIVAL.isoformat()])],
    }

    def counts():
        found = {}
        for user, urls in pages.items():
            client.force_login(user)
            for url in urls:
                found[url] = _queries(lambda url=url: client.get(url))
        return found

    with time_machine.travel(at(NEXT_MONDAY, 9), tick=False):
        before = counts()
        _many_provinces_with_their_own_rules(33)
        assert counts() == before
