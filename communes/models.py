import datetime

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from . import roles


class User(AbstractUser):
    """A dtmonitor account. Focal points are attached to the units they report for."""

    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    communes = models.ManyToManyField(
        "communes.Commune",
        verbose_name=_("units reported for"),
        related_name="focal_points",
        blank=True,
    )

    # Units and role are part of what an account may do, so their changes are audited too.
    history = HistoricalRecords(
        excluded_fields=["password", "last_login"], m2m_fields=["communes", "groups"]
    )

    def __str__(self) -> str:
        return self.full_name or self.username

    @cached_property
    def sees_everything(self) -> bool:
        """Administrators and provincial officials read every unit's data."""
        return self.is_superuser or self.groups.filter(
            name__in=(roles.ADMINISTRATORS, roles.PROVINCIAL_OFFICIALS)
        ).exists()


class Province(models.Model):
    code = models.CharField(_("official code"), max_length=5, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("province")
        verbose_name_plural = _("provinces")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class CommuneQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def active_on(self, day):
        """Units that existed on `day`, i.e. were expected to report that day."""
        return self.filter(active_from__lte=day).exclude(active_until__lt=day)

    def visible_to(self, user):
        """The one scoping rule for units: officials and administrators see all, focal points
        their own units, anonymous visitors none."""
        if not user.is_authenticated:
            return self.none()
        if user.sees_everything:
            return self
        return self.filter(focal_points=user)

    def reportable_by(self, user):
        """Units the user may submit daily reports for: only those they are attached to."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(focal_points=user, is_active=True)


class Commune(models.Model):
    """A commune-level unit (ward, commune or special zone) of the two-level government."""

    class Kind(models.TextChoices):
        WARD = "ward", _("Ward")
        COMMUNE = "commune", _("Commune")
        SPECIAL_ZONE = "special_zone", _("Special zone")

    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="communes", verbose_name=_("province")
    )
    code = models.CharField(_("official code"), max_length=5, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    former_area = models.CharField(
        _("former district or city"),
        max_length=150,
        blank=True,
        help_text=_("The district-level unit(s) the commune came from before 1 July 2025."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    active_from = models.DateField(
        _("active from"),
        default=datetime.date(2025, 7, 1),
        help_text=_("Reports are expected from this day on (the two-level reform: 1/7/2025)."),
    )
    active_until = models.DateField(
        _("active until"), null=True, blank=True,
        help_text=_("Last day reports are expected, if the unit was merged or dissolved."),
    )
    area_km2 = models.DecimalField(
        _("area (km²)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)

    # Readiness checklist for digital transformation at commune level.
    steering_committee_date = models.DateField(
        _("steering committee established on"), null=True, blank=True
    )
    steering_committee_decision = models.CharField(
        _("steering committee decision number"), max_length=100, blank=True
    )
    focal_point_assigned = models.BooleanField(_("focal point assigned"), default=False)
    support_team_set_up = models.BooleanField(_("support team set up"), default=False)
    action_plan_date = models.DateField(_("action plan issued on"), null=True, blank=True)
    service_centre_equipped = models.BooleanField(
        _("public administrative service centre equipped"), default=False
    )
    staff_count = models.PositiveIntegerField(_("staff count"), null=True, blank=True)

    history = HistoricalRecords()
    objects = CommuneQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["name"]
        indexes = [models.Index(fields=["province", "kind"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # The active flag and the active dates must tell one story: a unit switched off stops
        # being expected from today on (reports.deadlines reads the dates), while the days it
        # owed before stay in its compliance record.
        if not self.is_active and self.active_until is None:
            self.active_until = timezone.localdate() - datetime.timedelta(days=1)
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "active_until"}
        super().save(*args, **kwargs)

    def is_active_on(self, day) -> bool:
        return self.active_from <= day and (self.active_until is None or day <= self.active_until)

    @property
    def steering_committee_established(self) -> bool:
        return self.steering_committee_date is not None

    @property
    def action_plan_issued(self) -> bool:
        return self.action_plan_date is not None

    def readiness(self) -> tuple[int, int]:
        """(items done, items on the checklist)."""
        items = [
            self.steering_committee_established,
            self.focal_point_assigned,
            self.support_team_set_up,
            self.action_plan_issued,
            self.service_centre_equipped,
        ]
        return sum(items), len(items)


class AccountLinkBatch(models.Model):
    """Set-password links of the accounts one import created, for the administrator to
    download once: the content is erased when it is downloaded (the links are secrets)."""

    created_by = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    account_count = models.PositiveIntegerField(_("accounts"))
    content = models.TextField(blank=True)
    downloaded_at = models.DateTimeField(_("downloaded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("set-password links")
        verbose_name_plural = _("set-password links")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.created_at:%d/%m/%Y %H:%M} ({self.account_count})"
