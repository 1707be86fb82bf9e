"""Staff actions through the API: enrolment detail (audited), intake, the child's own
consent, withdrawal, the roster (audited), the waitlist in order, attendance and class
bookings. Refused input is a 400 and changes nothing."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from enrolment.audit import AuditAction
from enrolment.models import (
    Attendance,
    AuditEntry,
    Enrolment,
    EnrolmentStatus,
    Intake,
)
from enrolment.services import GuardianInput, email_confirm, submission_create
from programmes.models import EnrolmentMode
from scheduler.models import GroupStatus
from scheduler.services import group_create
from tests import factories
from tests.enrolment.test_api_public_enrolment_flow import API, confirmed_enrolment, of
from tests.enrolment.world import FATHER, MOTHER, SOLE, child, make_published_group

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttle_counters() -> None:
    cache.clear()


def send(client: Client, method: str, path: str, body: Any = None) -> Any:
    return getattr(client, method)(
        f"{API}/{path}", json.dumps(body or {}), content_type="application/json"
    )


def parent(name: str, **kwargs: Any) -> GuardianInput:
    return GuardianInput(name=name, email=f"{name.lower()}@example.org", **kwargs)


# --- detail ------------------------------------------------------------------------------


def test_the_detail_shows_guardians_and_consent_and_is_audit_logged(
    as_alice: Client, group: Any, host: Any, consent_text: Any, emitted: list[Any]
) -> None:
    from enrolment import events

    result = submission_create(
        children=[child(group, host)],
        enroller=MOTHER,
        other_guardians=[FATHER],
        consent_text=consent_text,
    )
    email_confirm(token=of(emitted, events.EnrolmentReceived)[0].confirm_token, consent_given=True)
    public_id = result.enrolments[0].public_id
    answer = as_alice.get(f"{API}/enrolments/{public_id}/")
    assert answer.status_code == 200
    body = answer.json()
    assert body["child"]["date_of_birth"] == "2017-03-01"
    assert [g["name"] for g in body["guardians"]] == ["Anna de Boer", "Bram de Boer"]
    assert body["guardians"][0]["email_confirmed"] is True
    assert body["consent"]["complete"] is False
    assert body["consent"]["missing_guardians"] == ["Bram de Boer"]
    assert body["consent"]["records"][0]["consent_text_version"] == "2026-1"
    assert body["consent"]["summary"] == "wacht op: Bram de Boer"
    assert body["intake"] is None
    entry = AuditEntry.objects.get(action=AuditAction.ENROLMENT_VIEWED)
    assert entry.actor_label == "alice"
    assert entry.target == f"enrolment {public_id}"


def test_the_list_filters_by_status_school_group_and_programme(
    as_alice: Client, group: Any, host: Any, kies: Any, consent_text: Any, emitted: list[Any]
) -> None:
    confirmed_enrolment(group, host, consent_text, emitted, first="Sam")
    submission_create(
        children=[child(group, host, first="Lotte")],
        enroller=parent("Els", authority="sole"),
        consent_text=consent_text,
    )

    def names(**query: Any) -> list[str]:
        results = as_alice.get(f"{API}/enrolments/", query).json()["results"]
        return sorted(e["child"]["first_name"] for e in results)

    assert names() == ["Lotte", "Sam"]
    assert names(status="confirmed") == ["Sam"]
    assert names(status=["confirmed", "awaiting_consent"]) == ["Lotte", "Sam"]
    assert names(school=host.pk, group=group.pk, programme=kies.pk) == ["Lotte", "Sam"]
    assert names(school=host.pk + 1000) == []
    assert names(search="lot") == ["Lotte"]
    assert as_alice.get(f"{API}/enrolments/", {"status": "bogus"}).status_code == 400


# --- intake and the child's own consent --------------------------------------------------


@pytest.fixture
def intake_group(host: Any) -> Any:
    programme = factories.ProgrammeFactory(
        code="kies-intake",
        age_min=7,
        age_max=17,
        grade_min=1,
        grade_max=8,
        parent_meetings_before=0,
        parent_meetings_after=0,
        trainers_per_group=1,
        requires_intake=True,
    )
    return make_published_group(programme, host)


def test_a_suitable_intake_confirms_an_enrolment_with_complete_consent(
    as_bob: Client, intake_group: Any, school_a: Any, consent_text: Any, emitted: list[Any]
) -> None:
    from enrolment import events

    intake_group.admitted_schools.add(school_a)
    result = submission_create(
        children=[child(intake_group, school_a)], enroller=SOLE, consent_text=consent_text
    )
    email_confirm(token=of(emitted, events.EnrolmentReceived)[0].confirm_token, consent_given=True)
    enrolment = Enrolment.objects.get(pk=result.enrolments[0].pk)
    assert enrolment.status == EnrolmentStatus.AWAITING_INTAKE
    answer = send(
        as_bob, "post", f"enrolments/{enrolment.public_id}/intake/", {"outcome": "suitable"}
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["status"] == "confirmed"
    assert answer.json()["intake"]["outcome"] == "suitable"


def test_not_suitable_without_a_reason_is_a_400_and_changes_nothing(
    as_alice: Client, intake_group: Any, host: Any, consent_text: Any, emitted: list[Any]
) -> None:
    from enrolment import events

    result = submission_create(
        children=[child(intake_group, host)], enroller=SOLE, consent_text=consent_text
    )
    email_confirm(token=of(emitted, events.EnrolmentReceived)[0].confirm_token, consent_given=True)
    public_id = result.enrolments[0].public_id
    answer = send(as_alice, "post", f"enrolments/{public_id}/intake/", {"outcome": "not_suitable"})
    assert answer.status_code == 400
    assert "reason" in answer.json()
    assert Intake.objects.count() == 0
    assert Enrolment.objects.get().status == EnrolmentStatus.AWAITING_INTAKE
    bad = send(as_alice, "post", f"enrolments/{public_id}/intake/", {"outcome": "maybe"})
    assert bad.status_code == 400 and "outcome" in bad.json()
    ended = send(
        as_alice,
        "post",
        f"enrolments/{public_id}/intake/",
        {"outcome": "not_suitable", "reason": "unsafe_home", "notes": "Gesprek met moeder."},
    )
    assert ended.status_code == 200, ended.content
    assert ended.json()["status"] == "not_suitable"
    assert ended.json()["intake"]["notes"] == "Gesprek met moeder."


def test_a_trainer_records_the_childs_own_consent_at_the_intake(
    request: Any, group: Any, host: Any, consent_text: Any, emitted: list[Any]
) -> None:
    from enrolment import events

    result = submission_create(
        children=[child(group, host, born=dt.date(2013, 5, 1), grade=8)],
        enroller=SOLE,
        consent_text=consent_text,
    )
    email_confirm(token=of(emitted, events.EnrolmentReceived)[0].confirm_token, consent_given=True)
    enrolment = Enrolment.objects.get(pk=result.enrolments[0].pk)
    assert enrolment.status == EnrolmentStatus.AWAITING_CONSENT  # the child (13) must agree
    as_trainer = Client()
    as_trainer.force_login(group.trainers.get().user)
    answer = send(
        as_trainer, "post", f"enrolments/{enrolment.public_id}/child-consent/", {"given": True}
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["status"] == "confirmed"
    assert answer.json()["consent"]["records"][-1]["method"] == "intake"


# --- roster and waitlist -----------------------------------------------------------------


def test_viewing_a_roster_is_audit_logged_and_shows_what_the_page_shows(
    as_bob: Client, group: Any, school_a: Any, consent_text: Any, emitted: list[Any]
) -> None:
    group.admitted_schools.add(school_a)
    confirmed_enrolment(group, school_a, consent_text, emitted)
    answer = as_bob.get(f"{API}/rosters/{group.pk}/")
    assert answer.status_code == 200
    body = answer.json()
    assert body["group"]["id"] == group.pk
    assert body["seats_taken"] == 1
    (row,) = body["participants"]
    assert row["child"]["school_name"] == "Basisschool De Esch"
    assert row["child"]["age"] == 9
    assert row["status_display"] == "bevestigd"
    assert row["consent_complete"] is True
    assert {line["state"] for line in row["consent"]} == {"given"}
    assert {g["email"] for g in row["guardians"]} == {"m.Sam@example.org", "f.Sam@example.org"}
    entry = AuditEntry.objects.get()
    assert (entry.actor_label, entry.action, entry.target) == (
        "bob",
        AuditAction.ROSTER_VIEWED,
        f"group {group.pk}",
    )


def test_a_refused_roster_read_leaves_no_audit_entry(
    as_carol: Client, group: Any, consent_text: Any
) -> None:
    assert as_carol.get(f"{API}/rosters/{group.pk}/").status_code == 404
    assert AuditEntry.objects.count() == 0


def test_the_waitlist_is_in_order_with_positions(
    as_alice: Client, kies: Any, host: Any, consent_text: Any
) -> None:
    full = make_published_group(kies, host, capacity=1)
    for name in ["Eerste", "Tweede", "Derde", "Vierde"]:
        submission_create(
            children=[child(full, host, first=name)],
            enroller=parent(f"Ouder-{name}", authority="sole"),
            consent_text=consent_text,
        )
    answer = as_alice.get(f"{API}/waitlists/{full.pk}/")
    assert answer.status_code == 200
    assert [(r["position"], r["child"]["first_name"]) for r in answer.json()] == [
        (1, "Tweede"),
        (2, "Derde"),
        (3, "Vierde"),
    ]


# --- attendance --------------------------------------------------------------------------


@pytest.fixture
def attending(group: Any, host: Any, consent_text: Any, emitted: list[Any], _today: Any) -> Any:
    sam = confirmed_enrolment(group, host, consent_text, emitted, first="Sam")
    noor = confirmed_enrolment(group, host, consent_text, emitted, first="Noor")
    session = group.sessions.filter(kind="child").order_by("starts_at").first()
    _today.move_to(session.starts_at + dt.timedelta(hours=2))
    return {"session": session, "sam": sam, "noor": noor}


def test_a_trainer_marks_attendance_and_reads_it_back(alice: Any, attending: Any) -> None:
    client = Client()
    client.force_login(alice)
    session, sam, noor = attending["session"], attending["sam"], attending["noor"]
    body = {
        "records": [
            {"enrolment": str(sam.public_id), "status": "present"},
            {"enrolment": str(noor.public_id), "status": "excused", "note": "Tandarts"},
        ]
    }
    answer = send(client, "put", f"attendance/{session.pk}/", body)
    assert answer.status_code == 200, answer.content
    rows = {r["child_first_name"]: r for r in answer.json()["rows"]}
    assert rows["Sam"]["status"] == "present"
    assert (rows["Noor"]["status"], rows["Noor"]["note"]) == ("excused", "Tandarts")
    assert answer.json()["can_edit"] is True
    again = send(
        client,
        "put",
        f"attendance/{session.pk}/",
        {"records": [{**body["records"][0], "status": "absent"}]},
    )
    assert again.status_code == 200
    assert Attendance.objects.get(enrolment=sam).status == "absent"
    assert Attendance.objects.count() == 2


@pytest.mark.parametrize(
    "records,field",
    [
        ([], "records"),
        ([{"enrolment": "not-a-uuid", "status": "present"}], "records"),
        ([{"enrolment": "8c5f3a52-58a9-4a4c-9f39-0c1d2e3f4a5b", "status": "present"}], "records"),
        (["SAM", "present"], "records"),
    ],
    ids=["empty", "not a uuid", "unknown child", "wrong shape"],
)
def test_invalid_attendance_is_a_400_and_saves_nothing(
    alice: Any, attending: Any, records: Any, field: str
) -> None:
    client = Client()
    client.force_login(alice)
    answer = send(client, "put", f"attendance/{attending['session'].pk}/", {"records": records})
    assert answer.status_code == 400, answer.content
    assert field in answer.json()
    assert Attendance.objects.count() == 0


def test_a_bad_status_among_good_marks_saves_none_of_them(alice: Any, attending: Any) -> None:
    client = Client()
    client.force_login(alice)
    body = {
        "records": [
            {"enrolment": str(attending["sam"].public_id), "status": "present"},
            {"enrolment": str(attending["noor"].public_id), "status": "asleep"},
        ]
    }
    assert send(client, "put", f"attendance/{attending['session'].pk}/", body).status_code == 400
    assert Attendance.objects.count() == 0


def test_attendance_of_a_session_still_to_come_is_refused(alice: Any, attending: Any) -> None:
    client = Client()
    client.force_login(alice)
    later = attending["session"].group.sessions.order_by("-starts_at").first()
    body = {"records": [{"enrolment": str(attending["sam"].public_id), "status": "present"}]}
    answer = send(client, "put", f"attendance/{later.pk}/", body)
    assert answer.status_code == 400
    assert "nog niet geweest" in str(answer.json())
    assert Attendance.objects.count() == 0


# --- class bookings ----------------------------------------------------------------------


@pytest.fixture
def class_group(school_a: Any) -> Any:
    programme = factories.ProgrammeFactory(
        code="mkp-api",
        enrolment_mode=EnrolmentMode.CLASS,
        parent_meetings_before=0,
        parent_meetings_after=0,
        trainers_per_group=1,
        group_size_max=40,
    )
    year = factories.SchoolYearFactory(label="2026-2027")
    trainer = factories.TrainerFactory(qualifications=[programme])
    return group_create(
        programme=programme,
        host_school=school_a,
        school_year=year,
        round_label="najaar 2026",
        weekday=1,
        start_time=dt.time(10, 0),
        first_date=dt.date(2026, 11, 3),
        trainers=[trainer],
        class_name="7A",
        class_size=25,
        mentor_name="Mevr. Jansen",
        mentor_email="jansen@example.org",
    ).group


def test_a_coordinator_books_a_class_into_their_schools_group(
    as_bob: Client, class_group: Any
) -> None:
    body = {
        "class_name": "7B",
        "class_size": 27,
        "mentor_name": "Dhr. Peters",
        "mentor_email": "peters@example.org",
    }
    answer = send(as_bob, "post", f"class-bookings/{class_group.pk}/", body)
    assert answer.status_code == 200, answer.content
    assert answer.json()["class_name"] == "7B"
    class_group.refresh_from_db()
    assert (class_group.class_name, class_group.class_size, class_group.capacity) == ("7B", 27, 27)
    assert as_bob.get(f"{API}/class-bookings/{class_group.pk}/").json()["can_book"] is True


def test_class_bookings_are_refused_outside_scope_and_on_bad_input(
    as_bob: Client, as_carol: Client, as_eve: Client, class_group: Any, group: Any
) -> None:
    body = {
        "class_name": "7B",
        "class_size": 27,
        "mentor_name": "X",
        "mentor_email": "x@example.org",
    }
    assert send(as_carol, "post", f"class-bookings/{class_group.pk}/", body).status_code == 404
    assert send(as_eve, "post", f"class-bookings/{class_group.pk}/", body).status_code == 403
    # An individual-mode group has no class booking.
    assert send(as_bob, "post", f"class-bookings/{group.pk}/", body).status_code == 404
    bad = send(as_bob, "post", f"class-bookings/{class_group.pk}/", {**body, "class_size": 0})
    assert bad.status_code == 400 and "class_size" in bad.json()
    class_group.refresh_from_db()
    assert class_group.class_name == "7A"


def test_a_trainer_of_the_class_group_reads_but_does_not_book(class_group: Any) -> None:
    client = Client()
    client.force_login(class_group.trainers.get().user)
    assert client.get(f"{API}/class-bookings/{class_group.pk}/").json()["can_book"] is False
    body = {
        "class_name": "7B",
        "class_size": 27,
        "mentor_name": "X",
        "mentor_email": "x@example.org",
    }
    assert send(client, "post", f"class-bookings/{class_group.pk}/", body).status_code == 403


def test_a_cancelled_class_group_cannot_be_booked(as_alice: Client, class_group: Any) -> None:
    from scheduler.services import group_cancel

    group_cancel(group=class_group, reason="Geen trainer")
    body = {
        "class_name": "7B",
        "class_size": 27,
        "mentor_name": "X",
        "mentor_email": "x@example.org",
    }
    answer = send(as_alice, "post", f"class-bookings/{class_group.pk}/", body)
    assert answer.status_code == 400
    class_group.refresh_from_db()
    assert class_group.status == GroupStatus.CANCELLED and class_group.class_name == "7A"
