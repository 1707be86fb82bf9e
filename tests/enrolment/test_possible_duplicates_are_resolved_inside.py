"""A child enrolled twice is resolved inside, never at the public door (issue 15, item 1).

The public answer is the same whether or not the child is known (see
test_enrolment_form_does_not_reveal_an_enrolled_child). Inside: once the second submitter
has confirmed their address, the first family hears in neutral words that a second
enrolment came in; the staff API shows the flag; a coordinator of both pupils' schools (or
the manager) merges the second into the first, on the page and in the API alike.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from enrolment import events
from enrolment.audit import AuditAction
from enrolment.models import (
    AuditEntry,
    Authority,
    Consent,
    Enrolment,
    EnrolmentStatus,
    Guardian,
)
from enrolment.services import (
    GuardianInput,
    email_confirm,
    enrolment_withdraw,
    submission_create,
)
from notifications.models import OutboxMessage
from tests.enrolment.staff_support import enrol
from tests.enrolment.test_api_public_enrolment_flow import API
from tests.enrolment.world import child, make_published_group

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttle_counters() -> None:
    cache.clear()


@pytest.fixture
def shared_group(kies: Any, host: Any, school_a: Any, school_b: Any) -> Any:
    """Two seats, open to pupils of school A (Bob's) and school B (Carol's)."""
    return make_published_group(kies, host, capacity=2, admitted_schools=[school_a, school_b])


def _enrol_by(
    group: Any, school: Any, consent_text: Any, emitted: list[Any], *, by: str, confirm: bool = True
) -> Enrolment:
    """Hugo de Boer (the same name and date of birth every time), enrolled by `by` with sole
    authority; with `confirm` they follow the e-mail link and consent."""
    result = submission_create(
        children=[child(group, school, first="Hugo")],
        enroller=GuardianInput(
            name=f"{by} de Boer", email=f"{by.lower()}@example.org", authority=Authority.SOLE
        ),
        consent_text=consent_text,
    )
    if confirm:
        token = next(
            e.confirm_token
            for e in emitted
            if isinstance(e, events.EnrolmentReceived) and e.submission_id == result.submission.pk
        )
        email_confirm(token=token, consent_given=True)
    enrolment = result.enrolments[0]
    enrolment.refresh_from_db()
    return enrolment


def _token(emitted: list[Any], submission_id: int) -> str:
    return next(
        e.confirm_token
        for e in emitted
        if isinstance(e, events.EnrolmentReceived) and e.submission_id == submission_id
    )


def notices() -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(kind="duplicate_notice").order_by("pk"))


# --- the first family hears of it, in neutral words, only after a confirmation ----------


def test_the_first_family_hears_of_a_second_enrolment_only_once_its_submitter_confirmed(
    shared_group: Any, school_a: Any, consent_text: Any, emitted: list[Any]
) -> None:
    _enrol_by(shared_group, school_a, consent_text, emitted, by="Eva")
    second = _enrol_by(shared_group, school_a, consent_text, emitted, by="Mallory", confirm=False)
    assert second.possible_duplicate
    assert notices() == []  # an unconfirmed post makes no mail to anyone but its sender

    token = _token(emitted, second.submission_id)
    email_confirm(token=token, consent_given=True)
    email_confirm(token=token, consent_given=True)  # the same answer again

    [notice] = notices()
    assert notice.to_email == "eva@example.org"
    assert "Hugo" in notice.body_text
    assert "nog een aanmelding" in notice.body_text
    for stranger in ("Mallory", "mallory@example.org"):
        assert stranger not in notice.body_text + notice.body_html + notice.subject


def test_no_notice_goes_out_when_the_second_submitter_never_confirms(
    shared_group: Any, school_a: Any, consent_text: Any, emitted: list[Any]
) -> None:
    _enrol_by(shared_group, school_a, consent_text, emitted, by="Eva")
    _enrol_by(shared_group, school_a, consent_text, emitted, by="Mallory", confirm=False)
    assert notices() == []
    assert (
        not OutboxMessage.objects.filter(to_email="eva@example.org")
        .exclude(kind__in=["enrolment_received", "invitation"])
        .exists()
    )


# --- the staff API shows the flag ----------------------------------------------------------


def test_the_staff_api_shows_which_enrolment_is_a_possible_duplicate(
    as_alice: Client, shared_group: Any, school_a: Any, consent_text: Any, emitted: list[Any]
) -> None:
    first = _enrol_by(shared_group, school_a, consent_text, emitted, by="Eva")
    second = _enrol_by(shared_group, school_a, consent_text, emitted, by="Bram")
    listed = {
        row["public_id"]: row["possible_duplicate"]
        for row in as_alice.get(f"{API}/enrolments/").json()["results"]
    }
    assert listed == {str(first.public_id): False, str(second.public_id): True}
    detail = as_alice.get(f"{API}/enrolments/{second.public_id}/").json()
    assert detail["possible_duplicate"] is True


# --- merging ----------------------------------------------------------------------------


def test_the_coordinator_sees_both_enrolments_side_by_side_before_merging(
    as_bob: Client, shared_group: Any, school_a: Any, consent_text: Any, emitted: list[Any]
) -> None:
    _enrol_by(shared_group, school_a, consent_text, emitted, by="Eva")
    second = _enrol_by(shared_group, school_a, consent_text, emitted, by="Bram")
    roster = as_bob.get(reverse("staff-overview")).content.decode()
    url = reverse("staff-duplicate", args=[second.public_id])
    assert f'href="{url}"' in roster

    page = as_bob.get(url).content.decode()
    assert "Eerste aanmelding" in page and "Tweede aanmelding" in page
    assert "eva@example.org" in page and "bram@example.org" in page
    assert AuditEntry.objects.filter(
        action=AuditAction.ENROLMENT_VIEWED, target=f"enrolment {second.pk}"
    ).exists()


def test_merging_on_the_page_adds_the_second_parent_to_the_first_enrolment_and_frees_the_seat(
    as_bob: Client, shared_group: Any, school_a: Any, consent_text: Any, emitted: list[Any]
) -> None:
    first = _enrol_by(shared_group, school_a, consent_text, emitted, by="Eva")
    second = _enrol_by(shared_group, school_a, consent_text, emitted, by="Bram")
    waiting = enrol(shared_group, school_a, consent_text, emitted, first="Noor")
    assert (first.status, second.status, waiting.status) == (
        EnrolmentStatus.CONFIRMED,
        EnrolmentStatus.CONFIRMED,
        EnrolmentStatus.WAITLISTED,
    )

    answer = as_bob.post(reverse("staff-duplicate", args=[second.public_id]), follow=True)

    assert answer.redirect_chain[-1][0] == reverse("staff-roster", args=[shared_group.pk])
    assert "zijn samengevoegd" in answer.content.decode()
    second.refresh_from_db()
    waiting.refresh_from_db()
    assert second.status == EnrolmentStatus.MERGED and second.ended_at is not None
    assert waiting.status == EnrolmentStatus.OFFERED  # the freed seat goes to the waitlist
    parents = list(
        Guardian.objects.filter(submission_id=first.submission_id)
        .order_by("pk")
        .values_list("email", "is_enroller")
    )
    assert parents == [("eva@example.org", True), ("bram@example.org", False)]
    bram = Guardian.objects.get(submission_id=first.submission_id, email="bram@example.org")
    assert Consent.objects.get(enrolment=first, guardian=bram).given is True
    assert AuditEntry.objects.filter(
        action=AuditAction.DUPLICATE_MERGED,
        target=f"enrolment {second.pk} into enrolment {first.pk}",
        actor_label="bob",
    ).exists()
    # Bram hears of it, with the group's calendar: Hugo is enrolled already.
    merged = OutboxMessage.objects.get(kind="duplicate_merged")
    assert merged.to_email == "bram@example.org"
    assert "samengevoegd" in merged.body_text and merged.ics_method == "REQUEST"


def test_merging_through_the_api_gives_the_remaining_enrolment(
    as_alice: Client, shared_group: Any, school_a: Any, consent_text: Any, emitted: list[Any]
) -> None:
    first = _enrol_by(shared_group, school_a, consent_text, emitted, by="Eva")
    second = _enrol_by(shared_group, school_a, consent_text, emitted, by="Bram")
    answer = as_alice.post(f"{API}/enrolments/{second.public_id}/merge/")
    assert answer.status_code == 200
    body = answer.json()
    assert body["public_id"] == str(first.public_id)
    assert [g["email"] for g in body["guardians"]] == ["eva@example.org", "bram@example.org"]
    # Done once: the same call again is refused and changes nothing.
    again = as_alice.post(f"{API}/enrolments/{second.public_id}/merge/")
    assert again.status_code == 400
    assert "geen lopende mogelijk dubbele aanmelding" in json.dumps(again.json())
    assert Guardian.objects.filter(submission_id=first.submission_id).count() == 2


def test_merging_waits_until_the_second_submitter_confirmed_their_address(
    as_alice: Client, shared_group: Any, school_a: Any, consent_text: Any, emitted: list[Any]
) -> None:
    first = _enrol_by(shared_group, school_a, consent_text, emitted, by="Eva")
    second = _enrol_by(shared_group, school_a, consent_text, emitted, by="Mallory", confirm=False)

    api = as_alice.post(f"{API}/enrolments/{second.public_id}/merge/")
    page = as_alice.post(reverse("staff-duplicate", args=[second.public_id]), follow=True)

    message = "heeft het e-mailadres nog niet bevestigd"
    assert api.status_code == 400 and message in json.dumps(api.json())
    assert message in page.content.decode()
    second.refresh_from_db()
    assert second.status == EnrolmentStatus.AWAITING_CONSENT and second.possible_duplicate
    assert Guardian.objects.filter(submission_id=first.submission_id).count() == 1


def test_a_coordinator_of_only_one_of_the_two_schools_may_not_merge(
    as_bob: Client,
    as_alice: Client,
    shared_group: Any,
    school_a: Any,
    school_b: Any,
    consent_text: Any,
    emitted: list[Any],
) -> None:
    # Hugo's first enrolment names school B (Carol's); the second names school A (Bob's).
    _enrol_by(shared_group, school_b, consent_text, emitted, by="Eva")
    second = _enrol_by(shared_group, school_a, consent_text, emitted, by="Bram")
    url = reverse("staff-duplicate", args=[second.public_id])

    assert as_bob.get(url).status_code == 403
    assert as_bob.post(url).status_code == 403
    assert as_bob.post(f"{API}/enrolments/{second.public_id}/merge/").status_code == 403
    second.refresh_from_db()
    assert second.status == EnrolmentStatus.CONFIRMED

    assert as_alice.post(f"{API}/enrolments/{second.public_id}/merge/").status_code == 200


def test_when_the_first_enrolment_has_ended_the_second_simply_stops_being_a_duplicate(
    as_bob: Client, shared_group: Any, school_a: Any, consent_text: Any, emitted: list[Any]
) -> None:
    first = _enrol_by(shared_group, school_a, consent_text, emitted, by="Eva")
    second = _enrol_by(shared_group, school_a, consent_text, emitted, by="Bram")
    enrolment_withdraw(enrolment=first)

    page = as_bob.get(reverse("staff-duplicate", args=[second.public_id])).content.decode()
    assert "loopt niet meer" in page
    answer = as_bob.post(reverse("staff-duplicate", args=[second.public_id]), follow=True)

    assert "deze aanmelding telt nu" in answer.content.decode()
    second.refresh_from_db()
    assert (second.status, second.possible_duplicate) == (EnrolmentStatus.CONFIRMED, False)
