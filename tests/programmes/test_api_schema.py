"""The OpenAPI schema is generated without warnings, validates, and documents every route."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.admindocs.views import simplify_regex
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.validation import validate_schema

pytestmark = pytest.mark.django_db


def api_v1_routes() -> set[str]:
    """Every endpoint under /api/v1/, as an OpenAPI path template (`/api/v1/schools/{id}/`)."""
    routes: set[str] = set()

    def walk(patterns: list[Any], prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                path = simplify_regex(route)
                if not path.startswith("/api/v1/"):
                    continue
                if pattern.name in ("api-root", "api-not-found"):
                    continue  # the browsable index and the JSON 404 are not endpoints
                routes.add(re.sub(r"<(\w+)>", r"{\1}", path).replace("{pk}", "{id}"))

    walk(get_resolver().url_patterns, "")
    return routes


def test_every_api_v1_route_is_found_by_the_walker() -> None:
    routes = api_v1_routes()
    assert "/api/v1/auth/token/" in routes
    assert "/api/v1/schools/{id}/" in routes
    assert len(routes) >= 15


def test_the_schema_endpoint_serves_a_valid_schema_with_every_route(client: Client) -> None:
    GENERATOR_STATS.reset()
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = json.loads(response.content)
    validate_schema(schema)
    assert not GENERATOR_STATS, "schema generation emitted warnings or errors"
    assert api_v1_routes() <= set(schema["paths"])


def test_the_spectacular_command_validates_and_fails_on_no_warnings(tmp_path: Path) -> None:
    target = tmp_path / "schema.json"
    call_command(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--format",
        "openapi-json",
        "--file",
        str(target),
    )
    schema = json.loads(target.read_text())
    validate_schema(schema)
    assert api_v1_routes() <= set(schema["paths"])


def test_the_schema_documents_token_and_session_authentication(client: Client) -> None:
    schema = json.loads(client.get("/api/schema/", {"format": "json"}).content)
    assert {"tokenAuth", "cookieAuth"} <= set(schema["components"]["securitySchemes"])
    token = schema["paths"]["/api/v1/auth/token/"]["post"]
    assert token["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Token"
    }
    assert "security" not in token  # no credentials needed to ask for a token
    assert schema["paths"]["/api/v1/schools/"]["get"]["security"] == [
        {"tokenAuth": []},
        {"cookieAuth": []},
    ]


def test_school_years_are_created_from_the_label_alone(client: Client) -> None:
    schema = json.loads(client.get("/api/schema/", {"format": "json"}).content)
    request = schema["components"]["schemas"]["SchoolYearRequest"]
    assert set(request["properties"]) == {"label"}
    assert set(schema["paths"]["/api/v1/school-years/{id}/"]) == {"get", "delete"}


def test_the_interactive_docs_are_served(client: Client) -> None:
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert b"swagger" in response.content.lower()
