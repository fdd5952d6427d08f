"""The focal point's daily form through the Django test client: landing, saving, messages."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports import services
from reports.demo import seed_history
from reports.models import DailyReport, ReportRevision, ReportValue
from targets.models import Pillar, Plan, Target
from tests.conftest import make_user
from tests.reports_helpers import MONDAY, at, form_data, values_for


@pytest.fixture
def clock():
    """Monday 8/9/2025, 16:00 in Ha Noi: MONDAY's report is open and on time."""
    with time_machine.travel(at(MONDAY, 16), tick=False) as traveller:
        yield traveller


def form_url(commune, day=MONDAY):
    return reverse("reports:form", args=[commune.code, day.isoformat()])


@pytest.fixture
def percent_target(quangninh):
    """A daily percentage, so that the 0..100 rule can be exercised (the fixture's are counts)."""
    return Target.objects.create(
        plan=Plan.objects.get(year=2025), code="CX-P1", name_vi="Tỷ lệ thử", name_en="Test rate",
        pillar=Pillar.objects.first(), unit=Target.Unit.PERCENT, source=Target.Source.COMMUNE_DAILY,
        aggregation=Target.Aggregation.MEAN, counts_in_plan=False, target_value=Decimal(80),
    )


def test_focal_point_lands_on_todays_report(client, focal_a, commune_a, clock):
    response = client.post(
        reverse("login"), {"username": "focal_a", "password": "secret-pass-123"}, follow=True
    )
    assert response.redirect_chain[-1][0] == form_url(commune_a)
    assert "Báo cáo hôm nay" in response.content.decode()


def test_focal_point_opening_the_site_lands_on_todays_report(client, focal_a, commune_a, clock):
    """The front door sends anonymous visitors to the login page without "?next=/", so the
    focal point is not dropped on the overview instead of their form."""
    login_page = client.get(reverse("home"), follow=True)
    assert login_page.redirect_chain[-1][0] == reverse("login")
    response = client.post(
        login_page.redirect_chain[-1][0],
        {"username": "focal_a", "password": "secret-pass-123"}, follow=True,
    )
    assert response.redirect_chain[-1][0] == form_url(commune_a)


def test_focal_point_of_several_units_picks_one(client, django_user_model, commune_a, commune_b,
                                                clock):
    make_user(django_user_model, "both", "commune_focal_points", [commune_a, commune_b])
    response = client.post(
        reverse("login"), {"username": "both", "password": "secret-pass-123"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("reports:today")
    page = response.content.decode()
    assert form_url(commune_a) in page and form_url(commune_b) in page


@pytest.mark.parametrize("who", ["official", "administrator"])
def test_others_land_on_the_overview(client, who, request):
    request.getfixturevalue(who)
    response = client.post(
        reverse("login"), {"username": who, "password": "secret-pass-123"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home")


def test_form_lists_every_daily_target_by_pillar_with_last_and_target_value(
    client, focal_a, commune_a, percent_target, clock
):
    services.submit_report(
        focal_a, commune_a, MONDAY - dt.timedelta(days=3),
        values_for(1234) | {percent_target.pk: Decimal("12.5")}, now=at(MONDAY, 9),
    )
    client.force_login(focal_a)
    response = client.get(form_url(commune_a))
    page = response.content.decode()
    assert response.status_code == 200
    for target in Target.objects.reported_by_communes().filter(plan__year=2025).select_related(
        "pillar"
    ):
        assert f'name="value_{target.pk}"' in page
        assert target.name_vi in page
        assert target.pillar.name_vi in page
    assert "1.234" in page  # last value, Vietnamese thousands
    assert "12,5" in page
    assert "Chỉ tiêu: 80" in page and "Chỉ tiêu: —" in page


def test_submit_confirms_time_and_timeliness(client, focal_a, commune_a, clock):
    client.force_login(focal_a)
    response = client.post(form_url(commune_a), form_data(amount="1.234"), follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == form_url(commune_a)
    assert "16:00 08/09/2025" in page and "đúng hạn" in page
    report = DailyReport.objects.get()
    assert set(report.values.values_list("value", flat=True)) == {Decimal(1234)}
    assert not report.is_late


def test_late_submission_says_so(client, focal_a, commune_a):
    client.force_login(focal_a)
    with time_machine.travel(at(MONDAY + dt.timedelta(days=2), 8), tick=False):
        page = client.post(form_url(commune_a), form_data(), follow=True).content.decode()
    assert "trễ hạn" in page
    assert DailyReport.objects.get().is_late


def test_same_day_edit_updates_and_records_a_revision(client, focal_a, commune_a, clock):
    client.force_login(focal_a)
    client.post(form_url(commune_a), form_data())
    response = client.post(form_url(commune_a), form_data(version=1, CX_01="8", note="bổ sung"))
    assert response.status_code == 302
    assert DailyReport.objects.count() == 1
    assert list(ReportRevision.objects.values_list("kind", flat=True)) == ["submitted", "edited"]
    report = DailyReport.objects.get()
    assert (report.version, report.note) == (2, "bổ sung")
    detail = client.get(reverse("reports:detail", args=[report.pk])).content.decode()
    assert "CX-01: 5 → 8" in detail and "bổ sung" in detail


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Nhập một giá trị (0 nếu không có gì để báo cáo)."),
        ("abc", "Nhập một số, ví dụ 12 hoặc 1.234 hoặc 12,5."),
        ("-1", "Giá trị không được âm."),
        ("2,5", "Số lượng phải là số nguyên."),
        ("1,234", "“1,234” không rõ ràng"),
        ("12,345", "“12,345” không rõ ràng"),
        ("3,14159", "Dùng tối đa 2 chữ số thập phân."),
        ("9" * 40, "Số quá lớn."),
        ("1" * 61, "tối đa 60 kí tự"),
    ],
)
def test_each_bad_value_gets_its_message_and_is_kept(
    client, focal_a, commune_a, clock, typed, message
):
    client.force_login(focal_a)
    response = client.post(form_url(commune_a), form_data(CX_02=typed))
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert f'value="{typed}"' in page or not typed
    assert not DailyReport.objects.exists()


def test_percent_above_100_is_refused(client, focal_a, commune_a, percent_target, clock):
    client.force_login(focal_a)
    page = client.post(form_url(commune_a), form_data(CX_P1="100,5")).content.decode()
    assert "Tỷ lệ phần trăm nằm trong khoảng 0 đến 100." in page
    assert not DailyReport.objects.exists()
    assert client.post(form_url(commune_a), form_data(CX_P1="99,5")).status_code == 302
    assert ReportValue.objects.get(target=percent_target).value == Decimal("99.5")


def test_messages_in_english_when_chosen(client, focal_a, commune_a, clock):
    client.force_login(focal_a)
    client.cookies["django_language"] = "en"
    page = client.post(form_url(commune_a), form_data(CX_02="-1")).content.decode()
    assert "The value cannot be negative." in page


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"version": "abc"},
        {"version": "-5"},
        {"version": "99999999999999999999999"},
        {"value_999999": "5", "note": "x" * 6000},
    ],
)
def test_garbage_posts_never_500_and_write_nothing(client, focal_a, commune_a, clock, payload):
    client.force_login(focal_a)
    response = client.post(form_url(commune_a), payload)
    assert response.status_code == 200
    assert 'class="error' in response.content.decode()
    assert not DailyReport.objects.exists()


@pytest.mark.parametrize("version", ["abc", "-5", "99999999999999999999999"])
def test_a_damaged_version_says_so(client, focal_a, commune_a, clock, version):
    client.force_login(focal_a)
    page = client.post(form_url(commune_a), form_data(version=version)).content.decode()
    assert "Biểu mẫu bị hỏng hoặc đã cũ: hãy mở lại báo cáo." in page
    assert not DailyReport.objects.exists()


def test_bad_dates_are_not_found(client, focal_a, commune_a, clock):
    client.force_login(focal_a)
    url = reverse("reports:form", args=[commune_a.code, "2025-13-45"])
    assert client.get(url).status_code == 404
    assert client.post(url, form_data()).status_code == 404


def test_focal_point_of_another_unit_is_not_found_on_get_and_post(
    client, focal_b, commune_a, clock
):
    client.force_login(focal_b)
    assert client.get(form_url(commune_a)).status_code == 404
    assert client.post(form_url(commune_a), form_data()).status_code == 404
    assert not DailyReport.objects.exists() and not ReportRevision.objects.exists()


def test_officials_may_read_the_form_but_not_post_it(client, official, commune_a, clock):
    client.force_login(official)
    assert client.get(form_url(commune_a)).status_code == 200
    assert client.post(form_url(commune_a), form_data()).status_code == 403
    assert not DailyReport.objects.exists()


def test_cumulative_values_warn_and_save_once_confirmed(
    client, focal_a, commune_a, cumulative_target, clock
):
    earlier = MONDAY - dt.timedelta(days=1)
    services.submit_report(
        focal_a, commune_a, earlier, values_for(5) | {cumulative_target.pk: Decimal(100)},
        now=at(earlier, 12),
    )
    client.force_login(focal_a)
    page = client.post(form_url(commune_a), form_data(CX_C1="90")).content.decode()
    assert "Thấp hơn tổng lũy kế đã báo cáo lần trước (100)" in page
    assert not DailyReport.objects.filter(date=MONDAY).exists()
    page = client.post(form_url(commune_a), form_data(CX_C1="201")).content.decode()
    assert "Lớn hơn 2 lần tổng lũy kế đã báo cáo lần trước (100)" in page
    assert not DailyReport.objects.filter(date=MONDAY).exists()
    response = client.post(form_url(commune_a), form_data(CX_C1="90", accept_warnings="on"))
    assert response.status_code == 302
    assert ReportValue.objects.get(report__date=MONDAY, target=cumulative_target).value == 90


def test_someone_else_saved_since_the_form_was_opened(
    client, focal_a, commune_a, django_user_model, clock
):
    other = make_user(django_user_model, "other", "commune_focal_points", [commune_a])
    client.force_login(focal_a)
    opened_at = client.get(form_url(commune_a)).content.decode()
    assert 'name="version" value="0"' in opened_at
    services.submit_report(other, commune_a, MONDAY, values_for(7), now=at(MONDAY, 15))
    response = client.post(form_url(commune_a), form_data(amount="9"))
    page = response.content.decode()
    assert response.status_code == 409
    assert "Other đã lưu báo cáo này lúc 15:00 08/09/2025" in page
    assert 'value="7"' in page and 'name="version" value="1"' in page
    assert set(ReportValue.objects.values_list("value", flat=True)) == {Decimal(7)}
    assert ReportRevision.objects.count() == 1


def test_double_click_gives_one_report_and_one_revision(client, focal_a, commune_a, clock):
    client.force_login(focal_a)
    first = client.post(form_url(commune_a), form_data())
    second = client.post(form_url(commune_a), form_data(), follow=True)
    assert first.status_code == 302
    assert "Không có gì thay đổi" in second.content.decode()
    assert DailyReport.objects.count() == 1 and ReportRevision.objects.count() == 1


def test_closed_day_is_read_only_and_refuses_posts(client, focal_a, commune_a, clock):
    old = MONDAY - dt.timedelta(days=30)
    client.force_login(focal_a)
    page = client.get(form_url(commune_a, old)).content.decode()
    assert "Ngày này đã khóa" in page and 'name="version"' not in page
    assert client.post(form_url(commune_a, old), form_data()).status_code == 403
    future = MONDAY + dt.timedelta(days=1)
    assert client.post(form_url(commune_a, future), form_data()).status_code == 403
    assert not DailyReport.objects.exists()


def test_returned_report_shows_the_comment_on_the_form(
    client, focal_a, official, commune_a, clock
):
    report = services.submit_report(focal_a, commune_a, MONDAY, values_for(5)).report
    services.return_report(official, report, "Số CX-01 chưa khớp")
    client.force_login(focal_a)
    page = client.get(form_url(commune_a)).content.decode()
    assert "Số CX-01 chưa khớp" in page and "Gửi lại" in page
    assert client.post(form_url(commune_a), form_data(version=2)).status_code == 302
    report.refresh_from_db()
    assert report.status == "submitted"


@pytest.mark.parametrize("days", [2, 30])
def test_form_page_query_count_is_constant(
    client, focal_a, commune_a, clock, days, django_assert_max_num_queries
):
    seed_history(days, seed=2, end=MONDAY - dt.timedelta(days=1))
    services.submit_report(focal_a, commune_a, MONDAY, values_for(1))
    client.force_login(focal_a)
    with django_assert_max_num_queries(10):
        assert client.get(form_url(commune_a)).status_code == 200


def test_a_correction_sent_by_the_script_costs_a_fixed_number_of_queries(
    client, focal_a, commune_a, clock, django_assert_max_num_queries
):
    """Session, user, the unit with the right to report for it, rules, targets; then the
    transaction: the report locked, any revision holding the key, its values, the changed
    values and their history, the report and its history, the revision, its value changes,
    the roll-up request."""
    services.submit_report(focal_a, commune_a, MONDAY, values_for(1))
    client.force_login(focal_a)
    client.get(form_url(commune_a))  # the session's last-seen time is written once a minute
    data = form_data(version=1, amount="2", idempotency_key=str(uuid.uuid4()))
    with django_assert_max_num_queries(17):
        response = client.post(form_url(commune_a), data, HTTP_ACCEPT="application/json")
    assert response.json()["status"] == "saved" and response.json()["version"] == 2


@settings(
    max_examples=40, deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(typed=st.text(max_size=80), note=st.text(max_size=200))
def test_no_input_reaches_a_500(client, focal_a, commune_a, clock, typed, note):
    client.force_login(focal_a)
    response = client.post(form_url(commune_a), form_data(CX_05=typed, note=note))
    # Valid input saves (302), or meets an earlier example's report (409: changed since opened);
    # anything else is a form with messages (200).
    assert response.status_code in (200, 302, 409)
