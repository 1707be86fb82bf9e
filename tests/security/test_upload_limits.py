"""Uploads and request bodies have a ceiling: a holiday calendar (.ics) of at most
ICS_UPLOAD_MAX_BYTES (512 kB), other request bodies of at most 2.5 MB."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from programmes.models import SchoolHoliday

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("admin:programmes_schoolholiday_import_ics")
EVENT = (
    "BEGIN:VEVENT\r\nUID:{n}@example.org\r\nDTSTART;VALUE=DATE:20271010\r\n"
    "DTEND;VALUE=DATE:20271011\r\nSUMMARY:Studiedag {n} regio noord\r\nEND:VEVENT\r\n"
)


def calendar_of(size: int) -> bytes:
    """A well-formed calendar of at least `size` bytes, so only its size can be wrong."""
    events, body = 0, ""
    while len(body) < size:
        body += EVENT.format(n=events)
        events += 1
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n{body}END:VCALENDAR\r\n".encode()


def test_the_default_limit_for_a_holiday_calendar_is_512_kb() -> None:
    assert settings.ICS_UPLOAD_MAX_BYTES == 512 * 1024
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 2_621_440


def test_a_calendar_over_the_limit_is_refused_with_a_dutch_form_error(as_alice: Client) -> None:
    before = SchoolHoliday.objects.count()
    data = calendar_of(settings.ICS_UPLOAD_MAX_BYTES + 1)
    response = as_alice.post(
        IMPORT_URL, {"file": SimpleUploadedFile("groot.ics", data, "text/calendar"), "region": ""}
    )

    assert response.status_code == 200
    kb = -(-len(data) // 1024)
    assert response.context["form"].errors["file"] == [
        f"Het bestand is te groot ({kb} kB); de grens is 512 kB."
    ]
    assert "Het bestand is te groot" in response.text
    assert SchoolHoliday.objects.count() == before


def test_a_calendar_just_under_the_limit_is_imported(as_alice: Client, settings: Any) -> None:
    settings.ICS_UPLOAD_MAX_BYTES = 4096
    data = calendar_of(3000)
    assert len(data) <= 4096
    response = as_alice.post(
        IMPORT_URL, {"file": SimpleUploadedFile("klein.ics", data, "text/calendar"), "region": ""}
    )

    assert response.status_code == 302
    assert SchoolHoliday.objects.filter(name__startswith="Studiedag").exists()


def test_a_form_body_over_2_5_mb_is_refused_with_400(client: Client) -> None:
    response = client.post(reverse("login"), {"username": "alice", "password": "x" * 2_700_000})
    assert response.status_code == 400


def test_a_json_body_over_2_5_mb_is_refused_with_400(client: Client) -> None:
    response = client.post(
        reverse("api-public-interest"),
        json.dumps({"email": "a@example.org", "padding": "x" * 2_700_000}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "Het verzoek is te groot of ongeldig."}
