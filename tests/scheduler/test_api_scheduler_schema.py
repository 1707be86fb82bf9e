"""The OpenAPI schema documents the scheduler's routes, their bodies and the 409 conflict answer."""

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

SCHEDULER_ROUTES = {
    "/api/v1/groups/": {"get", "post"},
    "/api/v1/groups/{id}/": {"get"},
    "/api/v1/groups/{id}/transition/": {"post"},
    "/api/v1/groups/{id}/cancel/": {"post"},
    "/api/v1/groups/{id}/replace-trainer/": {"post"},
    "/api/v1/groups/preview/": {"post"},
    "/api/v1/sessions/": {"get"},
    "/api/v1/sessions/{id}/": {"get"},
    "/api/v1/sessions/{id}/move/": {"post"},
    "/api/v1/sessions/{id}/cancel/": {"post"},
    "/api/v1/sessions/{id}/conflicts/": {"post"},
    "/api/v1/planning-requests/": {"get", "post"},
    "/api/v1/planning-requests/{id}/": {"get"},
    "/api/v1/planning-requests/{id}/withdraw/": {"post"},
    "/api/v1/planner-runs/": {"get", "post"},
    "/api/v1/planner-runs/{id}/": {"get"},
    "/api/v1/planner-runs/{id}/accept/": {"post"},
}


@pytest.fixture
def schema(client: Client) -> dict[str, Any]:
    GENERATOR_STATS.reset()
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


def test_the_schema_stays_valid_and_lists_every_scheduler_route(schema: dict[str, Any]) -> None:
    validate_schema(schema)
    assert not GENERATOR_STATS, "schema generation emitted warnings or errors"
    for path, methods in SCHEDULER_ROUTES.items():
        assert path in schema["paths"], path
        assert set(schema["paths"][path]) == methods, path


def test_the_spectacular_command_still_validates_without_warnings(tmp_path: Path) -> None:
    target = tmp_path / "schema.json"
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json", "--file", target
    )
    assert set(SCHEDULER_ROUTES) <= set(json.loads(target.read_text())["paths"])


def ref(operation: dict[str, Any], status: str) -> str:
    return operation["responses"][status]["content"]["application/json"]["schema"]["$ref"]


def test_every_change_that_checks_conflicts_documents_the_409_answer(
    schema: dict[str, Any],
) -> None:
    paths = schema["paths"]
    for path in (
        "/api/v1/groups/",
        "/api/v1/groups/{id}/replace-trainer/",
        "/api/v1/sessions/{id}/move/",
        "/api/v1/sessions/{id}/cancel/",
        "/api/v1/planner-runs/{id}/accept/",
    ):
        assert ref(paths[path]["post"], "409") == "#/components/schemas/ConflictResponse", path
    answer = schema["components"]["schemas"]["ConflictResponse"]
    assert set(answer["properties"]) == {"detail", "conflicts", "can_override"}
    conflict = schema["components"]["schemas"]["Conflict"]
    assert set(conflict["properties"]) == {
        "kind",
        "severity",
        "message",
        "starts_at",
        "trainer_id",
        "other_session_id",
    }


def test_actions_document_their_request_and_answer_bodies(schema: dict[str, Any]) -> None:
    paths = schema["paths"]

    def request(path: str) -> str:
        body = paths[path]["post"]["requestBody"]["content"]["application/json"]["schema"]
        return body["$ref"].rsplit("/", 1)[1]

    assert request("/api/v1/sessions/{id}/move/") == "SessionMoveRequest"
    assert request("/api/v1/sessions/{id}/conflicts/") == "SessionConflictQueryRequest"
    assert request("/api/v1/groups/{id}/transition/") == "GroupTransitionRequest"
    assert request("/api/v1/planner-runs/{id}/accept/") == "PlannerRunAcceptRequest"
    assert ref(paths["/api/v1/sessions/{id}/conflicts/"]["post"], "200").endswith("/ConflictCheck")
    assert ref(paths["/api/v1/groups/preview/"]["post"], "200").endswith("/SeriesPreview")
    assert ref(paths["/api/v1/planner-runs/"]["post"], "202").endswith("/PlannerRun")
    assert "from" in {p["name"] for p in paths["/api/v1/sessions/"]["get"]["parameters"]}
