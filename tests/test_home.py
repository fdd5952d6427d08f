"""The home page (the province overview) shows the province, its units by kind, its plan's
completion and procedure figures, to signed-in users only."""

import pytest
from django.urls import reverse

from targets.models import Plan
from tests.conftest import PAGE_CHROME_QUERIES


def test_home_asks_anonymous_visitors_to_log_in(client, quangninh):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")


def test_home_shows_province_units_and_plan_in_vietnamese(client, official):
    client.force_login(official)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Quảng Ninh" in page
    assert '<div class="figure">54</div>' in page
    assert '<div class="figure">0/21</div>' in page  # the 2026 plan, in force today
    plan_2025 = Plan.objects.get(year=2025)
    history = client.get(reverse("home") + f"?plan={plan_2025.pk}").content.decode()
    assert '<div class="figure">7/22</div>' in history
    assert '<div class="figure">1.874/2.023</div>' in page
    assert "tái dựng" in page  # the reconstruction notice, in Vietnamese
    assert "Phường" in page or "phường" in page


def test_home_switches_to_english(client, official):
    client.force_login(official)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("home")).content.decode()
    assert "targets of the 2026 plan completed" in page
    assert "1,874/2,023" in page


@pytest.mark.django_db
def test_home_without_data_explains_what_to_run(client, django_user_model):
    client.force_login(django_user_model.objects.create_user(
        "early", password="x-pass-123", scope="national"
    ))
    page = client.get(reverse("home")).content.decode()
    assert "load_quangninh" in page


def test_home_query_count_does_not_depend_on_targets(
    client, official, django_assert_max_num_queries
):
    # The overview also reads roll-ups now; tests/test_dashboards.py pins it at two data sizes.
    client.force_login(official)
    with django_assert_max_num_queries(16 + PAGE_CHROME_QUERIES):
        client.get(reverse("home"))


def test_reporting_csv_is_the_cards_figures_read_alone(
    client, official, django_assert_max_num_queries
):
    """`?csv=reporting` gives the card's rows, as the overview computes them, with the card's
    one query (session, user and province besides), not the whole overview's."""
    from django.utils import timezone, translation

    from core.tabular import csv_response
    from dashboards.overview import overview

    client.force_login(official)
    with django_assert_max_num_queries(4):
        response = client.get(reverse("home") + "?csv=reporting")
    with translation.override("vi"):
        card = overview("vi", timezone.localdate(), official.province)["card"]
    assert card.rows
    assert response.content == csv_response(card.name, [card.headers, *card.rows]).content


def test_login_page_renders_and_logs_in(client, official):
    assert client.get(reverse("login")).status_code == 200
    response = client.post(
        reverse("login"), {"username": "official", "password": "secret-pass-123"}
    )
    assert response.status_code == 302


def test_browser_language_does_not_override_vietnamese(client, official):
    client.force_login(official)
    page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "đơn vị hành chính cấp xã" in page


def test_pages_forbid_third_party_and_inline_scripts(client, official):
    client.force_login(official)
    policy = client.get(reverse("home"))["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
