"""The three roles exist as groups with what each may do, and units are scoped by role."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.urls import reverse

from communes import roles
from communes.models import Commune
from communes.permissions import OneQueryPermissions
from tests.conftest import make_user


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
    assert not Commune.objects.visible_to(AnonymousUser()).exists()


# --- Permissions read in one query (communes.permissions) -------------------------------------


def _fresh(user):
    """The account as a new request loads it: no permission cached on the object."""
    return type(user).objects.get(pk=user.pk)


def _model_backend_permissions(user) -> set[str]:
    return ModelBackend().get_all_permissions(_fresh(user))


@pytest.fixture
def unusual_accounts(django_user_model, focal_a, quangninh):
    """Accounts off the beaten track: a superuser, a deactivated focal point, an account with
    a permission of its own besides its role, and one with no role at all."""
    superuser = make_user(django_user_model, "root", is_superuser=True)
    inactive = make_user(django_user_model, "gone", roles.FOCAL_POINTS, is_active=False,
                         communes=list(focal_a.communes.all()))
    direct = make_user(django_user_model, "direct", roles.PROVINCIAL_OFFICIALS)
    direct.user_permissions.add(Permission.objects.get(codename="change_target"))
    no_role = make_user(django_user_model, "nobody")
    return [superuser, inactive, direct, no_role]


def test_every_account_holds_the_permissions_model_backend_gives_it(
    people, unusual_accounts
):
    backend = OneQueryPermissions()
    for user in [person for person in people.values() if person] + unusual_accounts:
        expected = _model_backend_permissions(user)
        assert backend.get_all_permissions(_fresh(user)) == expected, user.username
        fresh = _fresh(user)
        for perm in ("reports.add_dailyreport", "reports.view_dailyreport",
                     "targets.change_target", "auth.view_group"):
            assert fresh.has_perm(perm) == (perm in expected or user.is_superuser), perm
        for app_label in ("reports", "targets", "auth", "admin"):
            assert _fresh(user).has_module_perms(app_label) == (
                user.is_active and (user.is_superuser
                                    or any(p.startswith(f"{app_label}.") for p in expected))
            ), app_label
    assert unusual_accounts[2].has_perm("targets.change_target")  # its own permission counts


def test_anonymous_visitors_and_objects_hold_no_permission(focal_a, commune_a):
    backend = OneQueryPermissions()
    assert backend.get_all_permissions(AnonymousUser()) == set()
    assert not AnonymousUser().has_perm("reports.view_dailyreport")
    # Object permissions are not ModelBackend's business, nor this backend's.
    assert backend.get_all_permissions(_fresh(focal_a), obj=commune_a) == set()
    assert not _fresh(focal_a).has_perm("reports.view_dailyreport", commune_a)


def test_a_role_change_is_seen_by_the_next_request(focal_a):
    """Permissions are read once per request (per user object), never kept across requests."""
    group = Group.objects.get(name=roles.FOCAL_POINTS)
    assert _fresh(focal_a).has_perm("reports.add_dailyreport")
    group.permissions.remove(*group.permissions.filter(codename="add_dailyreport"))
    assert not _fresh(focal_a).has_perm("reports.add_dailyreport")
    focal_a.groups.clear()
    assert not _fresh(focal_a).has_perm("reports.view_dailyreport")


def test_the_navigations_permissions_cost_one_query(focal_a, django_assert_num_queries):
    user = _fresh(focal_a)
    with django_assert_num_queries(1):
        assert user.has_perm("reports.add_dailyreport")
        assert user.has_perm("reports.view_dailyreport")
        assert not user.has_perm("reports.delete_dailyreport")  # ModelBackend: the same set
        assert user.has_module_perms("reports")
        assert user.get_all_permissions() == {
            "reports.add_dailyreport", "reports.change_dailyreport", "reports.view_dailyreport"
        }


def test_signing_in_and_sessions_stay_model_backends(client, focal_a):
    client.post(reverse("login"), {"username": "focal_a", "password": "secret-pass-123"})
    assert client.session["_auth_user_backend"] == "django.contrib.auth.backends.ModelBackend"
    assert client.session[SESSION_KEY] == str(focal_a.pk)
