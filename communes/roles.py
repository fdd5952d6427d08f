"""The three roles of dtmonitor, as Django groups.

The groups themselves are created by a migration; their permissions are (re)granted after every
`migrate` so that models added later are covered too. This is the one place that says what each
role may do at the model level; object-level scope lives in the querysets (`visible_to`).
"""

from django.contrib.auth.models import Group, Permission
from django.utils.translation import gettext_lazy as _

PROVINCIAL_OFFICIALS = "provincial_officials"
FOCAL_POINTS = "commune_focal_points"
ADMINISTRATORS = "administrators"

ROLE_GROUPS = (PROVINCIAL_OFFICIALS, FOCAL_POINTS, ADMINISTRATORS)
# What people read: the group names above are identifiers (imports and code use them).
ROLE_LABELS = {
    PROVINCIAL_OFFICIALS: _("provincial officials"),
    FOCAL_POINTS: _("unit focal points"),
    ADMINISTRATORS: _("administrators"),
}


def group_label(group: Group) -> str:
    """A role group's name in the reader's language; other groups keep their own name."""
    return str(ROLE_LABELS.get(group.name, group.name))
PROJECT_APPS = ("communes", "targets", "reports", "rollups")


def role_permissions() -> dict[str, list[Permission]]:
    project = Permission.objects.filter(content_type__app_label__in=PROJECT_APPS)
    view_all = project.filter(codename__startswith="view_")
    administrators = project | Permission.objects.filter(
        content_type__app_label="auth", codename__endswith="_group"
    ).filter(codename__startswith="view_")
    return {
        PROVINCIAL_OFFICIALS: list(view_all),
        FOCAL_POINTS: list(
            project.filter(
                content_type__app_label="reports",
                codename__in=("add_dailyreport", "change_dailyreport", "view_dailyreport"),
            )
        ),
        ADMINISTRATORS: list(administrators),
    }


def grant_role_permissions(**kwargs) -> None:
    for name, permissions in role_permissions().items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(permissions)

