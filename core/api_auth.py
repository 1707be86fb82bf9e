"""DRF authentication with our own API tokens (`Authorization: Token <value>`).

The header keyword is the one DRF's own token authentication used, so clients and docs did
not change when the plain-text, never-expiring DRF tokens were replaced. What a token is
and when it works is decided by the app that owns the tokens: the setting API_TOKEN_RESOLVER
names its function (`programmes.api_tokens.api_token_resolve`), which takes the raw value
and returns the working token (with its `user`) or raises `ApiTokenRefused`. This module
only reads the header and turns a refusal into a 401; it knows no app and no role.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

KEYWORD = "Token"


class ApiTokenRefused(Exception):
    """The presented token does not open the API; `message` says why, in Dutch."""

    def __init__(self, message: str | Promise) -> None:
        super().__init__(message)
        self.message = message


@functools.cache
def _resolver(path: str) -> Callable[[str], Any]:
    return import_string(path)


def resolve_api_token(raw: str) -> Any:
    """The working token for `raw` (it has a `user`), by the function API_TOKEN_RESOLVER
    names; raises `ApiTokenRefused` with the reason otherwise."""
    return _resolver(settings.API_TOKEN_RESOLVER)(raw)


class ApiTokenAuthentication(BaseAuthentication):
    """Authenticates a request by the API token in its Authorization header.

    Without a `Token` header it leaves the request to the next authenticator (or
    anonymous); with one that does not work it answers 401 with the reason. Listed first
    on a view, its `WWW-Authenticate: Token` makes an anonymous request a 401, not a 403.
    """

    keyword = KEYWORD

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise AuthenticationFailed(
                _("Zet in de Authorization-header 'Token', een spatie en dan het token.")
            )
        try:
            raw = parts[1].decode("ascii")
        except UnicodeError:
            raise AuthenticationFailed(_("Ongeldig token.")) from None
        try:
            token = resolve_api_token(raw)
        except ApiTokenRefused as refusal:
            raise AuthenticationFailed(refusal.message) from None
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """Documents the token as the schema's `tokenAuth` scheme, as DRF's token was."""

    target_class = ApiTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix=KEYWORD
        )
