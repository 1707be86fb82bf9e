"""The OpenAPI schema documents the enrolment API: public routes without credentials,
staff routes with them, request bodies and the Idempotency-Key header."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.validation import validate_schema

pytestmark = pytest.mark.django_db

PUBLIC_ROUTES = {
    "/api/v1/public/schools/": {"get"},
    "/api/v1/public/schools/{school_id}/groups/": {"get"},
    "/api/v1/public/programmes/": {"get"},
    "/api/v1/public/consent-text/": {"get"},
    "/api/v1/public/enrolments/": {"post"},
    "/api/v1/public/interest/": {"post"},
    "/api/v1/public/links/confirm/": {"post"},
    "/api/v1/public/links/consent/": {"post"},
    "/api/v1/public/links/offer/": {"post"},
    "/api/v1/public/links/status/": {"post"},
    "/api/v1/public/links/withdraw/": {"post"},
}
STAFF_ROUTES = {
    "/api/v1/enrolments/": {"get"},
    "/api/v1/enrolments/{public_id}/": {"get"},
    "/api/v1/enrolments/{public_id}/withdraw/": {"post"},
    "/api/v1/enrolments/{public_id}/intake/": {"post"},
    "/api/v1/enrolments/{public_id}/child-consent/": {"post"},
    "/api/v1/waitlists/{group_id}/": {"get"},
    "/api/v1/rosters/{group_id}/": {"get"},
    "/api/v1/attendance/{session_id}/": {"get", "put"},
    "/api/v1/class-bookings/{group_id}/": {"get", "post"},
}


@pytest.fixture
def schema(client: Client) -> dict[str, Any]:
    GENERATOR_STATS.reset()
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


def test_the_schema_is_valid_and_lists_every_enrolment_route(schema: dict[str, Any]) -> None:
    validate_schema(schema)
    assert not GENERATOR_STATS, "schema generation emitted warnings or errors"
    for path, methods in {**PUBLIC_ROUTES, **STAFF_ROUTES}.items():
        assert path in schema["paths"], path
        assert set(schema["paths"][path]) == methods, path


def test_the_spectacular_command_validates_without_warnings(tmp_path: Path) -> None:
    target = tmp_path / "schema.json"
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json", "--file", target
    )
    paths = json.loads(target.read_text())["paths"]
    assert set(PUBLIC_ROUTES) | set(STAFF_ROUTES) <= set(paths)


def test_public_routes_need_no_credentials_and_staff_routes_do(schema: dict[str, Any]) -> None:
    for path, methods in PUBLIC_ROUTES.items():
        for method in methods:
            assert "security" not in schema["paths"][path][method], path
    for path, methods in STAFF_ROUTES.items():
        for method in methods:
            assert {"tokenAuth": []} in schema["paths"][path][method]["security"], path


def test_the_enrolment_form_and_its_answers_are_documented(schema: dict[str, Any]) -> None:
    operation = schema["paths"]["/api/v1/public/enrolments/"]["post"]
    assert "Idempotency-Key" in {p["name"] for p in operation["parameters"]}
    assert set(operation["responses"]) >= {"200", "201"}
    form = schema["components"]["schemas"]["PublicEnrolmentFormRequest"]
    assert set(form["required"]) == {"children", "enroller", "consent_text_version"}
    answer = schema["components"]["schemas"]["PublicEnrolmentStatus"]
    assert {"public_id", "status", "waitlist_position", "hold_expires_at"} <= set(
        answer["properties"]
    )
    assert not any("token" in name for name in answer["properties"])
    link = schema["components"]["schemas"]["LinkConfirmRequest"]
    assert set(link["properties"]) == {"token", "consent_given"}
