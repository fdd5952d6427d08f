"""The long-term programme above the yearly plans (e.g. resolution 09-NQ/TU, targets for 2030).

Imported by targets/models.py, so Django registers these models with the targets app.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Programme(models.Model):
    """A province's multi-year programme, e.g. its 2022 resolution on comprehensive digital
    transformation with targets for 2030. Yearly plans point at it (Plan.programme)."""

    province = models.ForeignKey(
        "communes.Province", on_delete=models.PROTECT, related_name="programmes",
        verbose_name=_("province"),
    )
    title = models.CharField(_("title"), max_length=255)
    resolution_reference = models.CharField(_("resolution reference"), max_length=100)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    horizon_year = models.PositiveSmallIntegerField(_("horizon year"))
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["-horizon_year", "resolution_reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "resolution_reference"],
                name="programme_reference_unique_in_province",
            )
        ]

    def __str__(self) -> str:
        return f"{self.resolution_reference} · {self.title}"


class ProgrammeTarget(models.Model):
    """A target of the programme for its horizon year (e.g. digital economy about 30% of GRDP
    by 2030). Yearly targets contribute to it through Target.programme_target."""

    class Qualifier(models.TextChoices):
        EXACT = "", _("exactly")
        ABOUT = "about", _("about")
        MORE_THAN = "more_than", _("more than")
        AT_LEAST = "at_least", _("at least")

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="targets", verbose_name=_("programme")
    )
    code = models.CharField(_("code"), max_length=30)
    name_vi = models.CharField(_("Vietnamese name"), max_length=255)
    name_en = models.CharField(_("English name"), max_length=255)
    # Same choices as yearly targets ("percent", "count"), kept as text to avoid a circular
    # import with targets.models.
    unit = models.CharField(_("unit"), max_length=20)
    qualifier = models.CharField(
        _("qualifier"), max_length=20, choices=Qualifier.choices, blank=True, default=""
    )
    target_value = models.DecimalField(_("target value"), max_digits=14, decimal_places=2)
    baseline = models.DecimalField(
        _("baseline"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    reference = models.TextField(_("reference"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("programme target")
        verbose_name_plural = _("programme targets")
        ordering = ["programme", "order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "code"], name="programme_target_code_unique"
            ),
            models.CheckConstraint(
                condition=Q(target_value__gte=0), name="programme_target_value_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.name_vi}"

    @property
    def is_percent(self) -> bool:
        return self.unit == "percent"
