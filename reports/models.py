import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.text import NFCCharField, NFCTextField


class DailyReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Reports of the units the user may see (see `Commune.objects.visible_to`)."""
        from communes.models import Commune

        return self.filter(commune__in=Commune.objects.visible_to(user))


class ReportingSettings(models.Model):
    """Reporting rules: which days are expected and when a report is late.

    One national row (province empty) holds the defaults; a province may have one row of its
    own, which replaces them for its units (`reports.deadlines.rules_for`). Administrators edit
    them in the admin; the rules built on them live in `reports.deadlines`, the one place that
    says what "on time" and "expected" mean.
    """

    class ExpectedDays(models.TextChoices):
        EVERY_DAY = "every_day", _("every day")
        WORKING_DAYS = "working_days", _("working days only (no weekends or holidays)")

    province = models.ForeignKey(
        "communes.Province", on_delete=models.CASCADE, null=True, blank=True,
        related_name="reporting_rules", verbose_name=_("province"),
        help_text=_("Empty for the national default rules; a province's own rules replace "
                    "them for its units."),
    )
    expected_days = models.CharField(
        _("expected reporting days"), max_length=20, choices=ExpectedDays.choices,
        default=ExpectedDays.WORKING_DAYS,
    )
    cutoff_days_after = models.PositiveSmallIntegerField(
        _("deadline: days after the report day"), default=1
    )
    cutoff_time = models.TimeField(_("deadline: local time"), default=datetime.time(17, 0))
    backfill_days = models.PositiveSmallIntegerField(
        _("backfill window (days)"),
        default=7,
        help_text=_("How many past days a focal point may still submit (counted as late)."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reporting rules")
        verbose_name_plural = _("reporting rules")
        constraints = [
            # One row per province, the national row counting as "province 0" (no province
            # has pk 0): a plain unique on a nullable column would allow many national rows.
            models.UniqueConstraint(
                Coalesce("province", Value(0)), name="reporting_rules_one_per_province",
                violation_error_message=_(
                    "These reporting rules already exist: there is one national row and at "
                    "most one row per province."
                ),
            ),
        ]

    def __str__(self) -> str:
        if self.province_id is None:
            return str(_("National reporting rules (default)"))
        return str(_("Own reporting rules of %(province)s") % {"province": self.province})

    @classmethod
    def current(cls) -> "ReportingSettings":
        """The national default rules (created with the defaults on first use)."""
        settings_row, _ = cls.objects.get_or_create(province=None)
        return settings_row


class Holiday(models.Model):
    """A non-working day (public holiday, compensatory day off, a province's own day off),
    edited by administrators. National ones (province empty) apply to every province."""

    date = models.DateField(_("date"))
    name = NFCCharField(_("name"), max_length=150)
    province = models.ForeignKey(
        "communes.Province", on_delete=models.CASCADE, null=True, blank=True,
        related_name="holidays", verbose_name=_("province"),
        help_text=_("Empty for a national day off (every province); a province's own extra "
                    "day off applies to its units only."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["date", "province"], name="holiday_one_per_province_and_date",
                violation_error_message=_("This province already has a day off on this date."),
            ),
            # NULLs are distinct in the constraint above: national days need their own.
            models.UniqueConstraint(
                fields=["date"], condition=Q(province__isnull=True),
                name="holiday_one_national_per_date",
                violation_error_message=_("There is already a national day off on this date."),
            ),
        ]

    def __str__(self) -> str:
        suffix = f" ({self.province})" if self.province_id else ""
        return f"{self.date:%d/%m/%Y} {self.name}{suffix}"


class DailyReport(models.Model):
    """What one unit reported for one day."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        RETURNED = "returned", _("returned for correction")

    commune = models.ForeignKey(
        "communes.Commune", on_delete=models.PROTECT, related_name="daily_reports",
        verbose_name=_("unit"),
    )
    date = models.DateField(_("report date"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="daily_reports", verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(
        _("submitted at"), help_text=_("First submission; timeliness is judged on it.")
    )
    updated_at = models.DateTimeField(_("last changed at"), null=True, blank=True)
    is_late = models.BooleanField(
        _("late"), default=False,
        help_text=_("Set from reports.deadlines.is_late(date, submitted_at) when first submitted."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    note = NFCTextField(_("note"), blank=True)
    blockers = NFCTextField(_("blockers and proposals"), blank=True)
    version = models.PositiveIntegerField(
        _("version"), default=1,
        help_text=_("Raised by every change; a form saved from an older version is refused."),
    )
    review_comment = models.TextField(
        _("reviewer's comment"), blank=True,
        help_text=_("Why the report was returned; cleared when the focal point resubmits."),
    )

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
    is_percent = models.BooleanField(_("percentage"), default=False, editable=False)

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


class ReportRevision(models.Model):
    """One step in a report's life: who did what, when, and which values changed.

    Written by `reports.services` in the same transaction as the change itself, so the history
    shown to focal points and officials is exactly what happened to the report.
    """

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        EDITED = "edited", _("edited")
        RETURNED = "returned", _("returned for correction")
        RESUBMITTED = "resubmitted", _("resubmitted")

    report = models.ForeignKey(
        DailyReport, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("report")
    )
    version = models.PositiveIntegerField(_("version"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed at"))
    comment = models.TextField(_("comment"), blank=True)
    # Text fields are small and rarely change; their old/new values are kept here whole.
    text_changes = models.JSONField(_("text changes"), default=dict, blank=True)
    # Chosen by the device for one submission and sent again with every retry of it: a retry
    # after a lost response finds this revision instead of writing a second one.
    idempotency_key = models.UUIDField(_("idempotency key"), null=True, blank=True)

    class Meta:
        verbose_name = _("report revision")
        verbose_name_plural = _("report revisions")
        ordering = ["report", "version"]
        constraints = [
            models.UniqueConstraint(fields=["report", "version"], name="revision_one_per_version"),
            models.UniqueConstraint(
                fields=["report", "idempotency_key"], name="revision_one_per_idempotency_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report_id} v{self.version} {self.kind}"


class ValueChange(models.Model):
    """A target's value before and after one revision (old is empty on first submission)."""

    revision = models.ForeignKey(
        ReportRevision, on_delete=models.CASCADE, related_name="value_changes",
        verbose_name=_("revision"),
    )
    target = models.ForeignKey(
        "targets.Target", on_delete=models.PROTECT, related_name="+", verbose_name=_("target")
    )
    old_value = models.DecimalField(
        _("old value"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    new_value = models.DecimalField(
        _("new value"), max_digits=14, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("value change")
        verbose_name_plural = _("value changes")
        ordering = ["revision", "target__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["revision", "target"], name="value_change_one_per_target"
            )
        ]

    def __str__(self) -> str:
        return f"{self.target_id}: {self.old_value} → {self.new_value}"


class DayUnlock(models.Model):
    """An administrator reopens one past day for one unit, beyond the backfill window."""

    commune = models.ForeignKey(
        "communes.Commune", on_delete=models.CASCADE, related_name="day_unlocks",
        verbose_name=_("unit"),
    )
    date = models.DateField(_("report date"))
    unlocked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("unlocked by"),
    )
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(_("unlocked at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("unlocked day")
        verbose_name_plural = _("unlocked days")
        ordering = ["-date", "commune__name"]
        constraints = [
            models.UniqueConstraint(fields=["commune", "date"], name="unlock_one_per_unit_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.commune} {self.date:%d/%m/%Y}"


class ReportOutcome(models.TextChoices):
    ON_TIME = "on_time", _("on time")
    LATE = "late", _("late")
    MISSING = "missing", _("missing")
    RETURNED = "returned", _("returned")
    PENDING = "pending", _("not yet due")
    NOT_EXPECTED = "not_expected", _("not expected")


# --- Roll-up outbox ----------------------------------------------------------------------


class RollupRequest(models.Model):
    """A unit-day whose report changed and whose roll-up has not run yet (an outbox row).

    Written in the report's own transaction, so a committed report always leaves one; the
    roll-up app deletes it once the figures include the change. A broker outage therefore
    delays a figure (the sweeper drains what the after-commit nudge could not) but never
    loses it."""

    commune = models.ForeignKey(
        "communes.Commune", on_delete=models.CASCADE, related_name="rollup_requests",
        verbose_name=_("unit"),
    )
    date = models.DateField(_("date"))
    requested_at = models.DateTimeField(
        _("requested at"),
        help_text=_("Time of the latest change waiting for its roll-up.")
    )

    class Meta:
        verbose_name = _("roll-up waiting")
        verbose_name_plural = _("roll-ups waiting")
        constraints = [
            models.UniqueConstraint(fields=["commune", "date"], name="rollup_request_unique")
        ]
        indexes = [models.Index(fields=["requested_at"])]

    def __str__(self) -> str:
        return f"{self.commune_id} {self.date}"


# --- Reminders ---------------------------------------------------------------------------


class ReminderSent(models.Model):
    """One reminder e-mail per unit and missed day: the record that makes re-runs send nothing."""

    commune = models.ForeignKey(
        "communes.Commune", on_delete=models.CASCADE, related_name="reminders",
        verbose_name=_("unit"),
    )
    date = models.DateField(_("missed report day"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    recipients = models.TextField(_("recipients"), blank=True)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        ordering = ["-date", "commune__name"]
        constraints = [
            models.UniqueConstraint(fields=["commune", "date"], name="reminder_one_per_unit_day")
        ]

    def __str__(self) -> str:
        return f"{self.commune} {self.date:%d/%m/%Y}"


class NoticeQuerySet(models.QuerySet):
    def unread_for(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user, dismissed_at__isnull=True)


class Notice(models.Model):
    """A banner shown to a user on their next visits until they dismiss it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices",
        verbose_name=_("user"),
    )
    commune = models.ForeignKey(
        "communes.Commune", on_delete=models.CASCADE, null=True, blank=True,
        related_name="+", verbose_name=_("unit"),
    )
    date = models.DateField(_("day concerned"), null=True, blank=True)
    message = models.TextField(_("message"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    dismissed_at = models.DateTimeField(_("dismissed at"), null=True, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "commune", "date"], name="notice_one_per_user_unit_day"
            )
        ]

    def __str__(self) -> str:
        return self.message[:60]
