"""The OpenAPI schema documents the error answers every endpoint can give.

drf-spectacular lists only the success answer (and whatever a view declares with
`extend_schema`). Clients, and the schema fuzzing in `tests/fuzz/`, need the errors too,
so this schema class adds them from what the view itself says, without a decorator on
every view:

- 400 when the operation takes a body or query parameters (field messages, see
  `config.api.exception_handler`);
- 401 and 403 when the view needs a log-in;
- 404 when the path names an object (out of scope is 404 too) or the list is paged;
- 409 on writes: a change racing a concurrent one (`IntegrityError`);
- 415 on writes: a body in a form the operation does not read (or a multipart body so
  broken that no media type can be read from it);
- 429 when the view is throttled.

An answer a view declares itself is kept as it is.

Two field formats are also made to say what the API really sends: times are local
Amsterdam wall-clock times without an offset (`13:00:00`), which JSON Schema's `time`
format (RFC 3339, offset required) refuses; and a read-only e-mail or URL field of a
model field that may be blank can be `""`, which drf-spectacular only allows for
writable fields.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from drf_spectacular import openapi
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.permissions import SAFE_METHODS, AllowAny


class ErrorDetailSerializer(serializers.Serializer):
    """`{"detail": "..."}`: every error that is not about the fields of the request."""

    detail = serializers.CharField()


# Field name -> list of messages; nested serializers nest (a list or an object per item);
# `non_field_errors` holds the messages about the request as a whole, and a body that is
# not JSON at all answers `{"detail": "..."}`.
VALIDATION_ERROR = {
    "type": "object",
    "description": "Per veld de meldingen; `non_field_errors` voor het verzoek als geheel.",
    "additionalProperties": {},
}

ERROR_DESCRIPTIONS = {
    "400": "De invoer klopt niet; per veld staat erbij wat er mis is.",
    "401": "Niet ingelogd: stuur een token of een sessie mee.",
    "403": "Ingelogd, maar zonder recht op deze handeling.",
    "404": "Niet gevonden, of buiten uw bereik.",
    "409": "Botst met een gelijktijdige wijziging; er is niets gewijzigd.",
    "415": "De vorm van de invoer wordt hier niet gelezen; stuur JSON.",
    "429": "Te veel verzoeken; probeer het later opnieuw.",
}


# hh:mm, hh:mm:ss or hh:mm:ss.ffffff: what DRF's TimeField reads and writes.
LOCAL_TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$"


class AutoSchema(openapi.AutoSchema):
    def _map_serializer_field(
        self, field: Any, direction: Any, bypass_extensions: bool = False
    ) -> dict[str, Any]:
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if isinstance(field, serializers.TimeField) and schema.get("format") == "time":
            del schema["format"]
            schema["pattern"] = LOCAL_TIME_PATTERN
        return schema

    def _insert_field_validators(self, field: Any, schema: dict[str, Any]) -> None:
        super()._insert_field_validators(field, schema)
        if field.read_only and "format" in schema and _model_field_may_be_blank(field):
            outer = {"readOnly", "writeOnly", "nullable", "deprecated", "description", "title"}
            inner = {key: schema.pop(key) for key in list(schema) if key not in outer}
            schema["oneOf"] = [inner, {"type": "string", "maxLength": 0}]

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code in self._error_codes():
            if code in responses:
                continue
            body: Any = VALIDATION_ERROR if code == "400" else ErrorDetailSerializer
            responses[code] = self._get_response_for_code(
                OpenApiResponse(response=body, description=ERROR_DESCRIPTIONS[code]),
                code,
                direction=direction,
            )
        return responses

    def _error_codes(self) -> list[str]:
        codes = []
        writes = self.method not in SAFE_METHODS
        has_query = any(p.get("in") == "query" for p in self._get_parameters())
        if writes or has_query:
            codes.append("400")
        permissions = self.view.get_permissions()
        if permissions and not any(isinstance(p, AllowAny) for p in permissions):
            codes += ["401", "403"]
        paged = self._is_list_view() and self._get_paginator() is not None
        if "{" in self.path or paged:
            codes.append("404")
        if writes:
            codes += ["409", "415"]
        if self.view.get_throttles():
            codes.append("429")
        return codes


def _model_field_may_be_blank(field: Any) -> bool:
    """Whether a ModelSerializer's read-only field shows a model field with blank=True.

    DRF drops `allow_blank` from read-only fields, so the model is asked instead.
    """
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    if model is None or not isinstance(field, serializers.CharField) or "." in field.source:
        return False
    try:
        return bool(model._meta.get_field(field.source).blank)
    except FieldDoesNotExist:
        return False
