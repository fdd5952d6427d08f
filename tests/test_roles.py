"""The three roles exist as groups with what each may do, and units are scoped by role."""

import pytest
from django.contrib.auth.models import Group

from communes import roles
from communes.models import Commune


@pytest.mark.django_db
def test_role_groups_exist_after_migrate():
    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.ROLE_GROUPS)


@pytest.mark.django_db
def test_officials_may_view_but_not_change():
    perms = set(
        Group.objects.get(name=roles.PROVINCIAL_OFFICIALS).permissions.values_list(
            "codename", flat=True
        )
    )
    assert {"view_commune", "view_target", "view_dailyreport"} <= perms
    assert not any(code.startswith(("add_", "change_", "delete_")) for code in perms)


@pytest.mark.django_db
def test_focal_points_may_only_write_reports():
    perms = set(
        Group.objects.get(name=roles.FOCAL_POINTS).permissions.values_list("codename", flat=True)
    )
    assert perms == {"add_dailyreport", "change_dailyreport", "view_dailyreport"}


@pytest.mark.django_db
def test_administrators_may_change_everything_in_the_project():
    perms = set(
        Group.objects.get(name=roles.ADMINISTRATORS).permissions.values_list("codename", flat=True)
    )
    assert {"change_target", "add_target", "change_commune", "delete_dailyreport",
            "change_user"} <= perms


def test_focal_point_sees_only_their_unit(focal_a, commune_a):
    assert list(Commune.objects.visible_to(focal_a)) == [commune_a]
    assert list(Commune.objects.reportable_by(focal_a)) == [commune_a]


def test_official_and_administrator_see_every_unit(official, administrator):
    assert Commune.objects.visible_to(official).count() == 54
    assert Commune.objects.visible_to(administrator).count() == 54
    assert not Commune.objects.reportable_by(official).exists()


def test_anonymous_sees_nothing(quangninh):
    from django.contrib.auth.models import AnonymousUser

    assert not Commune.objects.visible_to(AnonymousUser()).exists()
