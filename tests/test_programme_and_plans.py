"""The plan as the province writes it: the 2030 programme above yearly plans, the 2026 plan in
progress next to the 2025 plan's final state, key tasks and science-and-technology tasks.

The demo world is loaded and seeded on a fixed today, 30/11/2026."""

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse

from communes.models import Province
from reports.demo import seed_history, seed_plan_extras
from reports.loaders import load_quangninh
from rollups.jobs import rollup_range
from targets.models import KeyTask, Plan, Programme, ScienceTask, Target, TaskStatus
from targets.status import task_status
from tests.conftest import PAGE_CHROME_QUERIES

from .admin_files import export, import_file, preview, xlsx_bytes

TODAY = dt.date(2026, 11, 30)
DEMO_DAYS = 7


@pytest.fixture
def demo(db, official):
    with time_machine.travel(dt.datetime(2026, 11, 30, 10, 0), tick=False):
        seed_history(days=DEMO_DAYS, seed=1, end=TODAY)
        seed_plan_extras(TODAY, Province.objects.get(code="22"))
        rollup_range(TODAY - dt.timedelta(days=DEMO_DAYS - 1), TODAY)
        yield


@pytest.fixture
def signed_in(client, official):
    client.force_login(official)
    return client


def test_demo_reports_carry_the_2026_plans_daily_counts(demo):
    from reports.models import ReportValue

    years = set(ReportValue.objects.values_list("target__plan__year", flat=True))
    assert years == {2026}


def test_overview_opens_on_the_2026_plan_in_progress(demo, signed_in):
    response = signed_in.get(reverse("home"))
    page = response.content.decode()
    assert response.context["plan"].year == 2026
    assert '<strong aria-current="page">2026</strong>' in page
    # Deadlines are 31/12/2026: no target can be overdue yet.
    assert response.context["completion"].counts["overdue"] == 0
    assert response.context["completion"].total == 21


def test_the_2025_plan_shows_its_final_7_of_22(demo, signed_in):
    plan_2025 = Plan.objects.get(year=2025)
    page = signed_in.get(reverse("home") + f"?plan={plan_2025.pk}").content.decode()
    assert '<div class="figure">7/22</div>' in page
    assert '<strong aria-current="page">2025</strong>' in page


def test_an_unknown_plan_id_falls_back_to_the_plan_in_force(demo, signed_in):
    assert signed_in.get(reverse("home") + "?plan=999999").context["plan"].year == 2026
    assert signed_in.get(reverse("home") + "?plan=x").context["plan"].year == 2026


def test_key_task_card_counts_by_the_rule(demo, signed_in):
    plan_2025 = Plan.objects.get(year=2025)
    statuses = [task_status(task, TODAY) for task in plan_2025.key_tasks.all()]
    assert len(statuses) == 6
    within = sum(1 for status in statuses if status != TaskStatus.OVERDUE)
    page = signed_in.get(reverse("home") + f"?plan={plan_2025.pk}").content.decode()
    assert f'<div class="figure">{within}/6</div>' in page
    assert "nhiệm vụ trọng tâm trong hạn, 0 chậm tiến độ" in page


def test_key_task_card_counts_behind_schedule_tasks_of_the_plan_in_force(demo, signed_in):
    plan = Plan.objects.get(year=2026)
    common = dict(plan=plan, lead_agency="Sở Khoa học và Công nghệ",
                  start_date=dt.date(2026, 1, 1), deadline=dt.date(2026, 12, 31))
    KeyTask.objects.create(code="A", title="A", progress=95, **common)  # in progress
    KeyTask.objects.create(code="B", title="B", progress=40, **common)  # behind schedule
    KeyTask.objects.create(code="C", title="C", progress=100, **common)  # completed
    KeyTask.objects.create(code="D", title="D", progress=50, lead_agency="X",
                           plan=plan, deadline=dt.date(2026, 6, 30))  # overdue
    page = signed_in.get(reverse("home")).content.decode()
    assert '<div class="figure">3/4</div>' in page
    assert "nhiệm vụ trọng tâm trong hạn, 1 chậm tiến độ" in page


def test_science_card_shows_the_published_counts_until_tasks_are_imported(demo, signed_in):
    assert ScienceTask.objects.filter(is_demo=True).exists()  # demo tasks do not count
    page = signed_in.get(reverse("home")).content.decode()
    assert "28 chuyển tiếp + 7 mới" in page


def test_programme_lists_its_six_2030_targets_with_their_yearly_path(demo, signed_in):
    programme = Programme.objects.get()
    assert programme.resolution_reference == "09-NQ/TU" and programme.horizon_year == 2030
    assert set(Plan.objects.values_list("programme", flat=True)) == {programme.pk}
    response = signed_in.get(reverse("programmes:index"))
    paths = response.context["paths"]
    assert [path.target.code for path in paths] == [
        "NQ09-DE-01", "NQ09-DE-02", "NQ09-DG-01", "NQ09-DS-01", "NQ09-DG-02", "NQ09-DE-03",
    ]
    economy = paths[0]
    assert [point.year for point in economy.points] == [2025, 2026]
    assert response.context["years"] == [2025, 2026]
    data = signed_in.get(reverse("programmes:detail", args=[programme.pk]) + "?csv=path")
    rows = list(csv.reader(io.StringIO(data.content.decode("utf-8-sig"))))
    assert {row[0] for row in rows[1:]} >= {"NQ09-DE-01", "NQ09-DE-03"}


def test_programme_projection_uses_the_least_squares_line(demo, signed_in):
    from targets.models import TargetMeasurement

    QN_DE_01 = {plan.year: plan.targets.get(code="QN-DE-01") for plan in Plan.objects.all()}
    TargetMeasurement.objects.create(target=QN_DE_01[2025], date=dt.date(2025, 12, 31),
                                     value=9.1)
    TargetMeasurement.objects.create(target=QN_DE_01[2026], date=dt.date(2026, 11, 30),
                                     value=11.1)
    rollup_range(dt.date(2025, 12, 31), dt.date(2025, 12, 31))
    rollup_range(TODAY, TODAY)
    path = signed_in.get(reverse("programmes:index")).context["paths"][0]
    assert [point.value for point in path.points] == [9.1, 11.1]
    # 7.1 (2024) → 9.1 (2025) → ~11.1 (2026): about 2 points a year, ~19 by 2030.
    assert 18 < path.projection < 20


@pytest.mark.parametrize("person", ["focal_a"])
def test_focal_points_do_not_see_programme_or_science_pages(client, request, person, quangninh):
    client.force_login(request.getfixturevalue(person))
    assert client.get(reverse("programmes:index")).status_code == 404
    assert client.get(reverse("science_tasks:list")).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, quangninh):
    for url in (reverse("programmes:index"), reverse("science_tasks:list")):
        assert "/accounts/login/" in client.get(url)["Location"]


def test_administrators_see_the_new_pages(client, administrator, demo):
    client.force_login(administrator)
    for url in (reverse("programmes:index"), reverse("science_tasks:list")):
        assert client.get(url).status_code == 200


def test_science_task_list_filters_and_exports_the_filtered_rows(demo, signed_in):
    page = signed_in.get(reverse("science_tasks:list") + "?field=health")
    assert [task.code for task in page.context["table"].data] == ["DEMO-KHCN-04"]
    data = signed_in.get(reverse("science_tasks:list") + "?field=health&_export=csv")
    rows = list(csv.reader(io.StringIO(data.content.decode("utf-8-sig"))))
    assert len(rows) == 2 and rows[1][0] == "DEMO-KHCN-04"
    xlsx = signed_in.get(reverse("science_tasks:list") + "?_export=xlsx")
    assert xlsx.status_code == 200


def test_new_pages_query_counts(demo, signed_in, django_assert_num_queries):
    ScienceTask.objects.bulk_create(
        ScienceTask(province_id=Plan.objects.first().province_id, code=f"X{n}", title="x",
                    field="other", kind="new", host_organisation="h", receiving_unit="r")
        for n in range(30)
    )
    # Session and user (2), then the page's own: province, programme, its targets, their
    # contributions with roll-up values (4); province, count, rows (3).
    with django_assert_num_queries(PAGE_CHROME_QUERIES + 2 + 4):
        assert signed_in.get(reverse("programmes:index")).status_code == 200
    with django_assert_num_queries(PAGE_CHROME_QUERIES + 2 + 3):
        assert signed_in.get(reverse("science_tasks:list")).status_code == 200


# --- Import and export of key tasks through the admin -------------------------------------

KEY_TASK_HEADERS = ["Năm kế hoạch", "Mã nhiệm vụ", "Tên nhiệm vụ", "Trụ cột", "Cơ quan chủ trì",
                    "Ngày bắt đầu", "Thời hạn", "Tiến độ (%)"]


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


def test_key_tasks_round_trip_through_the_admin(admin_client):
    rows = [[2026, "NV26-01", "Phủ sóng 5G các xã", "digital_infrastructure", "Sở KH&CN",
             "01/02/2026", "31/12/2026", "40"]]
    _, done = import_file(admin_client, "targets_keytask", xlsx_bytes([KEY_TASK_HEADERS, *rows]),
                          "nhiem-vu.xlsx")
    assert done.status_code == 302
    task = KeyTask.objects.get(plan__year=2026, code="NV26-01")
    assert (task.progress, task.start_date) == (40, dt.date(2026, 2, 1))

    exported = export(admin_client, "targets_keytask", 1)  # CSV
    table = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert table[0][:3] == ["Năm kế hoạch", "Mã nhiệm vụ", "Tên nhiệm vụ"]
    content = exported.content
    again, _ = import_file(admin_client, "targets_keytask", content, "export.csv")
    totals = again.context["result"].totals
    assert (totals["new"], totals["update"]) == (0, 0)
    assert totals["skip"] == KeyTask.objects.count()


def test_key_task_import_refuses_progress_above_100(admin_client):
    rows = [[2026, "NV26-09", "x", "", "A", "", "31/12/2026", "120"]]
    response = preview(admin_client, "admin:targets_keytask_import",
                       xlsx_bytes([KEY_TASK_HEADERS, *rows]), "bad.xlsx")
    errors = response.context["result"].dtm_errors
    assert errors and errors[0]["column"] == "Tiến độ (%)"
    assert not KeyTask.objects.filter(code="NV26-09").exists()


def test_loading_twice_changes_nothing_for_programme_and_tasks(quangninh):
    again = load_quangninh()
    assert set(again["programme_targets"]) == {"unchanged"}
    assert set(again["key_tasks"]) == {"unchanged"}
    assert Target.objects.filter(programme_target__isnull=False).count() == 10
