import datetime

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.text import NFCCharField

from . import roles


class User(AbstractUser):
    """A dtmonitor account. Focal points are attached to the units they report for.

    Every account except superusers has one scope, which says whose data it reads (what it
    may do there is its role, a group in `roles`): national accounts read every province and
    write nothing, province accounts (officials, administrators) one province, unit accounts
    (focal points) their units, all in their province.
    """

    class Scope(models.TextChoices):
        NATIONAL = "national", _("National")
        PROVINCE = "province", _("Province")
        UNIT = "unit", _("Unit")

    full_name = NFCCharField(_("full name"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    communes = models.ManyToManyField(
        "communes.Commune",
        verbose_name=_("units reported for"),
        related_name="focal_points",
        blank=True,
    )
    scope = models.CharField(
        _("scope"), max_length=10, choices=Scope.choices, default=Scope.UNIT,
        help_text=_("National accounts read every province; province accounts one province; "
                    "unit accounts the units they report for."),
    )
    province = models.ForeignKey(
        "communes.Province", on_delete=models.PROTECT, null=True, blank=True,
        related_name="accounts", verbose_name=_("province"),
        help_text=_("Required for province and unit accounts; empty for national ones."),
    )

    # Units and role are part of what an account may do, so their changes are audited too.
    history = HistoricalRecords(
        excluded_fields=["password", "last_login"], m2m_fields=["communes", "groups"]
    )

    class Meta(AbstractUser.Meta):
        constraints = [
            # A province for province and unit accounts, none for national ones; superusers
            # are global whatever their scope says.
            models.CheckConstraint(
                condition=Q(is_superuser=True)
                | Q(scope="national", province__isnull=True)
                | Q(scope__in=("province", "unit"), province__isnull=False),
                name="user_scope_has_its_province",
            ),
            # One address, one account, whatever the case it is written in ("An@X.vn" is
            # "an@x.vn"); accounts without an address are not concerned.
            models.UniqueConstraint(
                Lower("email"), condition=~Q(email=""), name="user_email_unique_ignoring_case",
                violation_error_message=_("An account with this email address already exists."),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    def clean(self) -> None:
        super().clean()
        if self.is_superuser:
            return
        if self.scope == self.Scope.NATIONAL and self.province_id is not None:
            raise ValidationError({"province": _("A national account has no province.")})
        if self.scope != self.Scope.NATIONAL and self.province_id is None:
            raise ValidationError({"province": _("Choose the account's province.")})

    def units_outside_province(self, units) -> list:
        """The units among `units` that a unit-scoped account of this province may not hold
        (the m2m cannot be checked by a database constraint, so forms and imports ask)."""
        return [unit for unit in units if unit.province_id != self.province_id]

    @cached_property
    def reads_all_provinces(self) -> bool:
        return self.is_superuser or self.scope == self.Scope.NATIONAL

    @cached_property
    def reads_province_wide(self) -> bool:
        """Reads every unit of at least one province: officials, administrators, national
        accounts and superusers; the province-wide pages are theirs."""
        return self.is_superuser or self.scope in (self.Scope.NATIONAL, self.Scope.PROVINCE)

    @cached_property
    def reviews_reports(self) -> bool:
        """Reviews (returns) the reports of every unit of their province: province officials
        and administrators, and superusers. False for national accounts, which read every
        province but write nothing."""
        if self.is_superuser:
            return True
        return self.scope == self.Scope.PROVINCE and self.groups.filter(
            name__in=(roles.ADMINISTRATORS, roles.PROVINCIAL_OFFICIALS)
        ).exists()


class ProvinceQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one scoping rule for provinces: national accounts and superusers see all, other
        accounts their own, anonymous visitors none."""
        if not user.is_authenticated:
            return self.none()
        if user.reads_all_provinces:
            return self
        return self.filter(pk=user.province_id)


class Province(models.Model):
    class Region(models.TextChoices):
        """The six socio-economic regions (the national master plan's), for comparing
        provinces on the national page."""

        NORTHERN_MIDLANDS_MOUNTAINS = "northern_midlands_mountains", _(
            "Northern midlands and mountains")
        RED_RIVER_DELTA = "red_river_delta", _("Red River Delta")
        NORTH_CENTRAL_COAST = "north_central_coast", _("North Central and Central Coast")
        CENTRAL_HIGHLANDS = "central_highlands", _("Central Highlands")
        SOUTHEAST = "southeast", _("Southeast")
        MEKONG_DELTA = "mekong_delta", _("Mekong Delta")

    code = models.CharField(_("official code"), max_length=5, unique=True)
    name = NFCCharField(_("name"), max_length=100)
    region = models.CharField(
        _("socio-economic region"), max_length=30, choices=Region.choices, blank=True,
        help_text=_("Set by load_units from fixtures/regions.tsv."),
    )

    objects = ProvinceQuerySet.as_manager()

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
        """The one scoping rule for units: national accounts and superusers see all, province
        accounts their province's, focal points their own units (in their province),
        anonymous visitors none."""
        if not user.is_authenticated:
            return self.none()
        if user.reads_all_provinces:
            return self
        if user.scope == User.Scope.PROVINCE:
            return self.filter(province_id=user.province_id)
        return self.filter(focal_points=user, province_id=user.province_id)

    def reportable_by(self, user):
        """Units the user may submit daily reports for: only those they are attached to;
        national accounts write nothing."""
        if not user.is_authenticated:
            return self.none()
        if user.scope == User.Scope.NATIONAL and not user.is_superuser:
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
    name = NFCCharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    former_area = NFCCharField(
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
    content = models.TextField(_("links"), blank=True)
    downloaded_at = models.DateTimeField(_("downloaded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("set-password links")
        verbose_name_plural = _("set-password links")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.created_at:%d/%m/%Y %H:%M} ({self.account_count})"


from .tokens import ApiToken  # noqa: E402,F401  (the model lives beside its helpers)
