"""Roll-up tables, kept fresh by Celery tasks (rollups.tasks); dashboards read only these."""

from django.db import models
from django.db.models import Q

from reports.models import DailyReport, ReportOutcome
from targets.models import Plan, Target, TargetStatus


class CommuneTargetDay(models.Model):
    """A unit's value of a target in effect on a day, and how far it is towards the target."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="commune_days")
    commune = models.ForeignKey(
        "communes.Commune", on_delete=models.CASCADE, related_name="target_days"
    )
    date = models.DateField()
    # Running totals of daily counts over a year outgrow a single report's 14 digits.
    value = models.DecimalField(max_digits=24, decimal_places=4, null=True)
    completion = models.DecimalField(
        max_digits=10, decimal_places=4, null=True,
        help_text="Share of the way from baseline to target (1 = reached), direction-aware.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["target", "commune", "date"], name="rollup_commune_target_day_unique"
            )
        ]
        indexes = [models.Index(fields=["date", "target"])]

    def __str__(self) -> str:
        return f"{self.target_id} {self.commune_id} {self.date}"


class TargetDay(models.Model):
    """The province value of a target on a day, combined by the target's aggregation rule."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="days")
    date = models.DateField()
    # Running totals of daily counts over a year outgrow a single report's 14 digits.
    value = models.DecimalField(max_digits=24, decimal_places=4, null=True)
    completion_percent = models.DecimalField(max_digits=10, decimal_places=2, null=True)
    projected_value = models.DecimalField(
        max_digits=24, decimal_places=4, null=True,
        help_text="Trend of the last days projected to the deadline.",
    )
    status = models.CharField(max_length=20, choices=TargetStatus.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["target", "date"], name="rollup_target_day_unique")
        ]
        indexes = [models.Index(fields=["date", "status"])]

    def __str__(self) -> str:
        return f"{self.target_id} {self.date} {self.status}"


class PlanDay(models.Model):
    """How many of a plan's targets stand in each status on a day (e.g. 7/22 completed)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="days")
    date = models.DateField()
    total = models.PositiveIntegerField(default=0)
    completed = models.PositiveIntegerField(default=0)
    on_track = models.PositiveIntegerField(default=0)
    at_risk = models.PositiveIntegerField(default=0)
    behind = models.PositiveIntegerField(default=0)
    overdue = models.PositiveIntegerField(default=0)
    no_data = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "date"], name="rollup_plan_day_unique")
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.date} {self.completed}/{self.total}"


class CommuneDay(models.Model):
    """Whether a unit owed a report on a day, and what became of it."""

    commune = models.ForeignKey(
        "communes.Commune", on_delete=models.CASCADE, related_name="reporting_days"
    )
    date = models.DateField()
    expected = models.BooleanField()
    outcome = models.CharField(max_length=20, choices=ReportOutcome.choices)
    report = models.ForeignKey(DailyReport, on_delete=models.SET_NULL, null=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["commune", "date"], name="rollup_commune_day_unique")
        ]
        indexes = [models.Index(fields=["date", "outcome"])]

    def __str__(self) -> str:
        return f"{self.commune_id} {self.date} {self.outcome}"


class ComplianceDay(models.Model):
    """A province's reporting compliance on a day, counting expected unit-days only."""

    province = models.ForeignKey(
        "communes.Province", on_delete=models.CASCADE, related_name="compliance_days"
    )
    date = models.DateField()
    expected = models.PositiveIntegerField(default=0)
    actual = models.PositiveIntegerField(default=0)
    on_time = models.PositiveIntegerField(default=0)
    late = models.PositiveIntegerField(default=0)
    returned = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
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

    @property
    def reporting_rate(self) -> float | None:
        """actual / expected (DHIS2's definition, over expected unit-days only)."""
        return self.actual / self.expected if self.expected else None

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.expected if self.expected else None
