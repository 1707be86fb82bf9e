"""What every enrolment endpoint shares: the JSON parser, the public and staff view bases,
their permissions, path parameters, and the link and Idempotency-Key formats."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from core.api_auth import ApiTokenAuthentication
from enrolment.throttle import PublicRateThrottle
from programmes import access as programme_access

# The error codes `services.link_resolve` gives for a link that cannot be used.
LINK_ERROR_CODES = frozenset({"invalid_link", "wrong_link", "revoked_link", "expired_link"})
# An Idempotency-Key is a client-chosen label such as a UUID: printable ASCII, no spaces.
IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{8,80}$")
UUID_PATTERN = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"


# --- shared machinery --------------------------------------------------------------------


class SafeJSONParser(JSONParser):
    """JSON, where absurdly deep nesting is a 400 instead of a RecursionError (a 500)."""

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("De JSON is te diep genest.")) from None


class HasStaffRole(BasePermission):
    """Signed in with a role (manager, coordinator or trainer); anyone else gets a 403."""

    message = _("U heeft geen toegang tot deze gegevens.")

    def has_permission(self, request: Request, view: Any) -> bool:
        return programme_access.is_staff_member(request.user)


def path_id(name: str, what: str) -> OpenApiParameter:
    return OpenApiParameter(name, OpenApiTypes.INT, OpenApiParameter.PATH, description=what)


GROUP_ID = path_id("group_id", "De groep (id).")


def _link_errors_on_token(exc: DjangoValidationError) -> Exception:
    """A link that cannot be used is a field message on `token`; other errors pass as is."""
    if getattr(exc, "code", None) in LINK_ERROR_CODES:
        return ValidationError({"token": exc.messages})
    return exc


class PublicView(APIView):
    """No account, no session (so no CSRF target), JSON only, throttled per client."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [PublicRateThrottle]
    throttle_scope = "enrolment-public"
    parser_classes = [SafeJSONParser]


class StaffRules(BasePermission):
    """Reads are scoped by the queryset; a change needs a role at all (else 403 before any
    lookup) and the view's `may_change` for the visible object (else 403)."""

    message = _("U mag dit niet wijzigen.")

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        return programme_access.is_staff_member(request.user)

    def has_object_permission(self, request: Request, view: Any, obj: Any) -> bool:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        return view.may_change(request.user, obj)


class StaffView:
    authentication_classes = [ApiTokenAuthentication, SessionAuthentication]
    parser_classes = [SafeJSONParser]
