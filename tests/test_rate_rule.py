"""The reporting-rate rule (README, "Reporting compliance"): its edges, and the README's worked
example shown with one figure on every page and export that shows a rate.

The worked example: four units of two former areas, Monday 2 to Monday 9 November 2026, seen on
Monday 9 at 10:00 (the deadline of day D is D+1 at 17:00). Thursday 5 is a holiday.

- Xã An (Huyện Một): on time Mon 2, Tue 3, Wed 4, Fri 6; a report on Saturday 7 too;
- Xã Bình (Huyện Một): on time Mon 2, late Tue 3, returned Wed 4, missing Fri 6;
- Xã Cường (Huyện Hai), active from Wed 4: on time Wed 4, a report on the holiday, late Fri 6;
- Xã Dương (Huyện Hai): missing Mon 2, on time Tue 3, Wed 4, Fri 6.
Nobody has reported for Monday 9 yet: pending, not owed.
"""

import csv
import datetime as dt
import io
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from communes import roles
from communes.models import Commune, Province
from reports.models import DailyReport, Holiday, ReportOutcome
from rollups import rates
from rollups.compliance import rollup_compliance
from rollups.models import CommuneDay
from tests.conftest import make_user

HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
NOW = dt.datetime(2026, 11, 9, 10, 0, tzinfo=HCM)
MON, TUE, WED, THU, FRI, SAT, SUN = (dt.date(2026, 11, day) for day in range(2, 9))
TODAY = dt.date(2026, 11, 9)

# --- The rule at its edges ------------------------------------------------------------


def _day(commune, date, outcome, expected=True):
    return CommuneDay.objects.create(commune=commune, date=date, expected=expected,
                                     outcome=outcome)


@pytest.fixture
def unit(db):
    province = Province.objects.create(code="99", name="Tỉnh Thử")
    return Commune.objects.create(province=province, code="99001", name="Xã Thử",
                                  kind=Commune.Kind.COMMUNE, former_area="Huyện Thử")


def test_nothing_owed_has_no_rate(unit):
    _day(unit, MON, ReportOutcome.PENDING)
    counts = rates.reporting_counts(CommuneDay.objects.all())
    assert counts == rates.RateCounts(owed=0, on_time=0, late=0, pending=1)
    assert counts.reporting_rate is None and counts.on_time_rate is None


def test_a_report_on_a_day_not_expected_is_neither_owed_nor_reported(unit):
    _day(unit, SAT, ReportOutcome.ON_TIME, expected=False)
    _day(unit, SUN, ReportOutcome.NOT_EXPECTED, expected=False)
    assert rates.reporting_counts(CommuneDay.objects.all()).owed == 0


def test_a_returned_report_is_owed_and_not_reported(unit):
    _day(unit, MON, ReportOutcome.RETURNED)
    _day(unit, TUE, ReportOutcome.LATE)
    counts = rates.reporting_counts(CommuneDay.objects.all())
    assert (counts.owed, counts.reported, counts.on_time) == (2, 1, 0)
    assert (counts.reporting_rate, counts.on_time_rate) == (50.0, 0.0)


def test_missing_is_owed(unit):
    _day(unit, MON, ReportOutcome.MISSING)
    _day(unit, TUE, ReportOutcome.ON_TIME)
    assert rates.reporting_counts(CommuneDay.objects.all()).reporting_rate == 50.0


def test_groups_sum_counts_not_rates():
    one, two = rates.RateCounts(owed=1, on_time=1), rates.RateCounts(owed=3, on_time=0)
    assert (one + two).on_time_rate == 25.0  # not the mean of 100% and 0%


def test_rates_round_to_one_decimal():
    assert rates.RateCounts(owed=3, on_time=2).on_time_rate == 66.7


# --- The README's worked example ---------------------------------------------------------


@pytest.fixture
def example(django_user_model, db):
    province = Province.objects.create(code="98", name="Tỉnh Ví Dụ")
    Holiday.objects.create(date=THU, name="Ngày nghỉ thử")

    def unit(code, name, area, opens=dt.date(2025, 7, 1)):
        return Commune.objects.create(province=province, code=code, name=name,
                                      kind=Commune.Kind.COMMUNE, former_area=area,
                                      active_from=opens)

    units = {
        "an": unit("98001", "Xã An", "Huyện Một"),
        "binh": unit("98002", "Xã Bình", "Huyện Một"),
        "cuong": unit("98003", "Xã Cường", "Huyện Hai", opens=WED),
        "duong": unit("98004", "Xã Dương", "Huyện Hai"),
    }
    sent = {  # (unit, day): how it was sent
        **{("an", day): "on time" for day in (MON, TUE, WED, FRI, SAT)},
        ("binh", MON): "on time", ("binh", TUE): "late", ("binh", WED): "returned",
        ("cuong", WED): "on time", ("cuong", THU): "on time", ("cuong", FRI): "late",
        **{("duong", day): "on time" for day in (TUE, WED, FRI)},
    }
    for (key, day), how in sent.items():
        DailyReport.objects.create(
            commune=units[key], date=day, is_late=how == "late",
            submitted_at=dt.datetime.combine(day, dt.time(9), HCM),
            status=(DailyReport.Status.RETURNED if how == "returned"
                    else DailyReport.Status.SUBMITTED),
        )
    rollup_compliance(MON, TODAY, now=NOW)  # the example starts on Monday 2
    official = make_user(django_user_model, "official", roles.PROVINCIAL_OFFICIALS)
    return units, official


@pytest.fixture
def signed_in(client, example):
    client.force_login(example[1])
    with time_machine.travel(NOW, tick=False):
        yield client


def _csv(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


# unit: (owed, on time, late, reporting rate, on-time rate)
UNITS = {
    "Xã An": (4, 4, 0, "100.0", "100.0"),      # the Saturday report is not owed
    "Xã Bình": (4, 1, 1, "50.0", "25.0"),      # the returned report is not reported
    "Xã Cường": (2, 1, 1, "100.0", "50.0"),    # opens Wednesday; holiday report not owed
    "Xã Dương": (4, 3, 0, "75.0", "75.0"),
}
AREAS = {"Huyện Một": (8, 5, 1, "75.0", "62.5"), "Huyện Hai": (6, 4, 1, "83.3", "66.7")}
PROVINCE = (14, 9, 2, "78.6", "64.3")  # not 81.25, the mean of the unit rates


def test_overview_card_and_ranking(signed_in):
    page = signed_in.get(reverse("home")).content.decode()
    # Friday is the last day with reports owed before Monday's, which are not yet due.
    assert '<div class="figure">3/4</div>' in page
    assert "Báo cáo từ ngày 09/11/2026 trở đi chưa đến hạn." in page
    assert "30 ngày đến hết 08/11/2026: đã báo cáo 78,6% · đúng hạn 64,3%" in page
    card = _csv(signed_in.get(reverse("home") + "?csv=reporting"))
    owed, on_time, late, reporting, punctual = PROVINCE
    assert card[1:] == [
        ["2026-11-06", "2026-11-06", "4", "2", "1", "3", "75.0", "50.0"],
        ["2026-11-02", "2026-11-08", str(owed), str(on_time), str(late), "11", reporting,
         punctual],
        ["2026-10-10", "2026-11-08", str(owed), str(on_time), str(late), "11", reporting,
         punctual],
    ]
    ranking = _csv(signed_in.get(reverse("home") + "?csv=ranking"))
    assert {row[0]: (row[2], row[1]) for row in ranking[1:]} == {
        name: (figures[3], figures[4]) for name, figures in UNITS.items()
    }


def test_compliance_page_by_unit_area_province_and_day(signed_in):
    url = reverse("compliance:index") + "?start=2026-11-02&end=2026-11-09"
    page = signed_in.get(url).content.decode()
    assert "78,6%" in page and "11 trên 14 báo cáo phải nộp" in page
    rows = _csv(signed_in.get(url + "&_export=csv"))
    assert {row[0]: (int(row[2]), int(row[3]), int(row[4]), row[6], row[7])
            for row in rows[1:]} == {
        name: (owed, on_time, late, reporting, punctual)
        for name, (owed, on_time, late, reporting, punctual) in UNITS.items()
    }
    areas = _csv(signed_in.get(url + "&csv=areas"))
    assert {row[0]: (int(row[1]), int(row[2]), int(row[3]), row[5], row[6])
            for row in areas[1:]} == AREAS
    province = _csv(signed_in.get(url + "&csv=province"))
    assert province[1] == ["2026-11-02", "2026-11-09", "14", "9", "2", "11", "78.6", "64.3"]
    trend = _csv(signed_in.get(url + "&csv=trend"))
    assert trend[1:] == [
        ["2026-11-02", "66.7", "66.7"], ["2026-11-03", "100.0", "66.7"],
        ["2026-11-04", "75.0", "75.0"], ["2026-11-05", "", ""], ["2026-11-06", "75.0", "50.0"],
        ["2026-11-07", "", ""], ["2026-11-08", "", ""], ["2026-11-09", "", ""],
    ]


def test_units_list_and_unit_page(signed_in, example):
    rows = _csv(signed_in.get(reverse("communes:list") + "?_export=csv"))
    assert {row[1]: (row[5], row[6]) for row in rows[1:]} == {
        name: (figures[3], figures[4]) for name, figures in UNITS.items()
    }
    binh = example[0]["binh"]
    page = signed_in.get(reverse("communes:detail", args=[binh.code])).content.decode()
    assert "50,0%" in page and "2 trên 4 báo cáo phải nộp" in page
    card = _csv(signed_in.get(reverse("communes:detail", args=[binh.code]) + "?csv=reporting"))
    assert card[1] == ["2026-10-11", "2026-11-09", "4", "1", "1", "2", "50.0", "25.0"]
