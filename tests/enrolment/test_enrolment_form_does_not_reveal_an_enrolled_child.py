"""The enrolment form never tells a stranger whether a named child is enrolled (issue 15).

An enrolment in KIES reveals that a child's parents separate. So every public answer to a
submission for a child another family enrolled (Hugo) is the same, field by field, as
the answer for a child nobody enrolled: on the API and on the page, for a valid
submission and for ones refused for other reasons (checks in any order), the seats left
afterwards and the submitter's confirmation of their address. The duplicate is stored
like any other enrolment and flagged for the coordinator.

Each case runs twice in one database, in a savepoint rolled back afterwards: once in the
world where another family enrolled Hugo, once where they enrolled another child (so
seats and rows are the same in both worlds). The clock stands still (tests/enrolment's
conftest), so times agree too.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import reverse

from enrolment import events
from enrolment.models import Authority, ConsentText, Enrolment
from enrolment.services import GuardianInput, submission_create
from programmes.models import Programme
from tests import factories
from tests.enrolment.test_api_public_enrolment_flow import form, post
from tests.enrolment.test_public_enrolment_form import form_data, form_url
from tests.enrolment.world import child, make_published_group

pytestmark = pytest.mark.django_db

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# Tokens that differ on every request whoever the child is.
PER_REQUEST = [
    (re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"'), 'name="csrfmiddlewaretoken"'),
    (re.compile(r'name="idempotency_key" value="[^"]+"'), 'name="idempotency_key"'),
    (re.compile(r'nonce="[^"]+"'), 'nonce=""'),
    (re.compile(r"'nonce-[^']+'"), "'nonce-'"),
]
HEADERS_COMPARED = ("Content-Type", "Location", "Retry-After", "Vary", "Cache-Control")


def scrub(text: str) -> str:
    text = UUID.sub("<uuid>", text)
    for pattern, replacement in PER_REQUEST:
        text = pattern.sub(replacement, text)
    return text


def fields(response: Any) -> dict[str, Any]:
    """What a client sees of an answer, with only the per-request tokens blanked."""
    return {
        "status": response.status_code,
        **{f"header {name}": scrub(response.get(name, "")) for name in HEADERS_COMPARED},
        "cookies": sorted(response.cookies),
        "body": scrub(response.content.decode()),
    }


def in_both_worlds(group: Any, host: Any, probe: Callable[[], dict[str, Any]]) -> tuple[Any, Any]:
    """`probe`'s answers where another family enrolled Hugo, and where they enrolled Noor."""
    answers = []
    for enrolled in ("Hugo", "Noor"):
        cache.clear()  # throttle counters and the public catalogue start alike
        with transaction.atomic():
            submission_create(
                children=[child(group, host, first=enrolled)],
                enroller=GuardianInput(
                    name="Eva de Boer", email="eva@example.org", authority=Authority.SOLE
                ),
                consent_text=ConsentText.objects.get(version="2026-1"),
            )
            answers.append(probe())
            transaction.set_rollback(True)
    return answers[0], answers[1]


def assert_alike(known: dict[str, Any], unknown: dict[str, Any]) -> None:
    assert known.keys() == unknown.keys()
    for name in known:
        assert known[name] == unknown[name], name


@pytest.fixture
def elsewhere(db: None) -> Any:
    """A school the group does not admit."""
    return factories.SchoolFactory(name="Het Startpunt", brin="44DD")


def hugo(group: Any, school: Any, **change: Any) -> dict[str, Any]:
    body = form(group, school, first="Hugo")
    body["enroller"]["email"] = "mallory@example.org"
    body["children"][0].update(change)
    return body


def too_old(group: Any) -> None:
    """Hugo (9 on the first session day) is too old for the programme now."""
    Programme.objects.filter(pk=group.programme_id).update(age_max=8)


def no_other_guardian(body: dict[str, Any]) -> dict[str, Any]:
    return {**body, "other_guardians": []}


# Refused for reasons of the sender's own input, alone and together (so whatever order the
# checks run in), and one valid submission.
API_CASES: dict[str, Callable[[Any, Any, Any], dict[str, Any]]] = {
    "valid": lambda group, host, elsewhere: hugo(group, host),
    "school not admitted": lambda group, host, elsewhere: hugo(group, elsewhere),
    "too old": lambda group, host, elsewhere: too_old(group) or hugo(group, host),
    "other guardian missing": lambda group, host, elsewhere: no_other_guardian(hugo(group, host)),
    "all three": lambda group, host, elsewhere: (
        too_old(group) or no_other_guardian(hugo(group, elsewhere))
    ),
}


@pytest.mark.parametrize("case", API_CASES)
def test_the_api_answers_alike_whether_or_not_the_child_is_enrolled(
    group: Any, host: Any, elsewhere: Any, consent_text: Any, case: str
) -> None:
    body = API_CASES[case](group, host, elsewhere)

    def probe() -> dict[str, Any]:
        answer = post(Client(), "public/enrolments/", body)
        seats = Client().get(f"/api/v1/public/schools/{host.pk}/groups/")
        return {
            **{f"answer {k}": v for k, v in fields(answer).items()},
            **{f"seats {k}": v for k, v in fields(seats).items()},
        }

    known, unknown = in_both_worlds(group, host, probe)
    assert_alike(known, unknown)
    assert known["answer status"] == (201 if case == "valid" else 400)
    assert "aangemeld voor" not in known["answer body"]


def test_probes_in_a_row_answer_alike(group: Any, host: Any, consent_text: Any) -> None:
    def probe() -> dict[str, Any]:
        client = Client()
        answers = [post(client, "public/enrolments/", hugo(group, host)) for _ in range(3)]
        return {f"{i} {k}": v for i, a in enumerate(answers) for k, v in fields(a).items()}

    assert_alike(*in_both_worlds(group, host, probe))


def test_the_submitters_confirmation_answers_alike(
    group: Any, host: Any, consent_text: Any, emitted: list[Any]
) -> None:
    def probe() -> dict[str, Any]:
        client = Client()
        post(client, "public/enrolments/", hugo(group, host))
        token = [e for e in emitted if isinstance(e, events.EnrolmentReceived)][-1].confirm_token
        confirmed = post(client, "public/links/confirm/", {"token": token, "consent_given": True})
        status = post(client, "public/links/status/", {"token": token})
        return {
            **{f"confirm {k}": v for k, v in fields(confirmed).items()},
            **{f"status {k}": v for k, v in fields(status).items()},
        }

    known, unknown = in_both_worlds(group, host, probe)
    assert_alike(known, unknown)
    assert known["confirm status"] == 200


NO_OTHER = {"other_name": "", "other_email": ""}
PAGE_CASES: dict[str, Callable[[Any, Any, Any], dict[str, str]]] = {
    "valid": lambda group, host, elsewhere: form_data(group, host),
    "school not admitted": lambda group, host, elsewhere: form_data(
        group, host, **{"child-0-school": str(elsewhere.pk)}
    ),
    "too old": lambda group, host, elsewhere: too_old(group) or form_data(group, host),
    "other guardian missing": lambda group, host, elsewhere: form_data(group, host, **NO_OTHER),
    "all three": lambda group, host, elsewhere: (
        too_old(group)
        or form_data(group, host, **{"child-0-school": str(elsewhere.pk)}, **NO_OTHER)
    ),
}


@pytest.mark.parametrize("case", PAGE_CASES)
def test_the_page_answers_alike_whether_or_not_the_child_is_enrolled(
    group: Any, host: Any, elsewhere: Any, consent_text: Any, case: str
) -> None:
    data = {
        **PAGE_CASES[case](group, host, elsewhere),
        "child-0-first_name": "Hugo",
        "email": "mallory@example.org",
    }

    def probe() -> dict[str, Any]:
        client = Client()
        client.get(form_url(group, host))
        answer = client.post(form_url(group, host), data)
        seen = {f"answer {k}": v for k, v in fields(answer).items()}
        if answer.status_code == 302:
            received = client.get(answer["Location"])
            seen.update({f"received {k}": v for k, v in fields(received).items()})
        groups = client.get(f"/aanmelden/school/{host.pk}/")
        seen.update({f"seats {k}": v for k, v in fields(groups).items()})
        return seen

    known, unknown = in_both_worlds(group, host, probe)
    assert_alike(known, unknown)
    assert known["answer status"] == (302 if case == "valid" else 200)
    assert "aangemeld voor" not in known["answer body"]


def test_the_duplicate_is_stored_and_flagged_for_the_coordinator(
    client: Client, group: Any, host: Any, consent_text: Any
) -> None:
    submission_create(
        children=[child(group, host, first="Hugo")],
        enroller=GuardianInput(name="Eva", email="eva@example.org", authority=Authority.SOLE),
        consent_text=consent_text,
    )
    assert post(client, "public/enrolments/", hugo(group, host)).status_code == 201
    first, second = Enrolment.objects.order_by("pk")
    assert (first.possible_duplicate, second.possible_duplicate) == (False, True)
    assert first.status == second.status


def test_the_coordinator_sees_the_possible_duplicate_on_the_overview_and_roster(
    kies: Any, host: Any, school_a: Any, consent_text: Any, as_bob: Client, as_alice: Client
) -> None:
    group = make_published_group(kies, host, admitted_schools=[school_a])
    for email in ("eva@example.org", "mallory@example.org"):
        submission_create(
            children=[child(group, school_a, first="Hugo")],
            enroller=GuardianInput(name="Eva", email=email, authority=Authority.SOLE),
            consent_text=consent_text,
        )
    overview = as_bob.get(reverse("staff-overview")).content.decode()
    assert overview.count("mogelijk dubbele aanmelding") == 1
    roster = as_alice.get(reverse("staff-roster", args=[group.pk])).content.decode()
    assert roster.count("mogelijk dubbele aanmelding") == 1
