"""DRF authentication with our own API tokens (`Authorization: Token <value>`).

The header keyword is the one DRF's own token authentication used, so clients and docs did
not change when the plain-text, never-expiring DRF tokens were replaced. What a token is
and when it works is decided in `programmes.api_tokens`; this module only reads the header
and turns a refusal into a 401.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from programmes.api_tokens import ApiTokenRefused, api_token_resolve
from programmes.models import ApiToken

KEYWORD = "Token"


class ApiTokenAuthentication(BaseAuthentication):
    """Authenticates a request by the API token in its Authorization header.

    Without a `Token` header it leaves the request to the next authenticator (or
    anonymous); with one that does not work it answers 401 with the reason. Listed first
    on a view, its `WWW-Authenticate: Token` makes an anonymous request a 401, not a 403.
    """

    keyword = KEYWORD

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
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
            token = api_token_resolve(raw)
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
