"""A guardian's data download is a page people read (issue 17, item 4): in their own
language, every code as words, printable and to keep as a file, with the JSON beside it
whose every key is explained."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from enrolment import events
from enrolment.audit import AuditAction
from enrolment.data_readable import JSON_FIELDS
from enrolment.models import Attendance, AttendanceStatus, AuditEntry, Guardian
from enrolment.services.retention import personal_data_export_by_link
from tests.enrolment.test_retention_erase import enrol_family

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(group: Any, host: Any, consent_text: Any, emitted: list[Any]) -> str:
    result, _values = enrol_family(group, host, consent_text, emitted, first="Isa")
    enrolment = result.enrolments[0]
    session = enrolment.group.sessions.order_by("starts_at").first()
    Attendance.objects.create(session=session, enrolment=enrolment, status=AttendanceStatus.PRESENT)
    return next(
        e.confirm_token
        for e in emitted
        if isinstance(e, events.EnrolmentReceived) and e.submission_id == result.submission.pk
    )


def download(client: Client, token: str, form: str) -> Any:
    return client.post(reverse("privacy-my-data-download", args=[token]), {"format": form})


def test_the_readable_page_says_everything_in_words_not_codes(client: Client, token: str) -> None:
    page = download(client, token, "html").content.decode()

    for words in (
        "Uw gegevens bij de gemeente",
        "Moederisa Achterisa, moeder, gezamenlijk gezag (meldde aan)",
        "Isa Achterisa, geboren op 1 maart 2017",
        "gaf toestemming op",
        "via de link in de e-mail",
        ": aanwezig",
    ):
        assert words in page, words
    for code in ("joint", "awaiting_consent", '"present"', "mother,"):
        assert code not in page.split("Wat staat er in het JSON-bestand?")[0], code
    assert AuditEntry.objects.filter(action=AuditAction.DATA_DOWNLOADED).count() == 1


def test_a_parent_who_reads_english_gets_it_in_english(client: Client, token: str) -> None:
    Guardian.objects.filter(is_enroller=True).update(language="en")
    page = download(client, token, "html").content.decode()
    assert "Your data held by the municipality" in page
    assert "joint parental authority" in page


def test_the_page_can_be_kept_as_an_html_file(client: Client, token: str) -> None:
    response = download(client, token, "html-file")
    assert response["Content-Disposition"] == 'attachment; filename="mijn-gegevens.html"'
    body = response.content.decode()
    assert body.startswith("<!DOCTYPE html>") and "Isa Achterisa" in body
    assert "no-store" in response["Cache-Control"]


def test_the_json_file_stays_for_computers(client: Client, token: str) -> None:
    response = download(client, token, "json")
    assert response["Content-Disposition"] == 'attachment; filename="mijn-gegevens.json"'
    assert json.loads(response.content)["guardians"][0]["authority"] == "joint"


def test_every_key_of_the_json_file_is_explained_on_the_page(client: Client, token: str) -> None:
    def leaves(value: Any, prefix: str = "") -> set[str]:
        """The path of every value in the file: "enrolments[].consents[].method"."""
        if isinstance(value, dict):
            return set().union(
                *(leaves(v, f"{prefix}.{k}" if prefix else k) for k, v in value.items())
            )
        if isinstance(value, list):
            return set().union(*(leaves(item, f"{prefix}[]") for item in value))
        return {prefix}

    documented = {key for key, _meaning in JSON_FIELDS}
    held = leaves(personal_data_export_by_link(token=token))
    assert "enrolments[].consents[].method" in held
    assert held - documented == set()
    page = download(client, token, "html").content.decode()
    assert "<code>enrolments[].consents[].method</code>" in page
