"""Shared set-up for the reports API tests (no tests here): THINK classes at VO schools,
agreements and invoices made through the services, and small request helpers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.test import Client

from programmes.models import CostBasis, School, SchoolType
from programmes.services import agreement_create, invoice_create
from tests.reports.cofinancing_support import make_think as think_programme

API = "/api/v1"
AGREEMENTS = f"{API}/cofinancing/agreements/"
INVOICES = f"{API}/cofinancing/invoices/"
LEDGER = f"{API}/reports/cofinancing/"
PARTICIPATION = f"{API}/reports/participation/"


def make_think() -> Any:
    """A co-financed VO programme booked per class, one trainer, six lessons."""
    return think_programme("think-api", name_en="THINK at school")


def make_vo(*schools: School) -> None:
    """The personas' schools are primary schools; THINK is co-financed by VO schools."""
    School.objects.filter(pk__in=[s.pk for s in schools]).update(school_type=SchoolType.VO)
    for school in schools:
        school.school_type = SchoolType.VO


def agree(school: Any, programme: Any, year: Any, **extra: Any) -> Any:
    return agreement_create(
        **{
            "school": school,
            "school_year": year,
            "programme": programme,
            "cost_basis": CostBasis.PER_CLASS,
            "price": Decimal("800.00"),
            "school_share_percentage": Decimal("50"),
            "units_agreed": 4,
            **extra,
        }
    )


def bill(agreement: Any, reference: str, amount: str = "400.00") -> Any:
    return invoice_create(agreement=agreement, reference=reference, amount=Decimal(amount))


def post(client: Client, url: str, data: dict[str, Any] | None = None) -> Any:
    return client.post(url, data or {}, content_type="application/json")


def patch(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.patch(url, data, content_type="application/json")


def put(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.put(url, data, content_type="application/json")


def ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]
