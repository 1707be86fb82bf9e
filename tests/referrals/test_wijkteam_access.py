"""The wijkteammedewerker beside her column of the access matrix (wendy in
tests/security/test_access_matrix.py): her own pages, the staff pages refused, nobody else's
slots, and no role once inactive."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from enrolment.services import submission_create
from referrals.services import referral_send, talk_slot_create, wijkteam_worker_update
from tests import factories
from tests.clock import on_day
from tests.enrolment.world import SOLE, child
from tests.referrals.world import client_for, in_days

pytestmark = [pytest.mark.django_db, on_day("2026-10-01")]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("start-wijkteam", 200),
        ("talk-slot-list", 200),
        ("referral-list", 200),
        ("referral-create", 200),
        ("referral-workers", 403),
        ("referral-worker-create", 403),
        ("start-coordinator", 403),
        ("start-manager", 403),
        ("planning-home", 403),
        # The staff pages that would show her nothing refuse her, as a user without a role.
        ("planning-group-list", 403),
        ("planning-calendar", 403),
        ("staff-overview", 403),
        ("manage-home", 403),
        ("manage-school-year-list", 403),
        ("calendar-feeds:subscriptions", 403),
    ],
)
def test_a_wijkteammedewerker_opens_her_own_pages_only(
    wendy: Any, name: str, expected: int
) -> None:
    assert client_for(wendy.user).get(reverse(name)).status_code == expected


def test_the_enrolment_pages_show_her_no_child_even_of_the_children_she_referred(
    wendy: Any, host: Any, kies: Any, group: Any, consent_text: Any
) -> None:
    referral_send(referrer=wendy.user, programme=kies, school=host, email=SOLE.email)
    submission_create(
        children=[child(group, host, first="Sietske")], enroller=SOLE, consent_text=consent_text
    )
    client = client_for(wendy.user)
    assert client.get(reverse("staff-overview")).status_code == 403
    for url in (
        reverse("api-referral-list"),
        reverse("referral-list"),
        reverse("start-wijkteam"),
        "/api/v1/enrolments/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Sietske" not in response.content.decode(), url
    assert client.get(reverse("staff-roster", args=[group.pk])).status_code in (403, 404)


def test_start_sends_her_to_the_wijkteam_start_page(wendy: Any) -> None:
    response = client_for(wendy.user).get(reverse("start"))
    assert response["Location"] == reverse("start-wijkteam")


def test_another_workers_slot_is_absent(wendy: Any) -> None:
    other = factories.WijkteamWorkerFactory()
    slot = talk_slot_create(worker=other, starts_at=in_days(3))
    client = client_for(wendy.user)
    assert client.post(reverse("talk-slot-cancel", args=[slot.pk])).status_code == 404
    assert client.get(reverse("api-talk-slot-detail", args=[slot.pk])).status_code == 404


def test_an_inactive_worker_loses_the_role_in_her_open_session(wendy: Any) -> None:
    client = client_for(wendy.user)
    assert client.get(reverse("talk-slot-list")).status_code == 200
    wijkteam_worker_update(worker=wendy, active=False)
    assert client.get(reverse("talk-slot-list")).status_code == 403
    assert client.get(reverse("referral-list")).status_code == 403


def test_she_refers_only_to_the_schools_she_serves(wendy: Any, kies: Any) -> None:
    other = factories.SchoolFactory()
    response = client_for(wendy.user).post(
        reverse("referral-create"),
        {"programme": kies.pk, "school": other.pk, "email": "a@example.org", "language": "nl"},
    )
    assert response.status_code == 200
    assert "U kunt alleen verwijzen naar een school waarvoor u werkt." in response.content.decode()


def test_her_menu_holds_her_work_and_not_the_enrolments(wendy: Any) -> None:
    page = client_for(wendy.user).get(reverse("talk-slot-list")).content.decode()
    menu = page.split('class="utrecht-nav-list gp-nav__list"', 1)[1].split("</ul>", 1)[0]
    assert f'href="{reverse("talk-slot-list")}"' in menu
    assert f'href="{reverse("referral-list")}"' in menu
    assert f'href="{reverse("staff-overview")}"' not in menu


def test_a_coordinator_finds_his_referrals_in_the_menu(hank: Any) -> None:
    page = client_for(hank).get(reverse("start-coordinator")).content.decode()
    assert f'href="{reverse("referral-list")}"' in page


def test_the_manager_finds_the_wijkteam_workers_on_the_management_page(as_alice: Any) -> None:
    page = as_alice.get(reverse("manage-home")).content.decode()
    assert f'href="{reverse("referral-workers")}"' in page
