"""Roll-up tables, kept fresh by Celery tasks (rollups.tasks); dashboards read only these."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reports.models import DailyReport, ReportOutcome
from targets.models import Plan, Target, TargetStatus


class CommuneTargetDay(models.Model):
    """A unit's value of a target in effect on a day, and how far it is towards the target.

    The largest table (about 12 million rows a year at national scale), so it carries only the
    indexes its readers and writers use: the unique (unit, target, date), which the upsert
    arbitrates on, the unit page reads and a roll-up after one submission reads the province's
    other units through; and (date, target) for a target's units on a day. No separate
    foreign-key indexes: both would duplicate a prefix of those two. No foreign-key
    constraints either (nor on TargetDay and PlanDay): the rows are derived, written only by
    the roll-up from existing units and targets, and removed with them by Django's CASCADE;
    checking two keys per written row doubled a full-year roll-up into empty tables
    (README, "Roll-ups")."""

    target = models.ForeignKey(
        Target, on_delete=models.CASCADE, related_name="commune_days", verbose_name=_("target"),
        db_index=False, db_constraint=False,
    )
    commune = models.ForeignKey(
        "communes.Commune", on_delete=models.CASCADE, related_name="target_days",
        verbose_name=_("unit"), db_index=False, db_constraint=False,
    )
    date = models.DateField(_("date"))
    # Running totals of daily counts over a year outgrow a single report's 14 digits.
    value = models.DecimalField(_("value"), max_digits=24, decimal_places=4, null=True)
    completion = models.DecimalField(
        _("completion"),
        max_digits=10, decimal_places=4, null=True,
        help_text="Share of the way from baseline to target (1 = reached), direction-aware.",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("unit's target value of the day")
        verbose_name_plural = _("units' target values by day")
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "target", "date"], name="rollup_commune_target_day_unique"
            )
        ]
        indexes = [models.Index(fields=["date", "target"])]

    def __str__(self) -> str:
        return f"{self.target_id} {self.commune_id} {self.date}"


class TargetDay(models.Model):
    """The province value of a target on a day, combined by the target's aggregation rule."""

    # Indexed by the unique (target, date).
    target = models.ForeignKey(
        Target, on_delete=models.CASCADE, related_name="days", verbose_name=_("target"),
        db_index=False, db_constraint=False,
    )
    date = models.DateField(_("date"))
    # Running totals of daily counts over a year outgrow a single report's 14 digits.
    value = models.DecimalField(_("value"), max_digits=24, decimal_places=4, null=True)
    # The value before rounding, as the trend of the following days reads it: a roll-up after
    # one submission takes the days before the report from here instead of recomputing them
    # from every unit, and projects exactly as a full roll-up would.
    exact_value = models.FloatField(_("exact value"), null=True, editable=False)
    completion_percent = models.DecimalField(
        _("completion (%)"), max_digits=10, decimal_places=2, null=True
    )
    projected_value = models.DecimalField(
        _("projected value at the deadline"),
        max_digits=24, decimal_places=4, null=True,
        help_text="Trend of the last days projected to the deadline.",
    )
    status = models.CharField(_("status"), max_length=20, choices=TargetStatus.choices)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("province target value of the day")
        verbose_name_plural = _("province target values by day")
        constraints = [
            models.UniqueConstraint(fields=["target", "date"], name="rollup_target_day_unique")
        ]
        indexes = [models.Index(fields=["date", "status"])]

    def __str__(self) -> str:
        return f"{self.target_id} {self.date} {self.status}"


class PlanDay(models.Model):
    """How many of a plan's targets stand in each status on a day (e.g. 7/22 completed)."""

    # Indexed by the unique (plan, date).
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="days", verbose_name=_("plan"),
        db_index=False, db_constraint=False,
    )
    date = models.DateField(_("date"))
    total = models.PositiveIntegerField(_("total"), default=0)
    completed = models.PositiveIntegerField(_("completed"), default=0)
    on_track = models.PositiveIntegerField(_("on track"), default=0)
    at_risk = models.PositiveIntegerField(_("at risk"), default=0)
    behind = models.PositiveIntegerField(_("behind"), default=0)
    overdue = models.PositiveIntegerField(_("overdue"), default=0)
    no_data = models.PositiveIntegerField(_("no data"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("plan progress of the day")
        verbose_name_plural = _("plan progress by day")
        constraints = [
            models.UniqueConstraint(fields=["plan", "date"], name="rollup_plan_day_unique")
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.date} {self.completed}/{self.total}"


class CommuneDay(models.Model):
    """Whether a unit owed a report on a day, and what became of it."""

    # Indexed by the unique (commune, date).
    commune = models.ForeignKey(
        "communes.Commune", on_delete=models.CASCADE, related_name="reporting_days",
        verbose_name=_("unit"), db_index=False,
    )
    date = models.DateField(_("date"))
    expected = models.BooleanField(_("owed"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=ReportOutcome.choices)
    report = models.ForeignKey(
        DailyReport, on_delete=models.SET_NULL, null=True, verbose_name=_("report"),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("unit's reporting day")
        verbose_name_plural = _("units' reporting days")
        constraints = [
            models.UniqueConstraint(fields=["commune", "date"], name="rollup_commune_day_unique")
        ]
        indexes = [models.Index(fields=["date", "outcome"])]

    def __str__(self) -> str:
        return f"{self.commune_id} {self.date} {self.outcome}"


class ComplianceDay(models.Model):
    """A province's reporting counts on a day, counting expected unit-days only (for the admin
    and audits). No page computes a rate from it: rates come from `rollups.rates`, over
    CommuneDay, because `expected` here includes days not yet due."""

    # Indexed by the unique (province, date).
    province = models.ForeignKey(
        "communes.Province", on_delete=models.CASCADE, related_name="compliance_days",
        verbose_name=_("province"), db_index=False,
    )
    date = models.DateField(_("date"))
    expected = models.PositiveIntegerField(_("reports owed"), default=0)
    actual = models.PositiveIntegerField(_("reports received"), default=0)
    on_time = models.PositiveIntegerField(_("on time"), default=0)
    late = models.PositiveIntegerField(_("late"), default=0)
    returned = models.PositiveIntegerField(_("returned"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("province reporting of the day")
        verbose_name_plural = _("province reporting by day")
        constraints = [
            models.UniqueConstraint(
                fields=["province", "date"], name="rollup_compliance_day_unique"
            ),
            models.CheckConstraint(
                condition=Q(actual__lte=models.F("expected"))
                & Q(on_time__lte=models.F("actual")),
                name="rollup_compliance_counts_consistent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.actual}/{self.expected}"

