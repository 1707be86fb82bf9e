"""The OpenAPI schema lists the error answers each endpoint can give (core/schema.py),
so API clients, and the schema fuzzing next to this file, know what to expect."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from tests import factories

pytestmark = pytest.mark.django_db

ERROR = {"$ref": "#/components/schemas/ErrorDetail"}


@pytest.fixture
def schema(client: Client) -> dict[str, Any]:
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


def answers(schema: dict[str, Any], path: str, method: str) -> dict[str, Any]:
    return schema["paths"][f"/api/v1/{path}"][method]["responses"]


def body(response: dict[str, Any]) -> Any:
    return response["content"]["application/json"]["schema"]


def test_an_object_behind_a_log_in_documents_401_403_and_404(schema: dict[str, Any]) -> None:
    read = answers(schema, "schools/{id}/", "get")
    assert set(read) == {"200", "401", "403", "404"}
    assert all(body(read[code]) == ERROR for code in ("401", "403", "404"))
    assert schema["components"]["schemas"]["ErrorDetail"]["required"] == ["detail"]


def test_a_write_documents_field_errors_and_conflicts(schema: dict[str, Any]) -> None:
    write = answers(schema, "schools/{id}/", "patch")
    assert {"400", "409", "415"} <= set(write)
    assert body(write["400"])["type"] == "object"  # field -> messages, nested as the input
    assert body(write["409"]) == ERROR
    assert body(write["415"]) == ERROR  # a body the operation cannot read


def test_a_body_the_api_cannot_read_is_the_documented_415(client) -> None:
    client.force_login(factories.make_manager())
    response = client.post("/api/v1/schools/", data="<school/>", content_type="application/xml")
    assert response.status_code == 415
    assert set(response.json()) == {"detail"}


def test_a_conflict_answer_a_view_declares_is_kept(schema: dict[str, Any]) -> None:
    move = answers(schema, "sessions/{id}/move/", "post")
    assert body(move["409"]) != ERROR  # the scheduler's own answer, listing the conflicts
    assert "conflicts" in json.dumps(schema["components"]["schemas"])


def test_public_endpoints_document_throttling_but_no_log_in(schema: dict[str, Any]) -> None:
    submit = answers(schema, "public/enrolments/", "post")
    assert {"400", "429"} <= set(submit)
    assert not {"401", "403"} & set(submit)
    listing = answers(schema, "public/schools/", "get")
    assert {"400", "404", "429"} <= set(listing)  # bad filter, page past the end, throttle


def test_times_are_local_clock_times_and_blank_emails_are_allowed(
    schema: dict[str, Any],
) -> None:
    group = schema["components"]["schemas"]["GroupDetail"]["properties"]
    assert "format" not in group["start_time"]
    assert group["start_time"]["pattern"].startswith("^([01][0-9]|2[0-3]):")
    assert {"type": "string", "maxLength": 0} in group["mentor_email"]["oneOf"]
