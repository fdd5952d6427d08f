from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CommunesConfig(AppConfig):
    name = "communes"
    verbose_name = _("Units and accounts")

    def ready(self) -> None:
        from django.contrib.auth.models import Group
        from django.contrib.auth.signals import user_logged_in

        from . import roles, sessions

        # Everywhere a group is shown (admin lists, filters, the account form, history), a role
        # reads in the reader's language: "quản trị viên", not "administrators".
        Group.__str__ = roles.group_label

        # Permissions exist only once migrate has created them, app by app, so the role groups
        # are re-granted theirs after each app's post_migrate; the last run covers every app.
        post_migrate.connect(roles.grant_role_permissions, dispatch_uid="grant_role_permissions")
        # What a new session must remember (last-seen time, a 2FA code still owed).
        user_logged_in.connect(sessions.start, dispatch_uid="dtmonitor_start_session")
