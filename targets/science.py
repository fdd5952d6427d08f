"""The province's portfolio of science-and-technology tasks (not tied to a yearly plan).

Imported by targets/models.py, so Django registers these models with the targets app. The list
itself is not public: the published counts (ScienceTaskStatistics) stand in for it until an
administrator imports the tasks.
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class ScienceTaskQuerySet(models.QuerySet):
    def of_province(self, province):
        return self.filter(province=province)

    def real(self):
        """Without the demo's illustrative tasks."""
        return self.filter(is_demo=False)


class ScienceTask(models.Model):
    class Field(models.TextChoices):
        MARINE_ECONOMY = "marine_economy", _("marine economy")
        RENEWABLE_ENERGY = "renewable_energy", _("renewable energy")
        MANUFACTURING = "manufacturing", _("manufacturing")
        DIGITAL_TRANSFORMATION = "digital_transformation", _("digital transformation")
        DIGITAL_ECONOMY = "digital_economy", _("digital economy")
        HEALTH = "health", _("health")
        OTHER = "other", _("other")

    class Kind(models.TextChoices):
        TRANSITIONAL = "transitional", _("transitional")
        NEW = "new", _("new")

    class Stage(models.TextChoices):
        APPROVED = "approved", _("approved")
        IN_PROGRESS = "in_progress", _("in progress")
        ACCEPTED = "accepted", _("accepted")
        RESULTS_APPLIED = "results_applied", _("results applied")

    province = models.ForeignKey(
        "communes.Province", on_delete=models.PROTECT, related_name="science_tasks",
        verbose_name=_("province"),
    )
    code = models.CharField(_("code"), max_length=50)
    title = models.CharField(_("title"), max_length=500)
    field = models.CharField(_("field"), max_length=30, choices=Field.choices)
    kind = models.CharField(_("transitional or new"), max_length=20, choices=Kind.choices)
    approval_decision = models.CharField(_("approval decision"), max_length=255, blank=True)
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    host_organisation = models.CharField(_("host organisation"), max_length=255)
    receiving_unit = models.CharField(
        _("unit receiving the results"), max_length=255,
        help_text=_("The unit committed to applying the results after acceptance."),
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    budget = models.DecimalField(
        _("budget (VND)"), max_digits=16, decimal_places=0, null=True, blank=True
    )
    stage = models.CharField(
        _("stage"), max_length=20, choices=Stage.choices, default=Stage.APPROVED
    )
    results_applied = models.BooleanField(_("results applied"), default=False)
    is_demo = models.BooleanField(
        _("illustrative (demo)"), default=False,
        help_text=_("Created by the demo, not a real task of the province."),
    )

    history = HistoricalRecords()
    objects = ScienceTaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("science and technology task")
        verbose_name_plural = _("science and technology tasks")
        ordering = ["province", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "code"], name="science_task_code_unique_in_province"
            ),
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | Q(budget__gte=0),
                name="science_task_budget_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True) | Q(end_date__isnull=True)
                | Q(start_date__lte=F("end_date")),
                name="science_task_starts_before_end",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.title}"


class ScienceTaskStatistics(models.Model):
    """The portfolio's counts as the province published them at a date."""

    province = models.ForeignKey(
        "communes.Province", on_delete=models.CASCADE, related_name="science_task_statistics",
        verbose_name=_("province"),
    )
    as_of = models.DateField(_("as of"))
    transitional = models.PositiveIntegerField(_("transitional tasks"))
    new = models.PositiveIntegerField(_("newly approved tasks"))
    results_applied = models.PositiveIntegerField(
        _("tasks with results applied"), null=True, blank=True,
        help_text=_("Empty when the province did not publish it."),
    )
    source = models.TextField(_("source"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("science and technology task statistics")
        verbose_name_plural = _("science and technology task statistics")
        ordering = ["-as_of"]
        get_latest_by = "as_of"
        constraints = [
            models.UniqueConstraint(
                fields=["province", "as_of"], name="science_statistics_one_per_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.province} {self.as_of:%d/%m/%Y}"
