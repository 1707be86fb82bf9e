"""API-wide behaviour: errors are always JSON with field messages."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Turn a service's Django `ValidationError` into a 400 with field messages.

    Services raise Django's ValidationError; DRF would otherwise answer 500.
    Messages not tied to a field appear under `non_field_errors`.
    """
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(detail=as_serializer_error(exc))
    return drf_exception_handler(exc, context)
