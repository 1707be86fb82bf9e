"""A guardian's data download in words people read.

`retention.personal_data_export` gives what is held as JSON-able data with stable English
keys and codes (for a computer, and for a request under the GDPR). This module turns the
same data into what the readable page and the HTML file show: every code as its label in
the guardian's language. `JSON_FIELDS` documents each key of the JSON file; a test holds it
to the export, so a new key is not left unexplained.
"""

from __future__ import annotations

from typing import Any

from django.utils.dateparse import parse_date, parse_datetime
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from enrolment.models import (
    AttendanceStatus,
    Authority,
    ConsentMethod,
    ConsentParty,
    EnrolmentStatus,
    IntakeOutcome,
    IntakeReason,
    Relation,
)

JSON_FIELDS: tuple[tuple[str, Any], ...] = (
    ("submission.id", _("het nummer van de aanmelding")),
    ("submission.created_at", _("wanneer de aanmelding binnenkwam")),
    ("submission.consent_text_version", _("de versie van de toestemmingstekst die u las")),
    ("guardians[].id", _("het nummer van de ouder of verzorger")),
    ("guardians[].name", _("naam")),
    ("guardians[].relation", _("relatie tot het kind: mother, father, guardian of other")),
    ("guardians[].authority", _("gezag: joint (samen), sole (alleen deze ouder) of none")),
    ("guardians[].is_enroller", _("true voor de ouder die aanmeldde")),
    ("guardians[].email", _("e-mailadres (alleen van uzelf)")),
    ("guardians[].phone", _("telefoonnummer (alleen van uzelf)")),
    ("guardians[].language", _("taal van de berichten: nl of en")),
    ("guardians[].email_confirmed_at", _("wanneer u uw e-mailadres bevestigde")),
    ("children[].id", _("het nummer van het kind")),
    ("children[].first_name", _("voornaam")),
    ("children[].last_name", _("achternaam")),
    ("children[].date_of_birth", _("geboortedatum (jaar-maand-dag)")),
    ("children[].school", _("school")),
    ("children[].grade", _("groep of klas (getal)")),
    ("children[].class_name", _("naam van de klas")),
    ("enrolments[].id", _("het nummer van de inschrijving")),
    ("enrolments[].child", _("het nummer van het kind (zie children)")),
    ("enrolments[].programme", _("programma")),
    ("enrolments[].group", _("de ronde van de groep")),
    ("enrolments[].host_school", _("de school waar de groep bijeenkomt")),
    ("enrolments[].school_year", _("schooljaar")),
    ("enrolments[].status", _("stand van de inschrijving, als code (zie de leesbare versie)")),
    ("enrolments[].created_at", _("wanneer de inschrijving begon")),
    ("enrolments[].confirmed_at", _("wanneer de plaats vaststond")),
    ("enrolments[].ended_at", _("wanneer de inschrijving stopte")),
    ("enrolments[].erased_at", _("wanneer de gegevens werden gewist")),
    ("enrolments[].consents[].party", _("wie toestemming gaf: guardian (ouder) of child (kind)")),
    ("enrolments[].consents[].guardian", _("het nummer van de ouder (zie guardians)")),
    ("enrolments[].consents[].given", _("true: toestemming gegeven; false: geweigerd")),
    ("enrolments[].consents[].method", _("hoe: link (e-mail), intake of paper (papier)")),
    ("enrolments[].consents[].consent_text_version", _("de versie van de tekst")),
    ("enrolments[].consents[].recorded_at", _("wanneer")),
    (
        "enrolments[].consents[].withdrawn_at",
        _("wanneer de toestemming werd ingetrokken (leeg: niet)"),
    ),
    ("enrolments[].intake", _("het kennismakingsgesprek, als dat er was")),
    ("enrolments[].intake.outcome", _("uitkomst: suitable (passend) of not_suitable")),
    ("enrolments[].intake.reason", _("de reden als de groep niet paste, als code")),
    ("enrolments[].intake.notes_held", _("true als er notities zijn (op te vragen)")),
    ("enrolments[].intake.recorded_at", _("wanneer")),
    ("enrolments[].attendance[].session_date", _("datum van de bijeenkomst")),
    ("enrolments[].attendance[].status", _("present (aanwezig), absent of excused (afgemeld)")),
    ("enrolments[].attendance[].note_held", _("true als er een notitie is (op te vragen)")),
)


def _label(choices: Any, value: Any) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value or "")


def _moment(value: str | None) -> Any:
    """An ISO date or moment of the export, as a date or a local datetime (None stays)."""
    if not value:
        return None
    if len(value) == 10:
        return parse_date(value)
    parsed = parse_datetime(value)
    return localtime(parsed) if parsed else value


def _dated(row: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {**row, **{key: _moment(row.get(key)) for key in keys}}


def readable(export: dict[str, Any]) -> dict[str, Any]:
    """The export with every code as its label, and children and guardians by id."""
    guardians = {g["id"]: g for g in export["guardians"]}
    children = {c["id"]: c for c in export["children"]}
    enrolments = []
    for enrolment in export["enrolments"]:
        intake = enrolment["intake"]
        enrolments.append(
            {
                **_dated(enrolment, "created_at", "confirmed_at", "ended_at", "erased_at"),
                "child_name": children.get(enrolment["child"], {}).get("first_name", ""),
                "status_label": _label(EnrolmentStatus, enrolment["status"]),
                "consents": [
                    {
                        **_dated(c, "recorded_at", "withdrawn_at"),
                        "who": guardians[c["guardian"]]["name"]
                        if c["guardian"] in guardians
                        else _label(ConsentParty, c["party"]),
                        "method_label": _label(ConsentMethod, c["method"]),
                    }
                    for c in enrolment["consents"]
                ],
                "intake": intake
                and {
                    **_dated(intake, "recorded_at"),
                    "outcome_label": _label(IntakeOutcome, intake["outcome"]),
                    "reason_label": _label(IntakeReason, intake["reason"]),
                },
                "attendance": [
                    {
                        **_dated(a, "session_date"),
                        "status_label": _label(AttendanceStatus, a["status"]),
                    }
                    for a in enrolment["attendance"]
                ],
            }
        )
    return {
        **export,
        "submission": _dated(export["submission"], "created_at"),
        "children": [_dated(c, "date_of_birth") for c in export["children"]],
        "guardians": [
            {
                **_dated(g, "email_confirmed_at"),
                "relation_label": _label(Relation, g["relation"]),
                "authority_label": _label(Authority, g["authority"]),
            }
            for g in export["guardians"]
        ],
        "enrolments": enrolments,
        "json_fields": JSON_FIELDS,
    }


def own_language(export: dict[str, Any]) -> str:
    """The language of the guardian who asked (the one whose address the export holds)."""
    own = next((g for g in export["guardians"] if "language" in g), None)
    return own["language"] if own and own["language"] in ("nl", "en") else "nl"
