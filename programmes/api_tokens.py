"""API tokens: making, revoking and resolving the secrets that programs use for the API.

A token is 256 random bits (43 URL-safe characters). Only its SHA-256 is stored and a
request's token is found by that hash, so the value is shown once, when it is made, and
the comparison is an index lookup on the hash, never a string comparison on the secret.
A token expires API_TOKEN_TTL_DAYS after it was made, can be revoked, and works only while
its user is active. The DRF glue is in `core.api_auth`, which calls `api_token_resolve`
(the setting API_TOKEN_RESOLVER names it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.api_auth import ApiTokenRefused
from core.tokens import new_token, token_hash
from programmes.models import ApiToken

PREFIX_LENGTH = 8
# Longer than any token we make (43 characters); anything longer is not hashed at all.
RAW_MAX_LENGTH = 100
# `last_used_at` is written at most this often per token, so an API client that sends a
# thousand requests a minute does not cause a thousand writes.
LAST_USED_RESOLUTION = dt.timedelta(minutes=5)
# Each sign-in makes a new token; a script that signs in on every run would otherwise
# pile up working tokens. Beyond this many, making one revokes the oldest.
MAX_ACTIVE_PER_USER = 10


hash_api_token = token_hash


@dataclass(frozen=True)
class IssuedApiToken:
    """A freshly made token: the only moment its value exists outside the request."""

    token: ApiToken
    raw: str


@transaction.atomic
def api_token_create(
    *, user: Any, name: str = "", now: dt.datetime | None = None
) -> IssuedApiToken:
    """Make a new API token for `user`, valid for API_TOKEN_TTL_DAYS.

    Earlier tokens keep working (a user may run several programs), except that the
    oldest working ones are revoked beyond MAX_ACTIVE_PER_USER. Refuses (ValidationError)
    an inactive user. The returned value is not stored and cannot be shown again.
    """
    if not getattr(user, "is_active", False):
        raise ValidationError(_("Dit account is niet actief."))
    now = now or timezone.now()
    raw = new_token()
    token = ApiToken.objects.create(
        user=user,
        key_hash=hash_api_token(raw),
        prefix=raw[:PREFIX_LENGTH],
        name=name.strip(),
        created_at=now,
        expires_at=now + dt.timedelta(days=settings.API_TOKEN_TTL_DAYS),
    )
    surplus = list(
        ApiToken.objects.filter(user=user, revoked_at__isnull=True, expires_at__gt=now)
        .order_by("-created_at", "-id")
        .values_list("pk", flat=True)[MAX_ACTIVE_PER_USER:]
    )
    if surplus:
        ApiToken.objects.filter(pk__in=surplus).update(revoked_at=now)
    return IssuedApiToken(token=token, raw=raw)


@transaction.atomic
def api_token_revoke(*, token: ApiToken, now: dt.datetime | None = None) -> bool:
    """Revoke `token`: from now on it answers 401. Returns False if it already was
    revoked (revoking twice changes nothing, and keeps the first moment)."""
    now = now or timezone.now()
    changed = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now)
    if changed:
        token.revoked_at = now
    return bool(changed)


def api_token_resolve(raw: str, *, now: dt.datetime | None = None) -> ApiToken:
    """The working token for `raw`, with its user; raises `ApiTokenRefused` with the reason
    for an unknown, revoked or expired token or an inactive user.

    One query (token and user together), plus at most one write every
    LAST_USED_RESOLUTION to keep `last_used_at`.
    """
    now = now or timezone.now()
    if not raw or len(raw) > RAW_MAX_LENGTH:
        raise ApiTokenRefused(_("Ongeldig token."))
    token = ApiToken.objects.select_related("user").filter(key_hash=hash_api_token(raw)).first()
    if token is None:
        raise ApiTokenRefused(_("Ongeldig token."))
    if token.revoked_at is not None:
        raise ApiTokenRefused(_("Dit token is ingetrokken; vraag een nieuw token aan."))
    if token.expires_at <= now:
        raise ApiTokenRefused(_("Dit token is verlopen; vraag een nieuw token aan."))
    if not token.user.is_active:
        raise ApiTokenRefused(_("Dit account is niet actief."))
    _note_use(token, now)
    return token


def _note_use(token: ApiToken, now: dt.datetime) -> None:
    """Record that `token` was used, unless that was already recorded recently."""
    threshold = now - LAST_USED_RESOLUTION
    if token.last_used_at is not None and token.last_used_at > threshold:
        return
    # Conditional, so parallel requests write it once; committed with the request's work.
    ApiToken.objects.filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lte=threshold), pk=token.pk
    ).update(last_used_at=now)
    token.last_used_at = now


# Ended tokens are kept this long for the admin's record (who had access, until when).
ENDED_KEEP = dt.timedelta(days=90)


def api_tokens_purge(*, now: dt.datetime | None = None) -> int:
    """Delete tokens that expired or were revoked more than ENDED_KEEP ago; returns how many.

    Working tokens are never touched. Safe to run twice: a second run finds nothing.
    """
    cutoff = (now or timezone.now()) - ENDED_KEEP
    deleted, _ = ApiToken.objects.filter(
        Q(expires_at__lt=cutoff) | Q(revoked_at__lt=cutoff)
    ).delete()
    return deleted
