"""load_units: provinces and units of the whole country from the vietnam-provinces package."""

import datetime as dt
from collections import Counter

import pytest
from django.core.management import call_command

from communes.loaders import load_units
from communes.models import Commune, Province
from core.tsv import read_tsv
from reports.loaders import QUANGNINH_FIXTURES, load_quangninh


def _fixture_codes() -> set[str]:
    return {row["code"] for row in read_tsv(QUANGNINH_FIXTURES / "communes.tsv")}


@pytest.mark.django_db
def test_quang_ninh_gives_the_fixtures_54_codes_and_kinds():
    call_command("load_units", "--province", "22")
    assert Province.objects.get().name == "Quảng Ninh"
    assert set(Commune.objects.values_list("code", flat=True)) == _fixture_codes()
    assert Counter(Commune.objects.values_list("kind", flat=True)) == {
        "ward": 30, "commune": 22, "special_zone": 2}


@pytest.mark.django_db
def test_second_run_changes_nothing():
    load_units(["22"])
    history = Commune.history.count()
    outcomes = load_units(["22"])
    assert outcomes == {"provinces unchanged": 1, "units unchanged": 54}
    assert Commune.history.count() == history


@pytest.mark.django_db
def test_a_unit_gone_from_the_list_is_switched_off_not_deleted():
    load_units(["22"])
    stray = Commune.objects.create(province=Province.objects.get(code="22"), code="99999",
                                   name="Xã đã sáp nhập", kind="commune")
    load_units(["22"], today=dt.date(2026, 1, 5))
    stray.refresh_from_db()
    assert (stray.is_active, stray.active_until) == (False, dt.date(2026, 1, 5))
    assert load_units(["22"]).get("units switched off") is None


@pytest.mark.django_db
def test_quang_ninh_fixture_is_layered_on_top():
    load_units(["22"])
    load_quangninh()
    hong_gai = Commune.objects.get(code="06685")
    assert (hong_gai.name, hong_gai.former_area) == ("Phường Hồng Gai", "Hạ Long")
    assert Commune.objects.get(code="07060").population == 19628
    assert Commune.objects.count() == 54


@pytest.mark.postgres
@pytest.mark.django_db
def test_all_gives_34_provinces_and_3321_units():
    call_command("load_units", "--all")
    assert Province.objects.count() == 34
    assert Commune.objects.count() == 3321
    assert load_units() == {"provinces unchanged": 34, "units unchanged": 3321}
