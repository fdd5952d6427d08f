"""Dashboard pages: published figures, who sees what, query counts at two data sizes,
filters and exports of exactly the filtered rows."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from communes.models import Commune
from reports.models import ReportingSettings
from rollups.models import ComplianceDay, PlanDay, TargetDay
from rollups.progress import plan_completion, with_current_status
from targets.models import Plan, Target, TargetStatus
from tests.conftest import PAGE_CHROME_QUERIES
from tests.rollup_data import LARGE, SMALL, fill_rollups


def _csv(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def _pages(commune, target):
    return {
        "overview": reverse("home"),
        "targets": reverse("targets:list"),
        "target": reverse("targets:detail", args=[target.pk]),
        "units": reverse("communes:list"),
        "unit": reverse("communes:detail", args=[commune.code]),
        "compliance": reverse("compliance:index"),
    }


@pytest.fixture
def derived(quangninh):
    return Target.objects.get(plan__year=2026, code="VN942-DG-02")


# --- Published figures ------------------------------------------------------------------


def test_plan_completion_without_history_counts_manual_status(quangninh):
    completion = plan_completion(Plan.objects.get(year=2025))
    assert (completion.completed, completion.total) == (7, 22)
    assert completion.counts["no_data"] == 15
    assert not completion.from_rollup


def test_overview_shows_published_figures_without_history(client, official):
    client.force_login(official)
    plan_2025 = Plan.objects.get(year=2025)
    page = client.get(reverse("home") + f"?plan={plan_2025.pk}").content.decode()
    assert '<div class="figure">54</div>' in page
    assert '<div class="figure">7/22</div>' in page
    assert '<div class="figure">1.874/2.023</div>' in page
    assert "trên 80% trực tuyến toàn trình" in page


def test_overview_reads_plan_day_and_compliance_day_when_they_exist(client, official):
    today = timezone.localdate()
    data = fill_rollups(today, **SMALL)
    latest_plan = PlanDay.objects.order_by("-date").first()
    client.force_login(official)
    page = client.get(reverse("home")).content.decode()
    assert f'<div class="figure">{latest_plan.completed}/{latest_plan.total}</div>' in page
    # The card's day is the latest whose deadline has passed: today's pending reports are not
    # yet owed, so it never reads "0/54 reported" before the deadline.
    pending = [r.date for r in data["commune_days"] if r.outcome == "pending"]
    due = min(pending) - dt.timedelta(days=1) if pending else today
    owed = [r for r in data["commune_days"] if r.date <= due and r.expected
            and r.outcome not in ("pending", "not_expected")]
    if owed:
        latest = max(r.date for r in owed)
        on_day = [r for r in owed if r.date == latest]
        reported = sum(1 for r in on_day if r.outcome in ("on_time", "late"))
        assert f'<div class="figure">{reported}/{len(on_day)}</div>' in page
    assert plan_completion(Plan.objects.get(year=2026), today).from_rollup


def test_target_status_falls_back_like_plan_completion(quangninh):
    statuses = with_current_status(Target.objects.in_plan()).values_list(
        "current_status", flat=True
    )
    assert sorted(set(statuses)) == ["completed", "no_data"]
    completed = plan_completion(Plan.objects.get(year=2025)).completed
    assert list(statuses).count("completed") == completed


# --- Access ---------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client, commune_a, derived):
    for url in _pages(commune_a, derived).values():
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


@pytest.mark.parametrize("person", ["official", "administrator"])
def test_officials_and_administrators_see_every_page(client, request, person, commune_b, derived):
    client.force_login(request.getfixturevalue(person))
    for url in _pages(commune_b, derived).values():
        assert client.get(url).status_code == 200, url


def test_focal_point_sees_overview_and_own_unit_only(client, focal_a, commune_a, commune_b,
                                                      derived):
    client.force_login(focal_a)
    pages = _pages(commune_a, derived)
    for name in ("overview", "units", "unit"):
        assert client.get(pages[name]).status_code == 200, name
    for name in ("targets", "target", "compliance"):
        assert client.get(pages[name]).status_code == 404, name
    assert client.get(reverse("communes:detail", args=[commune_b.code])).status_code == 404
    rows = _csv(client.get(reverse("communes:list") + "?_export=csv"))
    assert [row[1] for row in rows[1:]] == [commune_a.name]
    nav = client.get(pages["overview"]).content.decode()
    assert reverse("targets:list") not in nav and reverse("compliance:index") not in nav


# --- Query counts at two sizes ---------------------------------------------------------


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["small", "large"])
@pytest.mark.parametrize(
    ("page", "limit"),
    # "targets" chooses the province it lists (communes.access.province_for): one query.
    # "compliance" reads the reporting rules for today's deadline: one query.
    [("overview", 16), ("targets", 9), ("target", 7), ("units", 6), ("unit", 9),
     ("compliance", 10)],
)
def test_query_count_does_not_grow_with_data(client, official, commune_a, derived, size, page,
                                             limit, django_assert_max_num_queries):
    fill_rollups(timezone.localdate(), **size)
    ReportingSettings.current()  # a deployment's rules row exists; creating it is not the page's
    client.force_login(official)
    url = _pages(commune_a, derived)[page]
    with django_assert_max_num_queries(limit + PAGE_CHROME_QUERIES):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(limit + PAGE_CHROME_QUERIES):
        assert client.get(url + "?_export=xlsx").status_code == 200


def test_large_size_really_is_larger(official):
    fill_rollups(timezone.localdate(), **LARGE)
    assert Commune.objects.count() == 54 + LARGE["extra_units"]
    # Extra targets join the plan in force (2026, 21 targets).
    assert Target.objects.in_plan().filter(plan__year=2026).count() == 21 + LARGE["extra_targets"]
    assert ComplianceDay.objects.count() == LARGE["days"]


# --- Filters and exports ---------------------------------------------------------------


def test_targets_filter_and_export_exactly_the_filtered_rows(client, official):
    fill_rollups(timezone.localdate(), **LARGE)
    client.force_login(official)
    latest = TargetDay.objects.order_by("-date").first().date
    at_risk = set(
        TargetDay.objects.filter(date=latest, status=TargetStatus.AT_RISK)
        .values_list("target__code", flat=True)
    )
    assert at_risk and len(at_risk) < 28
    page = client.get(reverse("targets:list") + "?status=at_risk").content.decode()
    assert all(code in page for code in at_risk)
    rows = _csv(client.get(reverse("targets:list") + "?status=at_risk&_export=csv"))
    assert rows[0][:3] == ["Mã", "Chỉ tiêu", "Trụ cột"]
    assert {row[0] for row in rows[1:]} == at_risk
    assert {row[6] for row in rows[1:]} == {"có nguy cơ chậm"}
    book = load_workbook(io.BytesIO(
        client.get(reverse("targets:list") + "?status=at_risk&_export=xlsx").content
    ))
    sheet_rows = list(book.active.iter_rows(values_only=True))
    assert {row[0] for row in sheet_rows[1:]} == at_risk


def test_targets_filter_by_pillar_and_search(client, official):
    client.force_login(official)
    target = Target.objects.get(plan__year=2025, code="QN-DE-05")
    rows = _csv(client.get(reverse("targets:list"), {"pillar": target.pillar_id, "q": "QN-DE",
                                                       "_export": "csv"}))
    codes = {row[0] for row in rows[1:]}
    assert "QN-DE-05" in codes
    assert codes == set(Target.objects.in_plan().filter(
        pillar=target.pillar, code__icontains="QN-DE").values_list("code", flat=True))


def test_targets_table_paginates_and_sorts(client, official):
    fill_rollups(timezone.localdate(), **LARGE)
    client.force_login(official)
    page = client.get(reverse("targets:list") + "?sort=-code").content.decode()
    assert 'class="pagination' in page
    assert "VN942-DG-03" in page and "QN-DE-01" not in page  # QN-* sort last: page 2
    assert page.index("VN942-DG-03") < page.index("VN942-DG-01")
    second = client.get(reverse("targets:list") + "?sort=-code&page=2").content.decode()
    assert "QN-DE-01" in second and "VN942-DG-03" not in second


def test_units_filter_and_export(client, official):
    fill_rollups(timezone.localdate(), **SMALL)
    client.force_login(official)
    wards = set(Commune.objects.filter(kind="ward").values_list("name", flat=True))
    rows = _csv(client.get(reverse("communes:list") + "?kind=ward&_export=csv"))
    assert {row[1] for row in rows[1:]} == wards and len(wards) == 30
    book = load_workbook(io.BytesIO(
        client.get(reverse("communes:list") + "?former_area=Cô Tô&_export=xlsx").content
    ))
    assert [row[1] for row in book.active.iter_rows(min_row=2, values_only=True)] == [
        "Đặc khu Cô Tô"
    ]


def test_exports_neutralise_formula_cells(client, official, commune_a):
    commune_a.name = "=HYPERLINK(\"http://evil\")"
    commune_a.save()
    client.force_login(official)
    rows = _csv(client.get(reverse("communes:list") + "?_export=csv&q=HYPERLINK"))
    assert rows[1][1].startswith("'=")
    book = load_workbook(io.BytesIO(
        client.get(reverse("communes:list") + "?_export=xlsx&q=HYPERLINK").content
    ))
    assert book.active.cell(row=2, column=2).value.startswith("'=")


def test_compliance_export_and_range(client, official):
    data = fill_rollups(timezone.localdate(), **LARGE)
    client.force_login(official)
    start, end = data["dates"][5], data["dates"][15]
    query = f"?start={start.isoformat()}&end={end.isoformat()}"
    page = client.get(reverse("compliance:index") + query).content.decode()
    assert f"{start:%d/%m/%Y}" in page and f"{end:%d/%m/%Y}" in page
    rows = _csv(client.get(reverse("compliance:index") + query + "&_export=csv"))
    assert len(rows) == 1 + Commune.objects.filter(province__code="22").count()
    commune = data["communes"][0]
    owed = [r for r in data["commune_days"] if r.commune_id == commune.id
            and start <= r.date <= end and r.outcome not in ("not_expected", "pending")]
    row = next(row for row in rows if row[0] == commune.name)
    assert int(row[2]) == len(owed)
    assert int(row[3]) == sum(1 for r in owed if r.outcome == "on_time")


def test_compliance_exports_are_the_pages_rows_without_its_other_queries(
    client, official, django_assert_max_num_queries
):
    """The CSV and XLSX hold the page's "By unit" rows (`compliance()["per_unit"]`), read
    alone: session, user, province, units and their counts; not the page's cards and charts."""
    from django.utils import translation

    from core.tabular import table_rows
    from dashboards.compliance import DEFAULT_DAYS, UnitComplianceTable, compliance

    fill_rollups(timezone.localdate(), **LARGE)
    client.force_login(official)
    with django_assert_max_num_queries(5):
        rows = _csv(client.get(reverse("compliance:index") + "?_export=csv"))
    with django_assert_max_num_queries(5):
        xlsx = client.get(reverse("compliance:index") + "?_export=xlsx")
    today = timezone.localdate()
    start = today - dt.timedelta(days=DEFAULT_DAYS - 1)
    with translation.override("vi"):
        page_rows = compliance(official.province, start, today, today)["per_unit"]
        expected = [list(row) for row in table_rows(UnitComplianceTable(page_rows))]
    assert rows == [["" if cell is None else str(cell) for cell in row] for row in expected]
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == expected


def test_compliance_rejects_a_reversed_range_in_vietnamese(client, official):
    client.force_login(official)
    page = client.get(reverse("compliance:index") + "?start=2026-03-10&end=2026-03-01")
    assert page.status_code == 200
    assert "Ngày bắt đầu không được sau ngày kết thúc." in page.content.decode()


def test_chart_data_downloads_as_csv(client, official):
    data = fill_rollups(timezone.localdate(), **SMALL)
    client.force_login(official)
    rows = _csv(client.get(reverse("home") + "?csv=heatmap"))
    assert len(rows) == 1 + len(data["communes"])
    # Each unit by name and code (the chart shows names, its hover the codes), then 30 days.
    assert rows[0][:2] == ["Đơn vị", "Mã đơn vị"] and len(rows[0]) == 2 + 30
    names = {commune.name: commune.code for commune in data["communes"]}
    assert {row[0]: row[1] for row in rows[1:]} == names
    ranking = _csv(client.get(reverse("home") + "?csv=ranking"))
    assert ranking[0] == ["Đơn vị", "Tỷ lệ đúng hạn (%)", "Tỷ lệ báo cáo (%)", "Mã đơn vị"]
    assert {row[0]: row[3] for row in ranking[1:]} == names


def test_chart_data_names_and_codes_targets_and_units(client, official, derived):
    fill_rollups(timezone.localdate(), **SMALL)
    client.force_login(official)
    trend = _csv(client.get(reverse("home") + "?csv=trend"))
    assert trend[0][:2] == ["Mã", "Chỉ tiêu"]
    assert {(row[0], row[1]) for row in trend[1:]} >= {(derived.code, derived.name_vi)}
    units = _csv(client.get(reverse("targets:detail", args=[derived.pk]) + "?csv=units"))
    # Values say their unit in the header; each unit by name and code.
    assert units[0][:3] == ["Đơn vị", "Mã đơn vị", "Giá trị (%)"]
    codes = dict(Commune.objects.values_list("name", "code"))
    assert all(codes[row[0]] == row[1] for row in units[1:]) and len(units) > 1


# --- Language --------------------------------------------------------------------------


def test_pages_are_vietnamese_and_switch_to_english(client, official, derived):
    fill_rollups(timezone.localdate(), **SMALL)
    client.force_login(official)
    page = client.get(reverse("home")).content.decode()
    assert "Chỉ tiêu theo trụ cột và trạng thái" in page
    assert "Tổng quan" in page and "Tuân thủ báo cáo" in page
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("home")).content.decode()
    assert "Targets by pillar and status" in page
    assert "1,874/2,023" in page
    detail = client.get(reverse("targets:detail", args=[derived.pk])).content.decode()
    assert "Status history" in detail


# --- plotly.js -------------------------------------------------------------------------


def test_plotly_js_is_the_partial_npm_bundle_and_loads_deferred(client, official):
    from django.contrib.staticfiles import finders

    found = finders.find("vendor/plotly-cartesian.min.js")
    assert found and found.endswith(
        "node_modules/plotly.js-cartesian-dist-min/plotly-cartesian.min.js"
    )
    client.force_login(official)
    page = client.get(reverse("home")).content.decode()
    assert '<script src="/static/vendor/plotly-cartesian.min.js" defer></script>' in page
    assert '<script id="figure-heatmap" type="application/json">' in page
    assert "<script>" not in page


def test_targets_filter_by_agency(client, official):
    client.force_login(official)
    agency = "Sở Khoa học và Công nghệ"
    page = client.get(reverse("targets:list"))
    assert f'<option value="{agency}">{agency}</option>' in page.content.decode()
    rows = _csv(client.get(reverse("targets:list"), {"agency": agency, "_export": "csv"}))
    expected = set(Target.objects.in_plan().filter(responsible_agency=agency)
                   .values_list("code", flat=True))
    assert expected and {row[0] for row in rows[1:]} == expected


def test_unit_page_shows_indicators_against_province_and_focal_points(client, focal_a,
                                                                       commune_a, derived):
    fill_rollups(timezone.localdate(), **SMALL)
    focal_a.phone = "0912 345 678"
    focal_a.save()
    client.force_login(focal_a)
    page = client.get(reverse("communes:detail", args=[commune_a.code])).content.decode()
    assert "Focal_A" in page and 'href="tel:0912 345 678"' in page
    rows = _csv(client.get(reverse("communes:detail", args=[commune_a.code]) + "?csv=versus"))
    by_code = {row[0]: row for row in rows[1:]}
    latest = TargetDay.objects.filter(target=derived).order_by("-date").first()
    assert float(by_code[derived.code][5]) == float(latest.completion_percent)


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["small", "large"])
def test_focal_point_pages_query_count(client, focal_a, commune_a, size,
                                       django_assert_max_num_queries):
    fill_rollups(timezone.localdate(), **size)
    client.force_login(focal_a)
    # The units list: +1 for a focal point (do they see several units? then filters).
    for url, limit in ((reverse("home"), 16), (reverse("communes:list"), 7),
                       (reverse("communes:detail", args=[commune_a.code]), 9)):
        with django_assert_max_num_queries(limit + PAGE_CHROME_QUERIES):
            assert client.get(url).status_code == 200


def test_english_export_translates_headers_and_statuses(client, official):
    fill_rollups(timezone.localdate(), **SMALL)
    client.force_login(official)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    rows = _csv(client.get(reverse("targets:list") + "?status=completed&_export=csv"))
    assert rows[0][:3] == ["Code", "Target", "Pillar"]
    assert {row[6] for row in rows[1:]} == {"completed"}
    assert "Administrative dossiers processed fully online" in {row[1] for row in rows}


def test_bad_filters_are_explained_and_never_exported_unfiltered(client, official):
    client.force_login(official)
    response = client.get(reverse("targets:list") + "?status=bogus&_export=csv")
    assert response["Content-Type"].startswith("text/html")
    assert "Hãy chọn một lựa chọn hợp lệ" in response.content.decode()
    response = client.get(reverse("compliance:index") + "?start=31/02/2026&_export=xlsx")
    assert response["Content-Type"].startswith("text/html")
    assert "Nhập một ngày hợp lệ." in response.content.decode()
    response = client.get(reverse("communes:list") + "?kind=castle&_export=xlsx")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("query", ["?end=0001-01-05", "?start=9999-12-30&_export=csv",
                                   "?start=garbage&end=2026-10-01&csv=trend"])
def test_compliance_refuses_impossible_ranges_with_a_message(client, official, query):
    client.force_login(official)
    page = client.get(reverse("compliance:index") + query)
    assert page.status_code == 200
    assert page["Content-Type"].startswith("text/html")  # no download of some other range
    assert 'class="errors"' in page.content.decode()  # the message next to the field


def test_exports_survive_control_characters_in_names(client, official, commune_a):
    commune_a.name = "Phường\x0bHồng Gai"
    commune_a.save()
    client.force_login(official)
    response = client.get(reverse("communes:list") + "?_export=xlsx")
    assert response.status_code == 200
    names = [row[1].value for row in load_workbook(io.BytesIO(response.content)).active.rows]
    assert "PhườngHồng Gai" in names
