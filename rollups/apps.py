from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RollupsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "rollups"
    verbose_name = _("Roll-ups")

    def ready(self) -> None:
        # Register the tasks in every process, not only in workers: the reports nudge them by
        # name after a commit, and Celery's autodiscovery imports tasks modules only when a
        # worker starts.
        from . import tasks  # noqa: F401
