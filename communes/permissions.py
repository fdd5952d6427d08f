"""An account's permissions read in one query, for every page's navigation.

Every signed-in page asks `perms.reports.add_dailyreport` and `perms.reports.view_dailyreport`
(templates/base.html). Django's ModelBackend answers from two ORM queries, the account's own
permissions and its groups' (the roles of `communes.roles`), about 1.5 ms of CPU per page,
mostly Python building the joins and PostgreSQL planning them. `OneQueryPermissions` reads the
same two sources in one fixed statement (~0.25 ms) and puts the result where ModelBackend keeps
its own (`user._perm_cache`), so ModelBackend, listed after it, answers from that set without a
query of its own: the same rows, the same rule, the same answers (tests/test_roles.py compares
them for every kind of account).

It answers permission questions only: signing in, and the backend named in sessions, stay
ModelBackend's (no `get_user`, so `force_login` and existing sessions never name this one).
"""

import functools

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connections, router

# ModelBackend's own cache of `get_all_permissions` on the user object (one request's life);
# filling it is what spares ModelBackend its two queries.
CACHE = "_perm_cache"


@functools.cache
def _statement(alias: str) -> str:
    """The app label and codename of every permission an account holds directly or through
    one of its groups (the two sources ModelBackend reads), built once from the models'
    table and column names."""
    quote = connections[alias].ops.quote_name
    user = get_user_model()._meta
    direct, groups = user.get_field("user_permissions"), user.get_field("groups")
    group_permissions = Group._meta.get_field("permissions")
    names = {
        "permission": quote(Permission._meta.db_table),
        "permission_id": quote(Permission._meta.pk.column),
        "content_type_id": quote(Permission._meta.get_field("content_type").column),
        "app_label": quote(ContentType._meta.get_field("app_label").column),
        "codename": quote(Permission._meta.get_field("codename").column),
        "content_type": quote(ContentType._meta.db_table),
        "content_type_pk": quote(ContentType._meta.pk.column),
        "direct": quote(direct.m2m_db_table()),
        "direct_user": quote(direct.m2m_column_name()),
        "direct_permission": quote(direct.m2m_reverse_name()),
        "member": quote(groups.m2m_db_table()),
        "member_user": quote(groups.m2m_column_name()),
        "member_group": quote(groups.m2m_reverse_name()),
        "granted": quote(group_permissions.m2m_db_table()),
        "granted_group": quote(group_permissions.m2m_column_name()),
        "granted_permission": quote(group_permissions.m2m_reverse_name()),
    }
    return """
        SELECT ct.{app_label}, p.{codename}
        FROM {permission} p JOIN {content_type} ct ON ct.{content_type_pk} = p.{content_type_id}
        WHERE p.{permission_id} IN (
            SELECT d.{direct_permission} FROM {direct} d WHERE d.{direct_user} = %s
            UNION ALL
            SELECT g.{granted_permission} FROM {granted} g
            JOIN {member} m ON m.{member_group} = g.{granted_group}
            WHERE m.{member_user} = %s
        )""".format(**names)


def _read(user) -> set[str]:
    if user.is_superuser:  # ModelBackend's rule: every permission there is
        rows = Permission.objects.values_list("content_type__app_label", "codename")
    else:
        alias = router.db_for_read(Permission)
        with connections[alias].cursor() as cursor:
            cursor.execute(_statement(alias), [user.pk, user.pk])
            rows = cursor.fetchall()
    return {f"{app_label}.{codename}" for app_label, codename in rows}


class OneQueryPermissions:
    """An authentication backend that only reads permissions (AUTHENTICATION_BACKENDS, before
    ModelBackend). Inactive and anonymous accounts hold none, and object permissions are not
    its business, exactly as for ModelBackend."""

    def authenticate(self, request, **credentials):
        return None  # signing in is ModelBackend's

    def get_all_permissions(self, user_obj, obj=None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, CACHE):
            setattr(user_obj, CACHE, _read(user_obj))
        return getattr(user_obj, CACHE)

    def has_perm(self, user_obj, perm: str, obj=None) -> bool:
        return perm in self.get_all_permissions(user_obj, obj)

    def has_module_perms(self, user_obj, app_label: str) -> bool:
        return any(
            perm[: perm.index(".")] == app_label
            for perm in self.get_all_permissions(user_obj)
        )
