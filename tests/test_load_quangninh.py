"""load_quangninh loads the province's real structure and is safe to run again."""

from collections import Counter

import pytest
from django.core.management import call_command

from communes.models import Commune, Province
from reports.loaders import load_quangninh
from targets.models import Plan, ProcedureStatistics, Target


def test_loads_54_units_by_kind(quangninh):
    assert Province.objects.get().name == "Quảng Ninh"
    kinds = Counter(Commune.objects.values_list("kind", flat=True))
    assert kinds == {"ward": 30, "commune": 22, "special_zone": 2}
    assert set(Commune.objects.filter(kind="special_zone").values_list("name", flat=True)) == {
        "Đặc khu Vân Đồn", "Đặc khu Cô Tô",
    }


def test_units_keep_their_official_codes_and_former_areas(quangninh):
    hong_gai = Commune.objects.get(code="06685")
    assert hong_gai.name == "Phường Hồng Gai"
    assert hong_gai.former_area == "Hạ Long"
    assert Commune.objects.get(code="07060").population == 19628


def test_2025_plan_has_22_targets_7_completed(quangninh):
    plan = Plan.objects.get(year=2025)
    assert plan.is_reconstruction
    assert plan.targets.in_plan().count() == 22
    assert plan.targets.in_plan().filter(manual_status="completed").count() == 7


def test_communes_report_countable_daily_figures(quangninh):
    daily = Target.objects.reported_by_communes()
    assert daily.count() >= 6
    assert set(daily.values_list("unit", flat=True)) == {"count"}
    assert not daily.filter(counts_in_plan=True).exists()


def test_each_computed_target_names_the_counts_it_is_computed_from(quangninh):
    computed = Target.objects.filter(source=Target.Source.DERIVED)
    assert computed.exists()
    for target in computed:
        assert target.aggregation == Target.Aggregation.RATIO
        assert target.numerator.source == Target.Source.COMMUNE_DAILY
        assert target.denominator.source == Target.Source.COMMUNE_DAILY
        target.full_clean()


def test_procedure_figures_are_the_published_ones(quangninh):
    stats = ProcedureStatistics.objects.get()
    assert (stats.total_procedures, stats.online_eligible) == (2023, 1874)
    assert stats.fully_online_percent == 80 and stats.fully_online_is_lower_bound


def test_running_twice_changes_nothing(quangninh):
    history_before = Target.history.count() + Commune.history.count()
    second = load_quangninh()
    assert set(second["communes"]) == {"unchanged"}
    assert set(second["targets"]) == {"unchanged"}
    assert Commune.objects.count() == 54
    assert Target.objects.in_plan().filter(plan__year=2025).count() == 22
    assert Target.history.count() + Commune.history.count() == history_before


def test_update_restores_fixture_values_and_keeps_admin_edits_otherwise(quangninh):
    target = Target.objects.get(plan__year=2025, code="QN-DE-05")
    target.responsible_agency = "Edited by an administrator"
    target.save()

    load_quangninh()
    target.refresh_from_db()
    assert target.responsible_agency == "Edited by an administrator"

    result = load_quangninh(update=True)
    target.refresh_from_db()
    assert target.responsible_agency == "Sở Khoa học và Công nghệ"
    assert result["targets"]["updated"] == 1


@pytest.mark.django_db
def test_command_reports_what_it_loaded(capsys):
    call_command("load_quangninh")
    out = capsys.readouterr().out
    assert "communes: 54 created" in out
    assert "22 plan targets, 7 completed" in out
