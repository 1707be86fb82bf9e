"""The referrals API: the same services as the pages, scoped (404 outside), and a
referrer's view holds the status only, never an enrolment's or a child's data."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from enrolment.services import email_confirm, submission_create
from referrals.models import Referral, WijkteamWorker
from referrals.services import referral_send, talk_book, talk_slot_create
from tests import factories
from tests.clock import on_day
from tests.enrolment.world import SOLE, child
from tests.referrals.world import client_for, in_days

pytestmark = [pytest.mark.django_db, on_day("2026-10-01")]


def _post(client: Any, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def test_a_coordinator_sends_a_referral_through_the_api(hank: Any, host: Any, kies: Any) -> None:
    response = _post(
        client_for(hank),
        reverse("api-referral-list"),
        {"programme": kies.pk, "school": host.pk, "email": "a@example.org"},
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "sent"


def test_a_school_the_referrer_does_not_serve_is_refused_with_the_pages_words(
    hank: Any, kies: Any
) -> None:
    other = factories.SchoolFactory()
    response = _post(
        client_for(hank),
        reverse("api-referral-list"),
        {"programme": kies.pk, "school": other.pk, "email": "a@example.org"},
    )
    assert response.status_code == 400
    assert "U kunt alleen verwijzen naar een school waarvoor u werkt." in response.content.decode()
    assert not Referral.objects.exists()


def test_the_referrer_sees_only_the_status_never_the_childs_data(
    hank: Any, host: Any, kies: Any, group: Any, consent_text: Any, emitted: list[Any]
) -> None:
    referral_send(referrer=hank, programme=kies, school=host, email=SOLE.email)
    submission_create(
        children=[child(group, host, first="Sietske")], enroller=SOLE, consent_text=consent_text
    )
    received = next(e for e in emitted if type(e).__name__ == "EnrolmentReceived")
    email_confirm(token=received.confirm_token, consent_given=True)
    client = client_for(hank)
    api = client.get(reverse("api-referral-list")).json()["results"]
    assert [row["status"] for row in api] == ["enrolled"]
    page = client.get(reverse("referral-list")).content.decode()
    start = client.get(reverse("start-coordinator")).status_code
    for text in (json.dumps(api), page):
        assert "Sietske" not in text and "de Boer" not in text and "2017" not in text
        assert SOLE.name not in text
    assert start == 200


def test_another_referrers_referral_is_absent(hank: Any, host: Any, kies: Any) -> None:
    referral = referral_send(referrer=hank, programme=kies, school=host, email="a@example.org")
    other = factories.UserFactory()
    host.coordinators.add(other)
    client = client_for(other)
    assert client.get(reverse("api-referral-detail", args=[referral.public_id])).status_code == 404
    assert _post(client, reverse("api-referral-revoke", args=[referral.public_id])).status_code == (
        404
    )
    assert client.post(reverse("referral-revoke", args=[referral.public_id])).status_code == 404


def test_the_manager_makes_a_wijkteammedewerker_with_schools(
    as_alice: Any, host: Any, eve: Any
) -> None:
    response = _post(
        as_alice, reverse("api-wijkteam-worker-list"), {"user": eve.pk, "schools": [host.pk]}
    )
    assert response.status_code == 201, response.content
    worker = WijkteamWorker.objects.get(user=eve)
    assert list(worker.schools.all()) == [host]
    again = _post(as_alice, reverse("api-wijkteam-worker-list"), {"user": eve.pk})
    assert again.status_code == 400


def test_a_worker_publishes_slots_and_sees_her_bookings(wendy: Any) -> None:
    client = client_for(wendy.user)
    response = _post(
        client,
        reverse("api-talk-slot-list"),
        {"starts_at": in_days(3).isoformat(), "place": "video", "minutes": 30},
    )
    assert response.status_code == 201, response.content
    talk_book(slot_id=response.json()["id"], email="ouder@example.org")
    bookings = client.get(reverse("api-talk-booking-list")).json()["results"]
    assert [b["email"] for b in bookings] == ["ouder@example.org"]
    other = factories.WijkteamWorkerFactory()
    assert client_for(other.user).get(reverse("api-talk-booking-list")).json()["results"] == []


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_list_pages_and_endpoints_do_not_grow_with_rows(wendy: Any, host: Any, kies: Any) -> None:
    client = client_for(wendy.user)
    urls = [
        reverse("referral-list"),
        reverse("api-referral-list"),
        reverse("talk-slot-list"),
        reverse("api-talk-slot-list"),
        reverse("api-talk-booking-list"),
        reverse("start-wijkteam"),
        reverse("talk-slots"),
    ]

    def add(n: int, start: int) -> None:
        for i in range(n):
            referral_send(
                referrer=wendy.user, programme=kies, school=host, email=f"o{start + i}@example.org"
            )
            slot = talk_slot_create(worker=wendy, starts_at=in_days(2, hour=6 + start + i))
            if i % 2:
                talk_book(slot_id=slot.pk, email=f"b{start + i}@example.org")

    add(2, 0)
    few = [_queries(client, url) for url in urls]
    add(8, 2)
    many = [_queries(client, url) for url in urls]
    assert few == many


def test_the_managers_worker_list_does_not_grow_with_rows(as_alice: Any, host: Any) -> None:
    def add(n: int) -> None:
        for _ in range(n):
            factories.WijkteamWorkerFactory().schools.add(host)

    add(2)
    few = [_queries(as_alice, reverse(n)) for n in ("referral-workers", "api-wijkteam-worker-list")]
    add(8)
    many = [
        _queries(as_alice, reverse(n)) for n in ("referral-workers", "api-wijkteam-worker-list")
    ]
    assert few == many
