"""One way for every API view to check what a request sent: `validated`.

Every app's API (programmes, scheduler, enrolment, reports) checks a request body or query
string with a DRF serializer and hands the cleaned values to a service. This is the one
helper that does it; it lives beside `programmes.api_auth` because `programmes` is the
ground floor the other apps' APIs build on today.
"""

from __future__ import annotations

from typing import Any

from rest_framework.serializers import Serializer


def validated(serializer_class: type[Serializer], data: Any, **context: Any) -> dict[str, Any]:
    """The validated values of `data` (a request's body or query parameters) as a plain dict.

    `context` is the serializer's context (`request=request`, or what a serializer reads,
    such as the group whose trainers it offers). An invalid `data` raises DRF's
    `ValidationError`, which the API answers as a 400 with a message per field
    (`config.api.exception_handler`); nothing has been changed by then.
    """
    serializer = serializer_class(data=data, context=context)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)
