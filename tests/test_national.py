"""One deployment for the whole country: the national page, the province picker of national
accounts, and dashboard query counts that do not grow with the number of provinces.

Province A is Quang Ninh (`quangninh`); other provinces are made here with a few units, a plan
with two targets, its roll-up rows and a deterministic reporting history.
"""

import csv
import datetime as dt
import io
import random
import re
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from communes import roles
from communes.loaders import regions
from communes.models import Commune, Province, User
from reports.models import DailyReport, ReportOutcome
from rollups.models import CommuneDay, PlanDay, TargetDay
from targets.models import Pillar, Plan, Target, TargetStatus

from .conftest import make_user
from .rollup_data import SMALL, fill_rollups

OWED = {"on_time", "late", "returned", "missing"}


@pytest.fixture
def national(django_user_model, quangninh):
    return make_user(django_user_model, "national", roles.PROVINCIAL_OFFICIALS,
                     scope=User.Scope.NATIONAL)


def _outcome(rng: random.Random, day: dt.date, today: dt.date) -> str:
    if day.weekday() >= 5:
        return ReportOutcome.NOT_EXPECTED
    if day >= today - dt.timedelta(days=1):
        return rng.choice((ReportOutcome.ON_TIME, ReportOutcome.PENDING))
    return rng.choice((ReportOutcome.ON_TIME, ReportOutcome.ON_TIME, ReportOutcome.LATE,
                       ReportOutcome.MISSING, ReportOutcome.RETURNED))


def make_province(code: str, today: dt.date, *, units: int = 3, days: int = 35,
                  seed: int = 0) -> Province:
    """A province with `units` units, a plan of two targets (one completed, one behind on
    `today`) and `days` days of unit-day outcomes ending `today`."""
    rng = random.Random(seed or int(code))
    province = Province.objects.create(code=code, name=f"Tỉnh Thử {code}",
                                       region=regions().get(code, ""))
    made = Commune.objects.bulk_create(
        Commune(province=province, code=f"{code}{n:03d}", name=f"Xã {n} tỉnh {code}",
                kind=Commune.Kind.COMMUNE)
        for n in range(1, units + 1)
    )
    plan = Plan.objects.create(province=province, year=today.year, title=f"Kế hoạch {code}")
    pillar = Pillar.objects.order_by("order").first()
    for n, status in enumerate((TargetStatus.COMPLETED, TargetStatus.BEHIND), start=1):
        target = Target.objects.create(
            plan=plan, code=f"P{code}-{n}", name_vi=f"Chỉ tiêu {n} của {code}",
            name_en=f"Target {n} of {code}", pillar=pillar, unit=Target.Unit.PERCENT,
            target_value=Decimal("80"), source=Target.Source.PROVINCE,
            aggregation=Target.Aggregation.LATEST,
        )
        TargetDay.objects.create(target=target, date=today, value=Decimal("50"),
                                 completion_percent=Decimal("62.5"), status=status)
    for day in (today - dt.timedelta(days=days - 1), today):
        PlanDay.objects.create(plan=plan, date=day, total=2, completed=1, behind=1)
    CommuneDay.objects.bulk_create(
        CommuneDay(commune=unit, date=day, outcome=(outcome := _outcome(rng, day, today)),
                   expected=outcome != ReportOutcome.NOT_EXPECTED)
        for unit in made
        for day in (today - dt.timedelta(days=offset) for offset in range(days))
    )
    return province


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200, response.status_code
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def _by_hand(start: dt.date, end: dt.date) -> dict[str, dict]:
    """Every province's figures computed from the CommuneDay rows, without rollups.rates."""
    figures = {p.code: {"owed": 0, "on_time": 0, "late": 0, "units": 0}
               for p in Province.objects.all()}
    for unit in Commune.objects.filter(is_active=True).select_related("province"):
        figures[unit.province.code]["units"] += 1
    for row in CommuneDay.objects.filter(date__range=(start, end)).select_related(
            "commune__province"):
        tally = figures[row.commune.province.code]
        if row.expected and row.outcome in OWED:
            tally["owed"] += 1
            tally["on_time"] += row.outcome == "on_time"
            tally["late"] += row.outcome == "late"
    for tally in figures.values():
        owed = tally["owed"]
        tally["reporting"] = (f"{round(100 * (tally['on_time'] + tally['late']) / owed, 1)}"
                              if owed else "")
        tally["on_time_rate"] = f"{round(100 * tally['on_time'] / owed, 1)}" if owed else ""
    return figures


# --- Who may open it ------------------------------------------------------------------


def test_only_national_accounts_and_superusers_open_the_national_page(client, people, national,
                                                                      django_user_model):
    url = reverse("national:index")
    for name, person in people.items():
        if person is None:
            client.logout()
            response = client.get(url)
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
            continue
        client.force_login(person)
        assert client.get(url).status_code == 404, name
        assert client.get(url + "?_export=csv").status_code == 404, name
        assert url not in client.get(reverse("home")).content.decode(), name
    client.force_login(national)
    assert client.get(url).status_code == 200
    assert f'href="{url}"' in client.get(reverse("home")).content.decode()
    root = django_user_model.objects.create_superuser("root", "root@example.org", "x" * 12)
    client.force_login(root)
    assert client.get(url).status_code == 200


# --- Figures --------------------------------------------------------------------------


def test_national_page_lists_every_province_with_figures_computed_by_hand(client, national):
    today = timezone.localdate()
    fill_rollups(today, **SMALL)
    for code in ("01", "79", "96", "52"):
        make_province(code, today)
    client.force_login(national)
    start, end = today - dt.timedelta(days=20), today - dt.timedelta(days=2)
    query = f"?start={start:%Y-%m-%d}&end={end:%Y-%m-%d}"
    rows = _csv(client.get(reverse("national:index") + query + "&_export=csv"))
    header, body = rows[0], rows[1:]
    assert header[:7] == ["Mã", "Tỉnh", "Vùng", "Đơn vị", "Số báo cáo phải nộp",
                          "Tỷ lệ báo cáo (%)", "Tỷ lệ đúng hạn (%)"]
    expected = _by_hand(start, end)
    assert [row[0] for row in body] == sorted(expected)  # every loaded province, by code
    for code, _name, _region, units, owed, reporting, on_time, *_rest in body:
        assert int(units) == expected[code]["units"], code
        assert int(owed) == expected[code]["owed"], code
        assert reporting == expected[code]["reporting"], code
        assert on_time == expected[code]["on_time_rate"], code
    by_code = {row[0]: row for row in body}
    # Plan completion (completed, total: two numbers) and targets behind/overdue from each
    # plan's latest PlanDay (by hand).
    assert by_code["01"][7:] == ["1", "2", "1", "0"]
    qn_plan = PlanDay.objects.filter(plan__province__code="22", date__lte=end).latest("date")
    assert by_code["22"][7:] == [str(qn_plan.completed), str(qn_plan.total), str(qn_plan.behind),
                                 str(qn_plan.overdue)]
    assert by_code["79"][2] == "Đông Nam Bộ"
    # The chart's data agrees with the table.
    chart = _csv(client.get(reverse("national:index") + query + "&csv=provinces"))
    for code, _name, owed, on_time, late, _reported, reporting, on_time_rate in chart[1:]:
        assert int(owed) == expected[code]["owed"]
        assert (int(on_time), int(late)) == (expected[code]["on_time"], expected[code]["late"])
        assert (reporting, on_time_rate) == (expected[code]["reporting"],
                                             expected[code]["on_time_rate"])


def test_default_range_is_the_last_30_days_whose_deadline_has_passed(client, national):
    today = timezone.localdate()
    make_province("01", today, days=10)
    unit = Commune.objects.filter(province__code="01").first()
    # A report of three days ago is still pending somewhere: that day is not yet due.
    CommuneDay.objects.filter(commune=unit, date=today - dt.timedelta(days=3)).update(
        expected=True, outcome=ReportOutcome.PENDING)
    client.force_login(national)
    page = client.get(reverse("national:index"))
    end = today - dt.timedelta(days=4)
    start = end - dt.timedelta(days=29)
    assert (page.context["start"], page.context["end"]) == (start, end)


def test_region_filter_sort_and_xlsx_export(client, national):
    today = timezone.localdate()
    for code in ("01", "92", "96"):
        make_province(code, today)
    client.force_login(national)
    url = reverse("national:index")
    rows = _csv(client.get(url + "?region=mekong_delta&_export=csv"))
    assert [row[0] for row in rows[1:]] == ["92", "96"]
    page = client.get(url + "?region=mekong_delta&sort=-code").content.decode()
    assert page.index("Tỉnh Thử 96") < page.index("Tỉnh Thử 92")
    assert "Tỉnh Thử 01" not in page
    # Sort links and export links keep the region.
    assert "region=mekong_delta" in re.search(r'id="export-xlsx" href="([^"]+)"', page)[1]
    response = client.get(url + "?region=mekong_delta&sort=-on_time_rate&_export=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rates = [row[6] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert rates == sorted(rates, reverse=True) and len(rates) == 2
    # An impossible range is explained, never exported as the default range.
    response = client.get(url + "?start=31/02/2026&_export=csv")
    assert response["Content-Type"].startswith("text/html")


def test_each_row_opens_that_provinces_overview(client, national):
    today = timezone.localdate()
    make_province("79", today)
    client.force_login(national)
    page = client.get(reverse("national:index")).content.decode()
    link = f'href="{reverse("home")}?province=79"'
    assert link in page
    overview = client.get(reverse("home") + "?province=79").content.decode()
    assert "Tỉnh Thử 79" in overview and '<div class="figure">1/2</div>' in overview


# --- The province picker: every dashboard page for province B -------------------------


def test_national_account_reads_every_dashboard_page_and_export_for_province_b(
        client, national, quangninh):
    today = timezone.localdate()
    fill_rollups(today, **SMALL)
    b = make_province("79", today, units=4)
    b_units = sorted(Commune.objects.filter(province=b).values_list("name", flat=True))
    b_target = Target.objects.filter(plan__province=b).order_by("code").first()
    b_unit = Commune.objects.filter(province=b).order_by("code").first()
    client.force_login(national)
    q = "?province=79"

    home = client.get(reverse("home") + q).content.decode()
    assert "Tỉnh Thử 79" in home and '<div class="figure">4</div>' in home
    assert 'id="province-picker"' in home and '<option value="79" selected>' in home
    for name in ("home", "targets:list", "communes:list", "compliance:index"):
        assert f'href="{reverse(name)}{q}"' in home, name  # the navigation keeps B
    assert "province=79&amp;csv=reporting" in home
    reporting = _csv(client.get(reverse("home") + q + "&csv=reporting"))
    counts = _by_hand(today - dt.timedelta(days=36), today)  # the card's windows: B's own
    assert int(reporting[-1][2]) <= counts["79"]["owed"]

    targets = _csv(client.get(reverse("targets:list") + q + "&_export=csv"))
    assert sorted(row[0] for row in targets[1:]) == ["P79-1", "P79-2"]
    page = client.get(reverse("targets:list") + q).content.decode()
    assert 'name="province" value="79"' in page  # the filter form keeps B
    assert f'{reverse("targets:detail", args=[b_target.pk])}?province=79' in page
    assert "province=79" in re.search(r'id="export-csv" href="([^"]+)"', page)[1]
    assert "Kế hoạch chuyển đổi số tỉnh Quảng Ninh" not in page  # plan filter: B's plans

    units = _csv(client.get(reverse("communes:list") + q + "&_export=csv"))
    assert sorted(row[1] for row in units[1:]) == b_units
    page = client.get(reverse("communes:list") + q + "&sort=-name").content.decode()
    assert "sort=name" in page and "province=79" in re.search(r'href="(\?[^"]*sort=name[^"]*)"',
                                                              page)[1]
    xlsx = client.get(reverse("communes:list") + q + "&_export=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sorted(row[1] for row in sheet.iter_rows(min_row=2, values_only=True)) == b_units

    compliance = _csv(client.get(reverse("compliance:index") + q + "&_export=csv"))
    assert sorted(row[0] for row in compliance[1:]) == b_units
    page = client.get(reverse("compliance:index") + q).content.decode()
    assert 'name="province" value="79"' in page

    detail = client.get(reverse("targets:detail", args=[b_target.pk]) + q)
    assert detail.status_code == 200
    assert client.get(reverse("targets:detail", args=[b_target.pk]) + "?province=22"
                      ).status_code == 404
    assert client.get(reverse("communes:detail", args=[b_unit.code]) + q).status_code == 200
    assert client.get(reverse("communes:detail", args=[b_unit.code]) + "?province=22"
                      ).status_code == 404


def test_officials_get_no_picker(client, official):
    client.force_login(official)
    assert 'id="province-picker"' not in client.get(reverse("home")).content.decode()


# --- Query counts do not grow with the number of provinces ----------------------------


def _dashboard_urls(derived_pk: int, unit_code: str, national_view: bool) -> list[str]:
    q = "?province=22" if national_view else ""
    sep = "&" if q else "?"
    urls = [
        reverse("home") + q, reverse("home") + q + f"{sep}csv=reporting",
        reverse("targets:list") + q, reverse("targets:list") + q + f"{sep}_export=xlsx",
        reverse("targets:detail", args=[derived_pk]) + q,
        reverse("communes:list") + q, reverse("communes:list") + q + f"{sep}_export=csv",
        reverse("communes:detail", args=[unit_code]) + q,
        reverse("compliance:index") + q, reverse("compliance:index") + q + f"{sep}_export=csv",
        reverse("reports:list") + q,
    ]
    if national_view:
        urls += [reverse("national:index"), reverse("national:index") + "?_export=xlsx",
                 reverse("national:index") + "?csv=provinces"]
    return urls


def _query_counts(client, urls) -> dict[str, int]:
    counts = {}
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        counts[url] = len(queries)
    return counts


@pytest.mark.parametrize("person", ["national", "official"])
def test_dashboard_query_counts_are_equal_with_1_and_34_provinces(client, request, person,
                                                                  commune_a):
    today = timezone.localdate()
    fill_rollups(today, **SMALL)
    user = request.getfixturevalue(person)
    client.force_login(user)
    derived = Target.objects.get(code="VN942-DG-02", plan__year=2025)
    urls = _dashboard_urls(derived.pk, commune_a.code, person == "national")
    # A first pass creates what is made once (the reporting rules' row on first use); the
    # counts compared are those of a settled deployment.
    _query_counts(client, urls)
    one = _query_counts(client, urls)
    for code in sorted(regions()):
        if code != "22":
            make_province(code, today, units=2, days=8)
    assert Province.objects.count() == 34
    assert _query_counts(client, urls) == one


def test_reports_list_shows_the_picked_province_only(client, national, commune_a):
    """The daily reports list follows the province picker like every other page: a national
    account reads one province's reports (and picks among its units), not the whole country's
    million rows at once."""
    today = timezone.localdate()
    other = make_province("01", today, units=2)
    for unit in (commune_a, other.communes.first()):
        DailyReport.objects.create(commune=unit, date=today, submitted_at=timezone.now())
    client.force_login(national)
    page = client.get(reverse("reports:list") + "?province=22").content.decode()
    table = page.split("<tbody")[1]
    assert commune_a.name in table and "tỉnh 01" not in table
    assert "Xã 1 tỉnh 01" not in page  # nor among the unit filter's choices
    page = client.get(reverse("reports:list") + "?province=01").content.decode()
    assert "Xã 1 tỉnh 01" in page.split("<tbody")[1] and commune_a.name not in page
    assert client.get(reverse("reports:list") + "?province=99").status_code == 404
