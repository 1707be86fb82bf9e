"""API-wide behaviour: every error is JSON, and validation errors carry field messages."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger("django.request")


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Answer every failure of an API view as JSON.

    - A service's Django `ValidationError` becomes a 400 with field messages; messages
      not tied to a field appear under `non_field_errors` (Django calls them `__all__`).
    - A `SuspiciousOperation` (e.g. a body over DATA_UPLOAD_MAX_MEMORY_SIZE) becomes a 400.
    - An `IntegrityError` (two requests racing past the same check) becomes a 409.
    - Anything else unexpected becomes a logged JSON 500, except with DEBUG on, where
      Django shows its traceback page.
    """
    if isinstance(exc, DjangoValidationError):
        detail = as_serializer_error(exc)
        if NON_FIELD_ERRORS in detail:
            detail[api_settings.NON_FIELD_ERRORS_KEY] = detail.pop(NON_FIELD_ERRORS)
        exc = ValidationError(detail=detail)
    response = drf_exception_handler(exc, context)
    if response is not None:
        return response
    if isinstance(exc, SuspiciousOperation):
        # As outside DRF: a body over DATA_UPLOAD_MAX_MEMORY_SIZE, too many fields and the like
        # are the client's error (400), logged as Django logs them, not a server failure.
        logging.getLogger(f"django.security.{type(exc).__name__}").warning("%s", exc)
        return Response(
            {"detail": _("Het verzoek is te groot of ongeldig.")},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, IntegrityError):
        return Response(
            {"detail": _("Dit botst met een gelijktijdige wijziging; probeer het opnieuw.")},
            status=status.HTTP_409_CONFLICT,
        )
    if settings.DEBUG:
        return None
    request = context.get("request")
    logger.error(
        "Internal Server Error: %s",
        getattr(request, "path", "?"),
        exc_info=exc,
        extra={"status_code": 500, "request": getattr(request, "_request", None)},
    )
    return Response(
        {"detail": _("Er ging iets mis op de server.")},
        status=status.HTTP_500_INTERNAL_SERVER_ERROR,
    )


# Exempt, or an unsafe request without a CSRF cookie gets the HTML CSRF failure page
# instead of this JSON 404; answering 404 changes nothing.
@csrf_exempt
def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """A JSON 404 for API addresses that match no endpoint."""
    return JsonResponse({"detail": _("Niet gevonden.")}, status=404)
