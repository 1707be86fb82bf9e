"""Door parity for referrals and talk slots (as tests/test_door_parity.py does for the
enrolment): a refusal through the page and through the API gives the same words, because
only the service decides, and neither door stores anything."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.urls import reverse

from referrals.models import Referral, TalkSlot
from tests import factories
from tests.clock import on_day
from tests.referrals.world import client_for, in_days

pytestmark = [pytest.mark.django_db, on_day("2026-10-01")]


def _page_errors(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _api_errors(response: Any) -> str:
    assert response.status_code == 400, response.content
    return json.dumps(response.json(), ensure_ascii=False)


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"school": "other"}, "U kunt alleen verwijzen naar een school waarvoor u werkt."),
        ({"note": "x" * 501}, "De notitie is te lang (hoogstens 500 tekens)."),
        ({"programme": "class"}, "Voor dit programma melden ouders zich niet zelf aan."),
    ],
)
def test_a_refused_referral_reads_the_same_on_the_page_and_in_the_api(
    hank: Any, host: Any, kies: Any, change: dict[str, str], words: str
) -> None:
    other = factories.SchoolFactory()
    class_programme = factories.ProgrammeFactory(enrolment_mode="class", audience="po")
    body: dict[str, Any] = {
        "programme": kies.pk,
        "school": host.pk,
        "email": "a@example.org",
        "language": "nl",
        "note": "",
    }
    body.update(change)
    body["school"] = other.pk if body["school"] == "other" else body["school"]
    body["programme"] = class_programme.pk if body["programme"] == "class" else body["programme"]
    client = client_for(hank)
    page = _page_errors(client.post(reverse("referral-create"), body))
    api = _api_errors(
        client.post(reverse("api-referral-list"), json.dumps(body), content_type="application/json")
    )
    assert words in page and words in api
    assert not Referral.objects.exists()


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"minutes": 5}, "Een gesprek duurt tussen 10 en 240 minuten."),
        ({"starts_at": -1}, "Kies een tijd in de toekomst."),
        ({"place": "school"}, "Kies de school waar het gesprek is."),
    ],
)
def test_a_refused_slot_reads_the_same_on_the_page_and_in_the_api(
    wendy: Any, change: dict[str, Any], words: str
) -> None:
    moment = in_days(change.pop("starts_at", 3))
    body = {"minutes": 45, "place": "office", "book_days_ahead": 14, **change}
    client = client_for(wendy.user)
    page = _page_errors(
        client.post(
            reverse("talk-slot-list"),
            {**body, "starts_at": moment.astimezone().strftime("%Y-%m-%dT%H:%M"), "school": ""},
        )
    )
    api = _api_errors(
        client.post(
            reverse("api-talk-slot-list"),
            json.dumps({**body, "starts_at": moment.isoformat()}),
            content_type="application/json",
        )
    )
    assert words in page and words in api
    assert not TalkSlot.objects.exists()


def test_a_taken_slot_is_refused_with_the_same_words_on_the_page_and_in_the_api(
    client: Any, wendy: Any
) -> None:
    slot = TalkSlot.objects.create(worker=wendy, starts_at=in_days(3), place="office")
    booked = client.post(
        reverse("api-public-talk-book", args=[slot.uid]),
        json.dumps({"email": "een@example.org"}),
        content_type="application/json",
    )
    assert booked.status_code == 201, booked.content
    words = "Deze tijd is net door iemand anders geboekt. Kies een andere tijd."
    page = client.post(
        reverse("talk-slots"),
        {"slot": str(slot.uid), "email": "twee@example.org", "language": "nl"},
    )
    assert page.status_code == 400 and words in page.content.decode()
    api = _api_errors(
        client.post(
            reverse("api-public-talk-book", args=[slot.uid]),
            json.dumps({"email": "twee@example.org"}),
            content_type="application/json",
        )
    )
    assert words in api
    assert slot.bookings.count() == 1
    listed = client.get(reverse("api-public-talk-slots")).json()
    assert str(slot.uid) not in json.dumps(listed)
