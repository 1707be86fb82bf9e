"""API tokens: the secrets with which programs use the API (`programmes.api_tokens`)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def api_token_expiry() -> dt.datetime:
    """When a token made now stops working: API_TOKEN_TTL_DAYS from now."""
    return timezone.now() + dt.timedelta(days=settings.API_TOKEN_TTL_DAYS)


class ApiToken(models.Model):
    """A secret with which a program uses the API (`Authorization: Token <value>`).

    Only the SHA-256 of the value is stored and a request's token is found by that hash, so
    the value is shown once, when it is made (`programmes.api_tokens`), and a copy of the
    database opens nothing. `prefix`, its first characters, lets its owner recognise it.
    A token works until `expires_at`, until it is revoked (`revoked_at` set) and only while
    its user is active. `last_used_at` is kept to within a few minutes, not per request.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("gebruiker"),
    )
    # Unique, so also the index every authenticated request looks the token up by.
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("begin van het token"), max_length=8, editable=False)
    name = models.CharField(_("naam"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("aangemaakt"), default=timezone.now)
    expires_at = models.DateTimeField(_("verloopt"), default=api_token_expiry)
    last_used_at = models.DateTimeField(_("laatst gebruikt"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("ingetrokken"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API-token")
        verbose_name_plural = _("API-tokens")
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")),
                name="api_token_expires_after_creation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})" if self.name else f"{self.prefix}…"

    def is_usable_at(self, moment: dt.datetime) -> bool:
        """Not revoked and not expired at `moment` (whether the user is active aside)."""
        return self.revoked_at is None and moment < self.expires_at
