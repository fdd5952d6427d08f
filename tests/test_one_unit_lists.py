"""A focal point of one unit is not offered search and filters for a list of that one unit
(issue 18); a focal point of several units and officials keep them."""

import pytest
from django.urls import reverse

from communes import roles
from tests.conftest import make_user


@pytest.fixture
def focal_ab(django_user_model, commune_a, commune_b):
    return make_user(django_user_model, "focal_ab", roles.FOCAL_POINTS, [commune_a, commune_b])


def _page(client, user, name: str) -> str:
    client.force_login(user)
    response = client.get(reverse(name))
    assert response.status_code == 200
    return response.content.decode()


def test_a_focal_point_of_one_unit_sees_its_unit_without_search_or_filters(client, focal_a,
                                                                            commune_a):
    page = _page(client, focal_a, "communes:list")
    assert commune_a.name in page
    assert 'id="filters"' not in page and 'name="q"' not in page and 'name="kind"' not in page
    # The row can still be downloaded.
    assert 'id="export-csv"' in page and 'id="export-xlsx"' in page


@pytest.mark.parametrize("person", ["focal_ab", "official"])
def test_focal_points_of_several_units_and_officials_keep_search_and_filters(client, request,
                                                                           person):
    page = _page(client, request.getfixturevalue(person), "communes:list")
    assert 'id="filters"' in page and 'name="q"' in page and 'name="kind"' in page


def test_an_official_keeps_the_filters_when_a_search_finds_one_unit(client, official,
                                                                     commune_a):
    client.force_login(official)
    page = client.get(reverse("communes:list"), {"q": commune_a.code}).content.decode()
    assert 'id="filters"' in page and f'value="{commune_a.code}"' in page


def test_the_reports_list_offers_a_unit_choice_only_to_those_who_see_several(
    client, focal_a, focal_ab, official
):
    one = _page(client, focal_a, "reports:list")
    assert 'name="commune"' not in one
    # Dates and status still filter a unit's many reports.
    assert 'name="date_from"' in one and 'name="status"' in one
    for user in (focal_ab, official):
        assert 'name="commune"' in _page(client, user, "reports:list"), user
