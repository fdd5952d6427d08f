"""API tokens: how a system (or a person's script) signs in to the data-exchange API.

A token belongs to one account and acts with that account's scope and role, exactly as the
account does in the pages. The secret is shown once, when the token is created; only its
SHA-256 digest is stored, so a copy of the database does not give anyone access.

Kept beside the accounts (not in the `api` app) because a token is a credential of an account:
its admin is scoped like the accounts' (`ProvinceScopedAdmin`) and the administrators' role
covers it with the other account models (`roles.PROJECT_APPS`).
"""

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PREFIX = "dtm_"
# last_used_at is written at most this often per token, not on every request.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)
DEFAULT_LIFETIME = dt.timedelta(days=365)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def default_expiry() -> dt.datetime:
    return timezone.now() + DEFAULT_LIFETIME


class ApiTokenQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one scoping rule for tokens: national accounts and superusers see all, province
        accounts the tokens of their province's accounts, others their own."""
        if not user.is_authenticated:
            return self.none()
        if user.reads_all_provinces:
            return self
        if user.scope == "province":
            return self.filter(user__province_id=user.province_id)
        return self.filter(user=user)

    def usable(self, now: dt.datetime | None = None):
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now, user__is_active=True)


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens",
        verbose_name=_("account"),
        help_text=_("The token reads and writes with this account's scope and role."),
    )
    name = models.CharField(
        _("name"), max_length=100, help_text=_("Which system uses it, e.g. “Ministry DHIS2”.")
    )
    prefix = models.CharField(_("prefix"), max_length=12, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("created by"), editable=False,
    )
    expires_at = models.DateTimeField(_("expires at"), default=default_expiry)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def issue(self) -> str:
        """Give the (unsaved) token a new secret and return it: the only time it is seen."""
        secret = PREFIX + secrets.token_urlsafe(32)
        self.prefix = secret[:12]
        self.digest = digest(secret)
        return secret

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


def authenticate(secret: str):
    """(account, token) for a usable secret, else None. Records when it was last used (at most
    once a minute per token, by a conditional UPDATE, so busy systems do not write per call)."""
    if not secret.startswith(PREFIX):
        return None
    token = ApiToken.objects.usable().select_related("user").filter(digest=digest(secret)).first()
    if token is None:
        return None
    now = timezone.now()
    stale = models.Q(last_used_at__isnull=True) | models.Q(
        last_used_at__lt=now - LAST_USED_RESOLUTION
    )
    ApiToken.objects.filter(stale, pk=token.pk).update(last_used_at=now)
    return token.user, token


def revoke(tokens) -> int:
    return tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
