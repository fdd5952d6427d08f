from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from communes.models import Province
from core import numbers
from core.text import NFCCharField, NFCTextField


def _provinces_visible_to(user):
    return Province.objects.visible_to(user)


class PlanQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Plans of the provinces the user may see (`Province.objects.visible_to`)."""
        if user.is_authenticated and user.reads_all_provinces:
            return self
        return self.filter(province__in=_provinces_visible_to(user))

    def of_province(self, province):
        return self.filter(province=province)


class Plan(models.Model):
    """A yearly digital-transformation plan, e.g. the province's 2025 plan."""

    province = models.ForeignKey(
        "communes.Province", on_delete=models.PROTECT, related_name="plans",
        verbose_name=_("province"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = NFCCharField(_("title"), max_length=255)
    decision_reference = models.CharField(_("decision reference"), max_length=255, blank=True)
    is_reconstruction = models.BooleanField(
        _("reconstructed list"),
        default=False,
        help_text=_(
            "The targets were reconstructed from published indicators because the official "
            "list is not public. Replace them with the province's own list by importing it."
        ),
    )
    note = NFCTextField(_("note"), blank=True)
    programme = models.ForeignKey(
        "targets.Programme", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="plans", verbose_name=_("programme"),
        help_text=_("The long-term programme this yearly plan implements."),
    )

    history = HistoricalRecords()
    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["province", "year"], name="plan_one_per_province_year")
        ]

    def __str__(self) -> str:
        return self.title


class Pillar(models.Model):
    """A pillar of the programme: digital government, economy, society, infrastructure..."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name_vi = NFCCharField(_("Vietnamese name"), max_length=150)
    name_en = NFCCharField(_("English name"), max_length=150)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("pillar")
        verbose_name_plural = _("pillars")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name_vi


class TargetQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Targets of the plans the user may see (`Plan.objects.visible_to`)."""
        if user.is_authenticated and user.reads_all_provinces:
            return self
        return self.filter(plan__province__in=_provinces_visible_to(user))

    def in_plan(self):
        """The targets that count towards the plan's completion (e.g. "7/22")."""
        return self.filter(counts_in_plan=True)

    def reported_by_communes(self):
        """What a commune focal point fills in every day."""
        return self.filter(source=Target.Source.COMMUNE_DAILY)

    def reported_for(self, commune, day):
        """The daily counts `commune` reports for `day`: those of its province's plan in force
        on that day, i.e. the latest plan whose year has begun (a new year's plan takes over on
        1 January; until one is imported, the previous plan's counts stay in use)."""
        plan_in_force = (
            Plan.objects.filter(province_id=commune.province_id, year__lte=day.year)
            .order_by("-year")
            .values("pk")[:1]
        )
        return self.reported_by_communes().filter(plan=models.Subquery(plan_in_force))


class Target(models.Model):
    """A target of a plan, or a daily count communes report that targets are computed from."""

    class Unit(models.TextChoices):
        PERCENT = "percent", _("percent")
        COUNT = "count", _("count")

    class Direction(models.TextChoices):
        HIGHER = "higher", _("higher is better")
        LOWER = "lower", _("lower is better")

    class Source(models.TextChoices):
        COMMUNE_DAILY = "commune_daily", _("reported daily by units")
        DERIVED = "derived", _("computed from unit reports")
        PROVINCE = "province", _("tracked at province level")

    class Aggregation(models.TextChoices):
        SUM = "sum", _("sum of units")
        MEAN = "mean", _("mean of units")
        WEIGHTED_MEAN = "weighted_mean", _("population-weighted mean of units")
        LATEST = "latest", _("latest value")
        RATIO = "ratio", _("sum of numerator / sum of denominator")

    class ManualStatus(models.TextChoices):
        NONE = "", _("(computed)")
        COMPLETED = "completed", _("completed")

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="targets", verbose_name=_("plan")
    )
    code = models.CharField(_("code"), max_length=30)
    name_vi = NFCCharField(_("Vietnamese name"), max_length=255)
    name_en = NFCCharField(_("English name"), max_length=255)
    pillar = models.ForeignKey(
        Pillar, on_delete=models.PROTECT, related_name="targets", verbose_name=_("pillar")
    )
    unit = models.CharField(_("unit"), max_length=20, choices=Unit.choices)
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.HIGHER
    )
    baseline = models.DecimalField(
        _("baseline"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    target_value = models.DecimalField(
        _("target value"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    responsible_agency = NFCCharField(_("responsible agency"), max_length=255, blank=True)
    source = models.CharField(_("source of values"), max_length=20, choices=Source.choices)
    aggregation = models.CharField(
        _("how unit values combine"), max_length=20, choices=Aggregation.choices
    )
    numerator = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("numerator"),
        help_text=_("For computed rates: the daily count summed on top."),
    )
    denominator = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("denominator"),
        help_text=_("For computed rates: the daily count summed below."),
    )
    is_cumulative = models.BooleanField(
        _("cumulative"),
        default=False,
        help_text=_("Each value is a running total, so it should not fall below the last one."),
    )
    counts_in_plan = models.BooleanField(
        _("counts in the plan"),
        default=True,
        help_text=_("Off for daily counts that only feed computed targets."),
    )
    manual_status = models.CharField(
        _("status set by an administrator"),
        max_length=20,
        choices=ManualStatus.choices,
        blank=True,
        default=ManualStatus.NONE,
    )
    reference = models.TextField(_("reference"), blank=True)
    programme_target = models.ForeignKey(
        "targets.ProgrammeTarget", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="contributions", verbose_name=_("programme target"),
        help_text=_("The long-term target this yearly target is a step towards."),
    )

    history = HistoricalRecords()
    objects = TargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["plan", "pillar__order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="target_code_unique_in_plan"),
            models.CheckConstraint(
                condition=~Q(unit="percent") | Q(target_value__isnull=True)
                | Q(target_value__gte=0, target_value__lte=100),
                name="target_percent_within_0_100",
            ),
            models.CheckConstraint(
                condition=Q(target_value__isnull=True) | Q(target_value__gte=0),
                name="target_value_not_negative",
            ),
            # A rate computed from unit reports names both of its counts; nothing else does.
            models.CheckConstraint(
                condition=(
                    Q(aggregation="ratio", numerator__isnull=False, denominator__isnull=False)
                    & ~Q(numerator=F("denominator"))
                )
                | Q(~Q(aggregation="ratio"), numerator__isnull=True, denominator__isnull=True),
                name="target_ratio_has_numerator_and_denominator",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.name_vi}"

    @property
    def is_percent(self) -> bool:
        return self.unit == self.Unit.PERCENT

    def check_value(self, number: Decimal) -> Decimal:
        """`number` if it fits this target's unit (not negative; a percentage within 0..100; a
        count whole), else a ValidationError. Used by the daily form and again by
        `reports.services.submit_report`; `core.numbers` has already read the number."""
        if number < 0:
            raise ValidationError(_("The value cannot be negative."), "negative")
        if self.is_percent and number > 100:
            raise ValidationError(_("A percentage is between 0 and 100."), "percent_range")
        if not self.is_percent and number != number.to_integral_value():
            raise ValidationError(_("A count is a whole number."), "whole")
        if (
            number.as_tuple().exponent < -numbers.MAX_DECIMALS
            or abs(number) >= 10**numbers.MAX_INTEGER_DIGITS
        ):
            raise ValidationError(numbers.MESSAGES["too_large"], "too_large")
        return number

    def clean(self) -> None:
        errors = {}
        if self.source == self.Source.DERIVED and self.aggregation != self.Aggregation.RATIO:
            errors["aggregation"] = _("A computed target combines its counts as a ratio.")
        if self.aggregation == self.Aggregation.RATIO:
            for field in ("numerator", "denominator"):
                counted = getattr(self, field)
                if counted is None:
                    errors[field] = _("A rate needs both a numerator and a denominator.")
                elif counted.source != self.Source.COMMUNE_DAILY:
                    errors[field] = _("Choose a count that units report daily.")
        if errors:
            raise ValidationError(errors)


class ProcedureStatistics(models.Model):
    """The province's administrative-procedure figures, as published at a date."""

    province = models.ForeignKey(
        "communes.Province", on_delete=models.CASCADE, related_name="procedure_statistics",
        verbose_name=_("province"),
    )
    as_of = models.DateField(_("as of"))
    total_procedures = models.PositiveIntegerField(_("administrative procedures"))
    online_eligible = models.PositiveIntegerField(_("eligible for online public service"))
    fully_online_percent = models.DecimalField(
        _("fully online (%)"), max_digits=5, decimal_places=2
    )
    fully_online_is_lower_bound = models.BooleanField(
        _("published as 'more than'"), default=False
    )
    source = models.TextField(_("source"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("procedure statistics")
        verbose_name_plural = _("procedure statistics")
        ordering = ["-as_of"]
        get_latest_by = "as_of"
        constraints = [
            models.UniqueConstraint(fields=["province", "as_of"], name="procedures_one_per_date"),
            models.CheckConstraint(
                condition=Q(online_eligible__lte=F("total_procedures")),
                name="procedures_eligible_within_total",
            ),
            models.CheckConstraint(
                condition=Q(fully_online_percent__gte=0, fully_online_percent__lte=100),
                name="procedures_fully_online_percent_within_0_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.province} {self.as_of:%d/%m/%Y}"


class TargetMeasurement(models.Model):
    """A value of a province-level target, entered by an administrator (with history).

    The target's value in effect on a day is the latest measurement on or before that day.
    """

    target = models.ForeignKey(
        Target, on_delete=models.CASCADE, related_name="measurements", verbose_name=_("target"),
        limit_choices_to={"source": "province"},
    )
    date = models.DateField(_("as of"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    note = NFCTextField(_("note"), blank=True)
    entered_by = models.ForeignKey(
        "communes.User", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("entered by"),
    )
    updated_at = models.DateTimeField(_("last changed at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("target measurement")
        verbose_name_plural = _("target measurements")
        ordering = ["target", "-date"]
        get_latest_by = "date"
        constraints = [
            models.UniqueConstraint(
                fields=["target", "date"], name="measurement_one_per_target_per_day"
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0), name="measurement_value_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.target.code} {self.date:%d/%m/%Y} = {self.value}"

    def clean(self) -> None:
        over = self.value is not None and self.value > 100
        if self.target_id and self.target.is_percent and over:
            raise ValidationError({"value": _("A percentage cannot exceed 100.")})


class TargetStatus(models.TextChoices):
    COMPLETED = "completed", _("completed")
    ON_TRACK = "on_track", _("on track")
    AT_RISK = "at_risk", _("at risk")
    BEHIND = "behind", _("behind")
    OVERDUE = "overdue", _("overdue")
    NO_DATA = "no_data", _("no data")


# Models kept in their own modules, registered with this app by being imported here.
from .key_tasks import KeyTask, KeyTaskUpdate, TaskStatus  # noqa: E402, F401
from .programmes import Programme, ProgrammeTarget  # noqa: E402, F401
from .science import ScienceTask, ScienceTaskStatistics  # noqa: E402, F401
