"""The public enrolment API end to end: find the school, see its groups, enrol, follow the
e-mail link, the other parent consents, and the status says confirmed.

The helpers at the top are shared by the other `test_api_*` files of the enrolment app.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from enrolment import events
from enrolment.models import (
    AccessLink,
    Enrolment,
    EnrolmentStatus,
    Interest,
    LinkPurpose,
    Submission,
)
from enrolment.services import (
    consent_answer,
    email_confirm,
    enrolment_withdraw,
    submission_create,
)
from scheduler.models import GroupStatus
from scheduler.services import group_transition
from tests import factories
from tests.enrolment.world import FATHER, MOTHER, child, make_published_group

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture(autouse=True)
def _fresh_throttle_counters() -> None:
    # Throttle counters live in the cache, which outlives a test.
    cache.clear()


# --- helpers shared by the enrolment API tests -------------------------------------------


def post(client: Client, path: str, body: Any, **headers: Any) -> Any:
    return client.post(
        f"{API}/{path}", json.dumps(body), content_type="application/json", **headers
    )


def form(
    group: Any,
    school: Any,
    *,
    first: str = "Sam",
    born: str = "2017-03-01",
    grade: int = 4,
    others: list[dict[str, Any]] | None = None,
    enroller: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A valid enrolment body: one child, the mother enrols, the father has joint authority."""
    return {
        "children": [
            {
                "first_name": first,
                "last_name": "de Boer",
                "date_of_birth": born,
                "school": school.pk,
                "grade": grade,
                "group": group.pk,
            }
        ],
        "enroller": enroller
        or {
            "name": "Anna de Boer",
            "email": "anna@example.org",
            "phone": "0612345678",
            "relation": "mother",
            "authority": "joint",
            "language": "nl",
        },
        "other_guardians": others
        if others is not None
        else [{"name": "Bram de Boer", "email": "bram@example.org", "language": "en"}],
        "consent_text_version": "2026-1",
    }


def of(emitted: list[Any], kind: type) -> list[Any]:
    return [e for e in emitted if isinstance(e, kind)]


def confirmed_enrolment(
    group: Any, school: Any, consent_text: Any, emitted: list[Any], first: str = "Sam"
) -> Enrolment:
    """An enrolment made and confirmed through the services (both parents consent)."""
    before = len(emitted)
    result = submission_create(
        children=[child(group, school, first=first)],
        enroller=MOTHER.__class__(**{**MOTHER.__dict__, "email": f"m.{first}@example.org"}),
        other_guardians=[
            FATHER.__class__(**{**FATHER.__dict__, "email": f"f.{first}@example.org"})
        ],
        consent_text=consent_text,
    )
    fresh = emitted[before:]
    email_confirm(token=of(fresh, events.EnrolmentReceived)[0].confirm_token, consent_given=True)
    consent_answer(token=of(emitted[before:], events.ConsentRequested)[0].token, given=True)
    enrolment = result.enrolments[0]
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.CONFIRMED
    return enrolment


def counts() -> tuple[int, ...]:
    from enrolment.models import Child, Consent, Guardian

    return (
        Submission.objects.count(),
        Enrolment.objects.count(),
        Child.objects.count(),
        Guardian.objects.count(),
        Consent.objects.count(),
        AccessLink.objects.count(),
        Interest.objects.count(),
    )


# --- finding a group ---------------------------------------------------------------------


def test_a_parent_finds_the_school_by_name_or_place_without_an_account(
    client: Client, host: Any
) -> None:
    factories.SchoolFactory(name="Het Kompas", city="Kampen")
    factories.SchoolFactory(name="De Gesloten School", city="Zwolle", active=False)
    by_name = client.get(f"{API}/public/schools/", {"search": "horizon"}).json()
    assert [s["name"] for s in by_name["results"]] == ["Basisschool De Horizon"]
    assert set(by_name["results"][0]) == {"id", "name", "city"}
    by_place = client.get(f"{API}/public/schools/", {"search": "kampen"}).json()
    assert [s["name"] for s in by_place["results"]] == ["Het Kompas"]
    inactive = client.get(f"{API}/public/schools/", {"search": "gesloten"}).json()
    assert inactive["results"] == []


def test_the_groups_of_a_school_show_dates_sessions_and_seats_left(
    client: Client, group: Any, host: Any, consent_text: Any
) -> None:
    submission_create(
        children=[child(group, host)],
        enroller=MOTHER,
        other_guardians=[FATHER],
        consent_text=consent_text,
    )
    answer = client.get(f"{API}/public/schools/{host.pk}/groups/")
    assert answer.status_code == 200
    (row,) = answer.json()
    assert row["id"] == group.pk
    assert row["programme"]["name"] == "KIES"
    assert row["host_school"]["name"] == "Basisschool De Horizon"
    assert row["first_session_date"] == "2026-11-02"
    assert row["weekday_display"] == "maandag"
    assert row["sessions"] == 8
    assert row["seats_left"] == 7
    assert row["waitlist"] is False


def test_a_full_group_says_waitlist_and_other_schools_groups_are_not_listed(
    client: Client, kies: Any, host: Any, consent_text: Any, school_a: Any
) -> None:
    full = make_published_group(kies, host, capacity=1)
    submission_create(
        children=[child(full, host)],
        enroller=MOTHER,
        other_guardians=[FATHER],
        consent_text=consent_text,
    )
    (row,) = client.get(f"{API}/public/schools/{host.pk}/groups/").json()
    assert row["seats_left"] == 0 and row["waitlist"] is True
    assert client.get(f"{API}/public/schools/{school_a.pk}/groups/").json() == []
    full.admitted_schools.add(school_a)
    assert len(client.get(f"{API}/public/schools/{school_a.pk}/groups/").json()) == 1


def test_draft_and_closed_groups_are_not_offered(client: Client, group: Any, host: Any) -> None:
    group_transition(group=group, to=GroupStatus.DRAFT)
    assert client.get(f"{API}/public/schools/{host.pk}/groups/").json() == []


def test_an_unknown_or_inactive_school_is_a_404(client: Client, host: Any) -> None:
    assert client.get(f"{API}/public/schools/999999/groups/").status_code == 404
    gone = factories.SchoolFactory(active=False)
    assert client.get(f"{API}/public/schools/{gone.pk}/groups/").status_code == 404


def test_the_current_consent_text_is_public(client: Client, consent_text: Any) -> None:
    answer = client.get(f"{API}/public/consent-text/").json()
    assert answer["version"] == "2026-1"
    assert answer["text_nl"] and answer["text_en"]


# --- the whole flow ----------------------------------------------------------------------


def test_the_whole_public_flow_ends_with_a_confirmed_enrolment(
    client: Client, group: Any, host: Any, consent_text: Any, emitted: list[Any]
) -> None:
    school = client.get(f"{API}/public/schools/", {"search": "Horizon"}).json()["results"][0]
    groups = client.get(f"{API}/public/schools/{school['id']}/groups/").json()
    assert [g["id"] for g in groups] == [group.pk]

    created = post(client, "public/enrolments/", form(group, host))
    assert created.status_code == 201, created.content
    body = created.json()
    (enrolment,) = body["enrolments"]
    assert enrolment["status"] == EnrolmentStatus.AWAITING_CONSENT
    assert enrolment["status_display"] == "wacht op toestemming"
    assert enrolment["waitlist_position"] is None
    assert enrolment["hold_expires_at"].startswith("2026-10-08")
    assert enrolment["consent_waiting_for"] == ["Anna de Boer", "Bram de Boer"]
    confirm_token = of(emitted, events.EnrolmentReceived)[0].confirm_token
    assert confirm_token not in created.content.decode()

    confirmed = post(
        client, "public/links/confirm/", {"token": confirm_token, "consent_given": True}
    )
    assert confirmed.status_code == 200, confirmed.content
    assert confirmed.json()["enrolments"][0]["consent_waiting_for"] == ["Bram de Boer"]

    (request,) = of(emitted, events.ConsentRequested)
    assert request.token not in confirmed.content.decode()
    consented = post(client, "public/links/consent/", {"token": request.token, "given": True})
    assert consented.status_code == 200, consented.content
    assert consented.json()["enrolments"][0]["status"] == EnrolmentStatus.CONFIRMED

    status = post(client, "public/links/status/", {"token": confirm_token}).json()
    (line,) = status["enrolments"]
    assert line["public_id"] == enrolment["public_id"]
    assert line["status"] == "confirmed"
    assert line["status_display"] == "bevestigd"
    assert line["consent_complete"] is True
    assert line["consent_waiting_for"] == []


def test_siblings_are_enrolled_in_one_submission(
    client: Client, group: Any, host: Any, consent_text: Any
) -> None:
    body = form(group, host)
    body["children"].append({**body["children"][0], "first_name": "Lotte", "grade": 5})
    answer = post(client, "public/enrolments/", body)
    assert answer.status_code == 201, answer.content
    assert sorted(e["child_first_name"] for e in answer.json()["enrolments"]) == ["Lotte", "Sam"]
    assert Submission.objects.count() == 1
    assert Enrolment.objects.count() == 2


def test_a_child_for_a_full_group_gets_a_waitlist_position_and_later_an_offer(
    client: Client, kies: Any, host: Any, consent_text: Any, emitted: list[Any]
) -> None:
    full = make_published_group(kies, host, capacity=1)
    first = submission_create(
        children=[child(full, host, first="Eerste")],
        enroller=MOTHER,
        other_guardians=[FATHER],
        consent_text=consent_text,
    ).enrolments[0]
    body = form(
        full,
        host,
        first="Tweede",
        enroller={"name": "Carla Smit", "email": "carla@example.org", "authority": "joint"},
        others=[{"name": "Daan Smit", "email": "daan@example.org"}],
    )
    answer = post(client, "public/enrolments/", body)
    assert answer.status_code == 201, answer.content
    (line,) = answer.json()["enrolments"]
    assert line["status"] == "waitlisted"
    assert line["waitlist_position"] == 1
    assert line["hold_expires_at"] is None
    # Carla confirms her address (a seat is offered only to a family that can hear of it);
    # Daan's consent is still to come when she accepts the offer.
    confirm_token = of(emitted, events.EnrolmentReceived)[-1].confirm_token
    confirmed = post(
        client, "public/links/confirm/", {"token": confirm_token, "consent_given": True}
    )
    assert confirmed.status_code == 200, confirmed.content
    assert confirmed.json()["enrolments"][0]["status"] == "waitlisted"

    enrolment_withdraw(enrolment=first)
    (offer,) = of(emitted, events.SeatOffered)
    accepted = post(client, "public/links/offer/", {"token": offer.token, "accept": True})
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["enrolments"][0]["status"] == "awaiting_consent"


def test_a_parent_withdraws_a_child_through_the_link(
    client: Client, group: Any, host: Any, consent_text: Any, emitted: list[Any]
) -> None:
    created = post(client, "public/enrolments/", form(group, host)).json()
    public_id = created["enrolments"][0]["public_id"]
    token = of(emitted, events.EnrolmentReceived)[0].confirm_token
    answer = post(client, "public/links/withdraw/", {"token": token, "enrolment": public_id})
    assert answer.status_code == 200, answer.content
    assert answer.json()["enrolments"][0]["status"] == "withdrawn"
    assert Enrolment.objects.get().status == EnrolmentStatus.WITHDRAWN
    again = post(client, "public/links/withdraw/", {"token": token, "enrolment": public_id})
    assert again.status_code == 400


def test_withdrawing_someone_elses_enrolment_with_your_link_is_refused(
    client: Client, group: Any, host: Any, consent_text: Any, emitted: list[Any]
) -> None:
    post(client, "public/enrolments/", form(group, host))
    mine = of(emitted, events.EnrolmentReceived)[0].confirm_token
    other = submission_create(
        children=[child(group, host, first="Ander")],
        enroller=MOTHER.__class__(**{**MOTHER.__dict__, "email": "x@example.org"}),
        other_guardians=[FATHER.__class__(**{**FATHER.__dict__, "email": "y@example.org"})],
        consent_text=consent_text,
    ).enrolments[0]
    answer = post(
        client, "public/links/withdraw/", {"token": mine, "enrolment": str(other.public_id)}
    )
    assert answer.status_code == 400
    assert "enrolment" in answer.json()
    other.refresh_from_db()
    assert other.status == EnrolmentStatus.AWAITING_CONSENT


def test_a_refusal_by_the_other_parent_ends_the_enrolment(
    client: Client, group: Any, host: Any, consent_text: Any, emitted: list[Any]
) -> None:
    post(client, "public/enrolments/", form(group, host))
    token = of(emitted, events.EnrolmentReceived)[0].confirm_token
    post(client, "public/links/confirm/", {"token": token, "consent_given": True})
    (request,) = of(emitted, events.ConsentRequested)
    answer = post(client, "public/links/consent/", {"token": request.token, "given": False})
    assert answer.status_code == 200
    line = answer.json()["enrolments"][0]
    assert line["status"] == "refused"
    assert line["consent_waiting_for"] == []


# --- links that cannot be used -----------------------------------------------------------


@pytest.mark.parametrize(
    "path,extra",
    [
        ("public/links/confirm/", {"consent_given": True}),
        ("public/links/consent/", {"given": True}),
        ("public/links/offer/", {"accept": True}),
        ("public/links/status/", {}),
        ("public/links/withdraw/", {"enrolment": "8c5f3a52-58a9-4a4c-9f39-0c1d2e3f4a5b"}),
    ],
)
def test_an_unknown_token_is_a_400_with_a_message_on_the_token(
    client: Client, path: str, extra: dict[str, Any], consent_text: Any
) -> None:
    answer = post(client, path, {"token": "nope-" + "x" * 40, **extra})
    assert answer.status_code == 400
    assert answer.json()["token"] == ["Deze link is niet (meer) geldig."]


def test_expired_revoked_and_wrong_purpose_links_say_so(
    client: Client, group: Any, host: Any, consent_text: Any, emitted: list[Any], _today: Any
) -> None:
    post(client, "public/enrolments/", form(group, host))
    token = of(emitted, events.EnrolmentReceived)[0].confirm_token
    wrong = post(client, "public/links/consent/", {"token": token, "given": True})
    assert wrong.status_code == 400
    assert wrong.json()["token"] == ["Deze link is niet bedoeld voor deze pagina."]

    AccessLink.objects.filter(purpose=LinkPurpose.CONFIRM).update(revoked_at=timezone.now())
    revoked = post(client, "public/links/status/", {"token": token})
    assert revoked.json()["token"] == ["Deze link is ingetrokken."]

    AccessLink.objects.update(revoked_at=None)
    _today.shift(dt.timedelta(days=31))
    expired = post(client, "public/links/confirm/", {"token": token, "consent_given": True})
    assert expired.status_code == 400
    assert "verlopen" in expired.json()["token"][0]


def test_the_token_travels_in_the_body_and_is_never_answered(
    client: Client, group: Any, host: Any, consent_text: Any, emitted: list[Any]
) -> None:
    created = post(client, "public/enrolments/", form(group, host))
    token = of(emitted, events.EnrolmentReceived)[0].confirm_token
    status = post(client, "public/links/status/", {"token": token})
    for answer in (created, status):
        assert token not in answer.content.decode()
        assert AccessLink.hash(token) not in answer.content.decode()
    assert client.get(f"{API}/public/links/status/", {"token": token}).status_code == 405


# --- interest ----------------------------------------------------------------------------


def test_a_parent_registers_interest_where_no_group_is_open(
    client: Client, kies: Any, school_a: Any
) -> None:
    answer = post(
        client,
        "public/interest/",
        {"school": school_a.pk, "programme": kies.pk, "email": "ouder@example.org"},
    )
    assert answer.status_code == 201, answer.content
    interest = Interest.objects.get()
    assert (interest.school, interest.programme, interest.email) == (
        school_a,
        kies,
        "ouder@example.org",
    )
    assert client.get(f"{API}/public/programmes/").json()[0]["code"] == "kies-enrol"


def test_interest_for_an_unknown_school_is_a_400_and_nothing_is_stored(
    client: Client, kies: Any
) -> None:
    answer = post(client, "public/interest/", {"school": 999999, "programme": kies.pk})
    assert answer.status_code == 400
    assert "school" in answer.json()
    assert Interest.objects.count() == 0
