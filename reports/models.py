from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class DailyReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Reports of the units the user may see (see `Commune.objects.visible_to`)."""
        from communes.models import Commune

        return self.filter(commune__in=Commune.objects.visible_to(user))


class DailyReport(models.Model):
    """What one unit reported for one day."""

    commune = models.ForeignKey(
        "communes.Commune", on_delete=models.PROTECT, related_name="daily_reports",
        verbose_name=_("unit"),
    )
    date = models.DateField(_("report date"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="daily_reports", verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    note = models.TextField(_("note"), blank=True)
    blockers = models.TextField(_("blockers and proposals"), blank=True)

    history = HistoricalRecords()
    objects = DailyReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("daily report")
        verbose_name_plural = _("daily reports")
        ordering = ["-date", "commune__name"]
        constraints = [
            models.UniqueConstraint(fields=["commune", "date"], name="report_one_per_unit_per_day")
        ]
        indexes = [models.Index(fields=["date", "commune"])]

    def __str__(self) -> str:
        return f"{self.commune} {self.date:%d/%m/%Y}"


class ReportValue(models.Model):
    """One target's value in a daily report.

    `is_percent` copies the target's unit so that the database itself can refuse a percentage
    above 100 (a CHECK constraint cannot look at another table). It is set from the target on
    every save and through `for_target`, the one way this project builds values.
    """

    report = models.ForeignKey(
        DailyReport, on_delete=models.CASCADE, related_name="values", verbose_name=_("report")
    )
    target = models.ForeignKey(
        "targets.Target", on_delete=models.PROTECT, related_name="report_values",
        verbose_name=_("target"),
    )
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    is_percent = models.BooleanField(default=False, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reported value")
        verbose_name_plural = _("reported values")
        constraints = [
            models.UniqueConstraint(fields=["report", "target"], name="value_one_per_target"),
            models.CheckConstraint(condition=Q(value__gte=0), name="value_not_negative"),
            models.CheckConstraint(
                condition=Q(is_percent=False) | Q(value__lte=100),
                name="value_percent_at_most_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.target.code}={self.value}"

    def save(self, *args, **kwargs):
        self.is_percent = self.target.is_percent
        super().save(*args, **kwargs)

    @classmethod
    def for_target(cls, target, **fields) -> "ReportValue":
        return cls(target=target, is_percent=target.is_percent, **fields)
