"""Pages and exports of a signed-in account are never stored by a cache (they hold contacts)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_pages_exports_and_chart_data_are_private_and_not_stored(client, official, commune_a):
    client.force_login(official)
    urls = [
        reverse("home"),
        reverse("communes:list") + "?_export=csv",
        reverse("communes:detail", args=[commune_a.code]),
        reverse("compliance:index"),
        reverse("reports:list"),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        cache_control = response["Cache-Control"]
        assert "private" in cache_control and "no-store" in cache_control, (url, cache_control)

