"""The OpenAPI schema documents the reports API: its routes, money as decimal strings,
invoice actions and the suppressed counts as an integer, "< 5" or "*"."""

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

REPORT_ROUTES = {
    "/api/v1/cofinancing/agreements/": {"get", "post"},
    "/api/v1/cofinancing/agreements/{id}/": {"get", "put", "patch"},
    "/api/v1/cofinancing/invoices/": {"get", "post"},
    "/api/v1/cofinancing/invoices/{id}/": {"get"},
    "/api/v1/cofinancing/invoices/{id}/mark-sent/": {"post"},
    "/api/v1/cofinancing/invoices/{id}/mark-paid/": {"post"},
    "/api/v1/reports/cofinancing/": {"get"},
    "/api/v1/reports/participation/": {"get"},
}
MONEY = ("school_share", "municipal_share", "invoiced", "paid", "outstanding")


@pytest.fixture
def schema(client: Client) -> dict[str, Any]:
    GENERATOR_STATS.reset()
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


def component(schema: dict[str, Any], name: str) -> dict[str, Any]:
    return schema["components"]["schemas"][name]


def response_ref(operation: dict[str, Any], status: str = "200") -> str:
    return operation["responses"][status]["content"]["application/json"]["schema"]["$ref"]


def test_the_schema_is_valid_and_lists_every_reports_route(schema: dict[str, Any]) -> None:
    validate_schema(schema)
    assert not GENERATOR_STATS, "schema generation emitted warnings or errors"
    for path, methods in REPORT_ROUTES.items():
        assert path in schema["paths"], path
        assert set(schema["paths"][path]) == methods, path
        for method in methods:
            assert {"tokenAuth": []} in schema["paths"][path][method]["security"], path


def test_the_spectacular_command_validates_without_warnings(tmp_path: Path) -> None:
    target = tmp_path / "schema.json"
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json", "--file", target
    )
    assert set(REPORT_ROUTES) <= set(json.loads(target.read_text())["paths"])


def test_money_is_a_read_only_decimal_string(schema: dict[str, Any]) -> None:
    agreement = component(schema, "Agreement")["properties"]
    for name in MONEY:
        assert agreement[name]["type"] == "string", name
        assert agreement[name]["format"] == "decimal", name
        assert agreement[name]["readOnly"], name
    assert agreement["price"]["format"] == "decimal"
    totals = component(schema, "LedgerTotals")["properties"]
    assert all(totals[name]["format"] == "decimal" for name in MONEY)
    # The computed figures are not part of what a client sends.
    sent = component(schema, "AgreementRequest")["properties"]
    assert not set(MONEY) & set(sent)
    assert {"school", "school_year", "programme", "price"} <= set(sent)


def test_the_invoice_status_includes_overdue_and_the_actions_take_a_date(
    schema: dict[str, Any],
) -> None:
    assert component(schema, "InvoiceStatusEnum")["enum"] == ["concept", "sent", "paid", "overdue"]
    listing = schema["paths"]["/api/v1/cofinancing/invoices/"]["get"]
    status = next(p for p in listing["parameters"] if p["name"] == "status")
    assert "overdue" in status["schema"]["enum"]
    for action, field in (("mark-sent", "date_sent"), ("mark-paid", "date_paid")):
        operation = schema["paths"][f"/api/v1/cofinancing/invoices/{{id}}/{action}/"]["post"]
        body = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        assert set(component(schema, body.rsplit("/", 1)[1])["properties"]) == {field}
        assert response_ref(operation).endswith("/Invoice")


def test_the_reports_document_their_query_and_their_answer(schema: dict[str, Any]) -> None:
    ledger = schema["paths"]["/api/v1/reports/cofinancing/"]["get"]
    assert response_ref(ledger).endswith("/Ledger")
    assert {(p["name"], p.get("required", False)) for p in ledger["parameters"]} == {
        ("school_year", False)
    }
    report = schema["paths"]["/api/v1/reports/participation/"]["get"]
    assert response_ref(report).endswith("/Participation")
    assert {(p["name"], p.get("required", False)) for p in report["parameters"]} == {
        ("school_year", False),
        ("programme", False),
    }


def test_suppressed_counts_are_documented_as_an_integer_or_less_than_five_or_hidden(
    schema: dict[str, Any],
) -> None:
    count = [{"type": "integer", "minimum": 0}, {"type": "string", "enum": ["< 5", "*"]}]
    row = component(schema, "SchoolProgrammeRow")["properties"]
    for name in ("interest", "pupils_enrolled"):
        assert row[name]["oneOf"] == count, name
    assert row["groups_offered"]["type"] == "integer"
    assert {"school_id", "school_name", "programme_id", "programme_name"} <= set(row)
    totals = component(schema, "RowTotals")["properties"]
    assert totals["pupils_enrolled"]["oneOf"] == count
    report = component(schema, "Participation")["properties"]
    for name in ("seats_filled", "waitlist_length"):
        assert report[name]["oneOf"] == count, name
    assert report["enrolments_by_status"]["additionalProperties"]["oneOf"] == count
    assert report["fill_rate"]["oneOf"] == [
        {"type": "number", "minimum": 0},
        {"type": "string", "enum": ["*"]},
    ]
    assert report["fill_rate"]["nullable"] is True
    assert report["seats_offered"]["type"] == "integer"  # seats point to no child
    assert {"rows", "programme_totals", "totals", "programmes"} <= set(report)
    assert "schools" not in report  # per school across programmes: gone


def test_the_groups_that_did_not_start_are_documented_as_counts_by_why(
    schema: dict[str, Any],
) -> None:
    report = component(schema, "Participation")
    assert "not_started" in report["required"]
    reference = report["properties"]["not_started"]
    ref = reference.get("$ref") or reference["allOf"][0]["$ref"]
    reasons = component(schema, ref.rsplit("/", 1)[1])["properties"]
    assert set(reasons) == {"pooled", "too_few", "cancelled_otherwise", "total"}
    for name, field in reasons.items():
        assert field["type"] == "integer" and field.get("readOnly") is True, name
        assert field.get("description"), name
    description = schema["paths"]["/api/v1/reports/participation/"]["get"]["description"]
    assert "niet begonnen" in description
