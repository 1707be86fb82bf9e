"""API-wide behaviour: every error is JSON, and validation errors carry field messages."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.encoding import force_str
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from rest_framework import status
from rest_framework.exceptions import ErrorDetail, NotFound, Throttled, ValidationError
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
    - DRF's own English words are replaced: a 404 says "Niet gevonden." without the
      model's name (`get_object_or_404`'s "No Enrolment matches..."), a 429 says when to
      try again in the page's language.
    """
    if isinstance(exc, Http404):
        exc = NotFound(_("Niet gevonden."))
    if isinstance(exc, Throttled):
        _throttled_in_words(exc)
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


def _throttled_in_words(exc: Throttled) -> None:
    """Put DRF's 'Request was throttled. Expected available in N seconds.' in our words;
    a message of our own (a locked log-in) keeps its words, without DRF's English tail."""
    detail = force_str(exc.detail)
    if exc.wait is not None:
        tail = ngettext(
            Throttled.extra_detail_singular.format(wait=exc.wait),
            Throttled.extra_detail_plural.format(wait=exc.wait),
            exc.wait,
        )
        detail = detail.removesuffix(" " + force_str(tail))
    if detail == force_str(Throttled.default_detail):
        if exc.wait is None:
            detail = _("Te veel verzoeken. Probeer het later opnieuw.")
        else:
            detail = ngettext(
                "Te veel verzoeken. Probeer het over %(seconds)s seconde opnieuw.",
                "Te veel verzoeken. Probeer het over %(seconds)s seconden opnieuw.",
                exc.wait,
            ) % {"seconds": exc.wait}
    exc.detail = ErrorDetail(detail, code="throttled")


# Exempt, or an unsafe request without a CSRF cookie gets the HTML CSRF failure page
# instead of this JSON 404; answering 404 changes nothing.
@csrf_exempt
def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """A JSON 404 for API addresses that match no endpoint."""
    return JsonResponse({"detail": _("Niet gevonden.")}, status=404)
