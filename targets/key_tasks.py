"""Key tasks of a yearly plan, and the progress updates that move them.

Imported by targets/models.py, so Django registers these models with the targets app. Their
status is computed by one rule, `targets.status.task_status`.
"""

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("not started")
    IN_PROGRESS = "in_progress", _("in progress")
    BEHIND_SCHEDULE = "behind_schedule", _("behind schedule")
    COMPLETED = "completed", _("completed")
    OVERDUE = "overdue", _("overdue")


class KeyTaskQuerySet(models.QuerySet):
    def of_province(self, province):
        """The key tasks of `province`'s plans (every page filters by the province it shows)."""
        return self.filter(plan__province=province)


class KeyTask(models.Model):
    """A key task of a plan: what is to be done, by whom, by when, and how far it is."""

    plan = models.ForeignKey(
        "targets.Plan", on_delete=models.CASCADE, related_name="key_tasks",
        verbose_name=_("plan"),
    )
    code = models.CharField(_("code"), max_length=30)
    title = models.CharField(_("title"), max_length=500)
    pillar = models.ForeignKey(
        "targets.Pillar", on_delete=models.PROTECT, null=True, blank=True,
        related_name="key_tasks", verbose_name=_("pillar"),
    )
    lead_agency = models.CharField(_("lead agency"), max_length=255)
    cooperating_agencies = models.TextField(_("cooperating agencies"), blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    deadline = models.DateField(_("deadline"))
    expected_output = models.TextField(_("expected output"), blank=True)
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    is_reconstruction = models.BooleanField(
        _("reconstructed"), default=False,
        help_text=_("Agencies and dates were reconstructed: the official assignment is not "
                    "public."),
    )

    history = HistoricalRecords()
    objects = KeyTaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("key task")
        verbose_name_plural = _("key tasks")
        ordering = ["plan", "deadline", "code"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="key_task_code_unique_in_plan"),
            models.CheckConstraint(
                condition=Q(progress__gte=0, progress__lte=100),
                name="key_task_progress_within_0_100",
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True) | Q(start_date__lte=models.F("deadline")),
                name="key_task_starts_before_deadline",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.title}"


class KeyTaskUpdate(models.Model):
    """A progress report on a key task; the latest one sets the task's progress."""

    task = models.ForeignKey(
        KeyTask, on_delete=models.CASCADE, related_name="updates", verbose_name=_("key task")
    )
    date = models.DateField(_("date"))
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), validators=[MaxValueValidator(100)]
    )
    note = models.TextField(_("note"), blank=True)
    attachment = models.FileField(_("attachment"), upload_to="key_tasks/%Y/", blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("author"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("key task update")
        verbose_name_plural = _("key task updates")
        ordering = ["task", "-date", "-pk"]
        get_latest_by = ["date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__gte=0, progress__lte=100),
                name="key_task_update_progress_within_0_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task.code} {self.date:%d/%m/%Y}: {self.progress}%"


@transaction.atomic
def record_progress(task: KeyTask, day: dt.date, progress: int, *, note: str = "",
                    author=None, attachment=None) -> KeyTaskUpdate:
    """Add a progress update; the task takes the progress of its latest update by date."""
    update = KeyTaskUpdate.objects.create(
        task=task, date=day, progress=progress, note=note, author=author,
        attachment=attachment or "",
    )
    latest = task.updates.latest()
    if task.progress != latest.progress:
        task.progress = latest.progress
        task.save(update_fields=["progress"])
    return update
