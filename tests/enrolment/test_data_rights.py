"""A guardian's rights through their link: download what is held, and have it erased."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from enrolment import events
from enrolment.audit import AuditAction
from enrolment.models import (
    AccessLink,
    Attendance,
    AttendanceStatus,
    AuditEntry,
    Enrolment,
    EnrolmentStatus,
    Guardian,
    IntakeOutcome,
)
from enrolment.services import intake_record
from enrolment.services.retention import (
    personal_data_erase_request,
    personal_data_export,
    personal_data_export_by_link,
)
from tests.enrolment.test_retention_erase import (
    confirm_address,
    enrol_family,
    text_values_left,
)
from tests.enrolment.world import make_published_group

pytestmark = pytest.mark.django_db


def confirm_token(emitted: list[Any], submission: Any) -> str:
    return next(
        e.confirm_token
        for e in emitted
        if isinstance(e, events.EnrolmentReceived) and e.submission_id == submission.pk
    )


@pytest.fixture
def family(group: Any, host: Any, consent_text: Any, emitted: list[Any], alice: Any) -> Any:
    result, values = enrol_family(group, host, consent_text, emitted, first="Isa")
    enrolment = result.enrolments[0]
    intake_record(
        enrolment=enrolment,
        outcome=IntakeOutcome.SUITABLE,
        notes="Spanning tussen de ouders",
        recorded_by=alice,
    )
    session = enrolment.group.sessions.order_by("starts_at").first()
    Attendance.objects.create(
        session=session, enrolment=enrolment, status=AttendanceStatus.PRESENT, note="Stil"
    )
    return result, values, confirm_token(emitted, result.submission)


def test_the_export_holds_exactly_the_data_kept_about_the_submission(family: Any) -> None:
    result, values, token = family
    mother, father = Guardian.objects.filter(submission=result.submission).order_by("pk")
    enrolment = Enrolment.objects.get(pk=result.enrolments[0].pk)

    data = personal_data_export_by_link(token=token)

    assert set(data) == {"submission", "guardians", "children", "enrolments"}
    assert data["submission"]["consent_text_version"] == "2026-1"
    assert data["guardians"] == [
        {
            "id": mother.pk,
            "name": "Moederisa Achterisa",
            "relation": "mother",
            "authority": "joint",
            "is_enroller": True,
            "email": "moeder.isa@example.org",
            "phone": values["phones"][0],
            "language": "nl",
            "email_confirmed_at": mother.email_confirmed_at.isoformat(),
        },
        # The other parent's e-mail address and phone are theirs, not the asker's.
        {
            "id": father.pk,
            "name": "Vaderisa Achterisa",
            "relation": "father",
            "authority": "joint",
            "is_enroller": False,
        },
    ]
    assert data["children"] == [
        {
            "id": enrolment.child_id,
            "first_name": "Isa",
            "last_name": "Achterisa",
            "date_of_birth": "2017-03-01",
            "school": "Basisschool De Horizon",
            "grade": 4,
            "class_name": "7B",
        }
    ]
    [exported] = data["enrolments"]
    assert exported["id"] == str(enrolment.public_id)
    assert exported["status"] == EnrolmentStatus.CONFIRMED
    assert exported["programme"] == "KIES" and exported["school_year"] == "2026-2027"
    assert exported["confirmed_at"] == enrolment.confirmed_at.isoformat()
    assert sorted(
        (c["guardian"], c["given"], c["consent_text_version"]) for c in exported["consents"]
    ) == [
        (mother.pk, True, "2026-1"),
        (father.pk, True, "2026-1"),
    ]
    assert exported["intake"]["outcome"] == "suitable" and exported["intake"]["notes_held"]
    assert exported["attendance"] == [
        {"session_date": "2026-11-02", "status": "present", "note_held": True}
    ]
    text = json.dumps(data)
    for withheld in [
        "Spanning tussen de ouders",
        "Stil",
        *values["emails"][1:],
        values["phones"][1],
    ]:
        assert withheld not in text


def test_staff_export_without_a_guardian_shows_every_guardians_contact_details(
    family: Any,
) -> None:
    result, values, _token = family
    data = personal_data_export(submission=result.submission)
    assert [g["email"] for g in data["guardians"]] == values["emails"]
    assert AuditEntry.objects.get(action=AuditAction.DATA_DOWNLOADED).actor_label == "system"


def test_a_download_is_audit_logged_without_names(family: Any) -> None:
    result, _values, token = family
    personal_data_export_by_link(token=token)
    entry = AuditEntry.objects.get(action=AuditAction.DATA_DOWNLOADED)
    mother = Guardian.objects.get(submission=result.submission, is_enroller=True)
    assert entry.actor_label == f"guardian {mother.pk}" and entry.actor is None
    assert entry.target == f"submission {result.submission.pk}"


def test_a_link_for_another_purpose_cannot_download_or_erase(
    family: Any, emitted: list[Any]
) -> None:
    consent_link = next(e.token for e in emitted if isinstance(e, events.ConsentRequested))
    with pytest.raises(ValidationError):
        personal_data_export_by_link(token=consent_link)
    with pytest.raises(ValidationError):
        personal_data_erase_request(token=consent_link)
    assert not AuditEntry.objects.exists()
    assert Enrolment.objects.filter(erased_at__isnull=True).count() == 1


def test_an_erasure_request_withdraws_an_active_enrolment_and_offers_its_seat_to_the_next_child(
    kies: Any, host: Any, consent_text: Any, emitted: list[Any]
) -> None:
    group = make_published_group(kies, host, capacity=1)
    first, values = enrol_family(group, host, consent_text, emitted, first="Lina", siblings=())
    second, _ = enrol_family(group, host, consent_text, emitted, first="Milan", confirm=False)
    confirm_address(second, emitted)
    token = confirm_token(emitted, first.submission)

    assert personal_data_erase_request(token=token) == 1

    enrolment = Enrolment.objects.get(pk=first.enrolments[0].pk)
    assert enrolment.status == EnrolmentStatus.WITHDRAWN and enrolment.erased_at is not None
    assert Enrolment.objects.get(pk=second.enrolments[0].pk).status == EnrolmentStatus.OFFERED
    assert text_values_left(values["names"] + values["emails"] + values["phones"]) == []
    assert not AccessLink.objects.filter(submission=first.submission).exists()
    mother_id = Guardian.objects.get(submission=first.submission, is_enroller=True).pk
    assert list(
        AuditEntry.objects.filter(action=AuditAction.DATA_ERASED)
        .order_by("pk")
        .values_list("actor_label", "target")
    ) == [
        (f"guardian {mother_id}", f"submission {first.submission.pk}"),
        ("system", f"enrolment {enrolment.pk} guardian_request"),
    ]
    # The link went with the data: a second request finds nothing to act on.
    with pytest.raises(ValidationError):
        personal_data_erase_request(token=token)


def test_an_erasure_request_erases_every_sibling_of_the_submission(
    group: Any, host: Any, consent_text: Any, emitted: list[Any]
) -> None:
    result, values = enrol_family(
        group, host, consent_text, emitted, first="Teun", siblings=("Roos",)
    )
    assert personal_data_erase_request(token=confirm_token(emitted, result.submission)) == 2
    assert text_values_left(values["names"] + values["emails"] + values["phones"]) == []
    assert set(Enrolment.objects.values_list("status", flat=True)) == {EnrolmentStatus.WITHDRAWN}


# --- the pages behind the link ---------------------------------------------------------------


def test_the_guardians_page_offers_download_and_erasure(client: Any, family: Any) -> None:
    _result, _values, token = family
    response = client.get(reverse("privacy-my-data", args=[token]))
    assert response.status_code == 200
    assert reverse("privacy-my-data-download", args=[token]) in response.content.decode()
    assert reverse("privacy-my-data-erase", args=[token]) in response.content.decode()


def test_the_pages_behind_the_link_keep_the_token_out_of_caches_and_referers(
    client: Any, family: Any
) -> None:
    _result, _values, token = family
    for name in ["privacy-my-data", "privacy-my-data-erase"]:
        response = client.get(reverse(name, args=[token]))
        assert "no-store" in response["Cache-Control"]
        assert response["Referrer-Policy"] == "strict-origin"


def test_the_download_is_a_json_file(client: Any, family: Any) -> None:
    _result, _values, token = family
    response = client.post(reverse("privacy-my-data-download", args=[token]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="mijn-gegevens.json"'
    assert json.loads(response.content)["children"][0]["first_name"] == "Isa"


def test_a_get_never_downloads(client: Any, family: Any) -> None:
    _result, _values, token = family
    assert client.get(reverse("privacy-my-data-download", args=[token])).status_code == 405
    assert not AuditEntry.objects.exists()


def test_erasure_needs_the_confirmation_box_and_then_erases_everything(
    client: Any, family: Any
) -> None:
    result, values, token = family
    url = reverse("privacy-my-data-erase", args=[token])
    assert client.get(url).status_code == 200
    refused = client.post(url, {})
    assert refused.status_code == 400
    assert Enrolment.objects.get(pk=result.enrolments[0].pk).erased_at is None

    done = client.post(url, {"confirm": "yes"})

    assert done.status_code == 200
    assert "gewist" in done.content.decode()
    assert text_values_left(values["names"] + values["emails"]) == []
    gone = client.get(reverse("privacy-my-data", args=[token]))
    assert gone.status_code == 404


def test_an_unknown_link_gets_a_friendly_404(client: Any, db: None) -> None:
    response = client.get(reverse("privacy-my-data", args=["nonsense-token"]))
    assert response.status_code == 404
    assert "niet (meer) geldig" in response.content.decode()
