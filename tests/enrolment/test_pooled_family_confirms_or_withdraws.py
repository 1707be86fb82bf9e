"""A group below its minimum is pooled with another; its families get the new place and
times and must confirm or withdraw, each guardian with authority on a link of their own.
Confirming is once; withdrawing frees the seat; after the new group's first session it is
too late to confirm. Who has not answered gets one reminder a few days later, keeps the
seat, and shows on the coordinator's and the manager's start pages."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from enrolment.models import Enrolment, EnrolmentStatus, Guardian
from enrolment.selectors import seats_taken
from enrolment.services import _make_link, pool_confirm
from notifications.models import OutboxMessage
from notifications.reminders import pool_reminders_send
from scheduler.services import group_pool
from tests import factories
from tests.clock import on_day
from tests.enrolment.staff_support import query_count
from tests.enrolment.world import make_published_group

pytestmark = [pytest.mark.django_db, on_day("2026-10-01")]

DECISION_DAY = dt.datetime(2026, 10, 19, 9, 0, tzinfo=dt.UTC)
# The new group's first session: Monday 2 November 2026, 13:00 in Amsterdam.
AFTER_FIRST_SESSION = dt.datetime(2026, 11, 2, 14, 0, tzinfo=dt.UTC)
LINK = re.compile(r"/aanmelden/link/([^/\s]+)/")


@pytest.fixture(autouse=True)
def _no_throttle_memory() -> None:
    cache.clear()


@pytest.fixture
def kies() -> Any:
    return factories.ProgrammeFactory(
        code="kies-pool-answer",
        group_size_min=6,
        group_size_max=10,
        decision_days=14,
        parent_meetings_before=0,
        parent_meetings_after=0,
        trainers_per_group=1,
    )


def _school(name: str, postcode: str) -> Any:
    return factories.SchoolFactory(name=name, municipality="Zwolle", postcode=postcode)


def _family(group: Any, first_name: str, *, school: Any, other_parent: bool = False) -> Any:
    child = factories.ChildFactory(first_name=first_name, school=school)
    enrolment = factories.EnrolmentFactory(group=group, child=child)
    factories.GuardianFactory(
        submission=enrolment.submission, is_enroller=True, email_confirmed_at=timezone.now()
    )
    if other_parent:
        factories.GuardianFactory(submission=enrolment.submission, is_enroller=False)
    return enrolment


@pytest.fixture
def pooled(kies: Any) -> dict[str, Any]:
    """Three children of a small group at De Esch (Noor's two parents both have authority),
    pooled on the decision day into the group at De Vlier, which has four of its own."""
    esch, vlier = _school("De Esch", "8011 AA"), _school("De Vlier", "8012 BB")
    small = make_published_group(kies, esch, capacity=10)
    other = make_published_group(kies, vlier, capacity=10, round_label=small.round_label)
    noor = _family(small, "Noor", school=esch, other_parent=True)
    sem = _family(small, "Sem", school=esch)
    lot = _family(small, "Lot", school=esch)
    for index in range(4):
        _family(other, f"Vlier{factories.letters(index)}", school=vlier)
    with time_machine.travel(DECISION_DAY, tick=False):
        group_pool(group=small, into=other, decided_by=None)
    return {"small": small, "other": other, "noor": noor, "sem": sem, "lot": lot}


def _token(enrolment: Enrolment, *, enroller: bool = True) -> str:
    """The token in the pooled mail to the guardian (the enroller or the other parent)."""
    guardian = Guardian.objects.get(submission=enrolment.submission, is_enroller=enroller)
    mail = OutboxMessage.objects.get(
        kind="group_pooled", to_email=guardian.email, key__contains=f":{enrolment.pk}:"
    )
    return LINK.search(mail.body_text.split("via uw link:")[1])[1]


def _page(client: Client, token: str) -> str:
    return client.get(reverse("enrol-link", kwargs={"token": token})).content.decode()


def _confirm(client: Client, token: str, enrolment: Enrolment) -> str:
    url = reverse("enrol-link-pool-confirm", args=[token, enrolment.public_id])
    return client.post(url, follow=True).content.decode()


def test_the_pooled_mail_asks_to_confirm_or_withdraw_on_each_parents_own_link(
    pooled: dict[str, Any],
) -> None:
    noor = pooled["noor"]
    mails = OutboxMessage.objects.filter(kind="group_pooled", key__contains=f":{noor.pk}:")
    assert mails.count() == 2  # both parents with authority
    for mail in mails:
        assert "Bevestig of meld af via uw link: http" in mail.body_text
        assert "Doet u niets" not in mail.body_text
    assert _token(noor) != _token(noor, enroller=False)
    waiting = Enrolment.objects.filter(pooled_from=pooled["small"], pool_confirmed_at=None)
    assert waiting.count() == 3


def test_a_pooled_family_confirms_through_their_link_once(
    client: Client, pooled: dict[str, Any]
) -> None:
    noor, token = pooled["noor"], _token(pooled["noor"])
    page = _page(client, token)
    assert "Gaat Noor mee naar de nieuwe groep?" in page
    assert "De Vlier" in page and "maandag 2 november 2026" in page
    assert "Ja, Noor gaat mee" in page and "Nee, afmelden" in page

    answered = _confirm(client, token, noor)
    assert "Dank u. Noor gaat mee naar de nieuwe groep." in answered
    assert "Ja, Noor gaat mee" not in answered
    noor.refresh_from_db()
    confirmed_at = noor.pool_confirmed_at
    assert confirmed_at is not None and noor.status == EnrolmentStatus.CONFIRMED

    again = _confirm(client, token, noor)
    assert "U had al bevestigd dat Noor meegaat naar de nieuwe groep." in again
    noor.refresh_from_db()
    assert noor.pool_confirmed_at == confirmed_at


def test_the_other_parent_with_authority_confirms_but_withdrawing_stays_the_enrollers(
    client: Client, pooled: dict[str, Any]
) -> None:
    noor, token = pooled["noor"], _token(pooled["noor"], enroller=False)
    page = _page(client, token)
    assert "Ja, Noor gaat mee" in page and "Nee, afmelden" not in page
    assert "Afmelden doet" in page
    withdraw = reverse("enrol-link-withdraw", args=[token, noor.public_id])
    client.post(withdraw)
    noor.refresh_from_db()
    assert noor.status == EnrolmentStatus.CONFIRMED
    assert "Noor gaat mee naar de nieuwe groep" in _confirm(client, token, noor)
    noor.refresh_from_db()
    assert noor.pool_confirmed_at is not None


def test_a_pooled_family_withdraws_through_their_link_and_frees_the_seat(
    client: Client, pooled: dict[str, Any]
) -> None:
    sem, other, token = pooled["sem"], pooled["other"], _token(pooled["sem"])
    before = seats_taken([other.pk])[other.pk]
    withdraw = reverse("enrol-link-withdraw", args=[token, sem.public_id])
    assert "Sem" in client.get(withdraw).content.decode()
    page = client.post(withdraw, follow=True).content.decode()
    assert "Sem is afgemeld." in page
    assert "Gaat Sem mee naar de nieuwe groep?" not in page
    sem.refresh_from_db()
    assert (sem.status, sem.pooled_from_id) == (EnrolmentStatus.WITHDRAWN, None)
    assert seats_taken([other.pk])[other.pk] == before - 1


def test_confirming_is_refused_after_the_new_groups_first_session(
    client: Client, pooled: dict[str, Any]
) -> None:
    lot, token = pooled["lot"], _token(pooled["lot"])
    with time_machine.travel(AFTER_FIRST_SESSION, tick=False):
        assert "Ja, Lot gaat mee" not in _page(client, token)
        answered = _confirm(client, token, lot)
        assert "De nieuwe groep is al begonnen; bevestigen kan niet meer." in answered
        api = Client().post(
            reverse("api-link-pool-confirm"),
            {"token": token, "enrolment": str(lot.public_id)},
            content_type="application/json",
        )
    assert api.status_code == 400
    assert "De nieuwe groep is al begonnen; bevestigen kan niet meer." in api.content.decode()
    lot.refresh_from_db()
    assert lot.pool_confirmed_at is None


def test_a_child_that_was_not_moved_has_nothing_to_confirm(pooled: dict[str, Any]) -> None:
    stayed = Enrolment.objects.filter(group=pooled["other"], pooled_from=None).first()
    guardian = Guardian.objects.get(submission=stayed.submission)
    token = _make_link(purpose="manage", guardian=guardian)
    with pytest.raises(ValidationError, match="niet naar een andere groep verplaatst"):
        pool_confirm(token=token, enrolment_public_id=str(stayed.public_id))


def test_the_api_confirms_once_like_the_page(pooled: dict[str, Any]) -> None:
    noor, token = pooled["noor"], _token(pooled["noor"])
    url = reverse("api-link-pool-confirm")
    body = {"token": token, "enrolment": str(noor.public_id)}
    status = Client().post(reverse("api-link-status"), {"token": token}, "application/json")
    assert [e["pool_answer_awaited"] for e in status.json()["enrolments"]] == [True]
    first = Client().post(url, body, content_type="application/json")
    assert first.status_code == 200
    assert first.json()["message"] == "Dank u. Noor gaat mee naar de nieuwe groep."
    assert first.json()["enrolments"][0]["pool_answer_awaited"] is False
    second = Client().post(url, body, content_type="application/json")
    assert second.json()["message"] == "U had al bevestigd dat Noor meegaat naar de nieuwe groep."


def test_families_who_did_not_answer_get_one_reminder_a_few_days_later(
    client: Client, pooled: dict[str, Any]
) -> None:
    noor, sem, lot = pooled["noor"], pooled["sem"], pooled["lot"]
    _confirm(client, _token(noor), noor)
    with time_machine.travel(DECISION_DAY + dt.timedelta(days=2), tick=False):
        assert pool_reminders_send() == 0
    with time_machine.travel(DECISION_DAY + dt.timedelta(days=3), tick=False):
        assert pool_reminders_send() == 2
        assert pool_reminders_send() == 0
    with time_machine.travel(DECISION_DAY + dt.timedelta(days=4), tick=False):
        assert pool_reminders_send() == 0
    reminders = OutboxMessage.objects.filter(kind="pool_reminder")
    assert sorted(int(m.key.split(":")[1]) for m in reminders) == sorted([sem.pk, lot.pk])
    # The reminder's own link works: Lot's family confirms with it.
    mail = reminders.get(key__contains=f":{lot.pk}:")
    token = LINK.search(mail.body_text.split("via uw link:")[1])[1]
    assert "Lot gaat mee naar de nieuwe groep" in _confirm(client, token, lot)
    # No answer removes no one.
    sem.refresh_from_db()
    assert sem.status == EnrolmentStatus.CONFIRMED


def test_the_start_pages_list_the_unanswered_with_a_fixed_number_of_queries(
    kies: Any, pooled: dict[str, Any]
) -> None:
    noor, small = pooled["noor"], pooled["small"]
    coordinator = factories.UserFactory()
    small.host_school.coordinators.add(coordinator)
    pages = {
        "/start/coordinator/": Client(),
        "/start/programmabeheer/": Client(),
    }
    pages["/start/coordinator/"].force_login(coordinator)
    pages["/start/programmabeheer/"].force_login(factories.make_manager())
    Client().post(
        reverse("api-link-pool-confirm"),
        {"token": _token(noor), "enrolment": str(noor.public_id)},
        content_type="application/json",
    )
    few = {}
    for url, client in pages.items():
        page = client.get(url).content.decode()
        block = page.split('id="samenvoeging"')[1].split("</section>")[0]
        assert "Nog geen antwoord op de samenvoeging" in page
        assert '<span class="gp-start-count">2</span>' in block
        assert "Sem" in block and "Lot" in block and "Noor" not in block
        few[url] = query_count(lambda c=client, u=url: c.get(u))
    # Another pooling, with more children of the coordinator's school who do not answer.
    more = make_published_group(kies, small.host_school, capacity=10, round_label="ronde 2")
    into = make_published_group(kies, pooled["other"].host_school, round_label="ronde 2")
    for index in range(3):
        _family(more, f"Extra{factories.letters(index)}", school=small.host_school)
    with time_machine.travel(DECISION_DAY, tick=False):
        group_pool(group=more, into=into, decided_by=None)
    for url, client in pages.items():
        block = client.get(url).content.decode().split('id="samenvoeging"')[1]
        assert '<span class="gp-start-count">5</span>' in block.split("</section>")[0]
        assert query_count(lambda c=client, u=url: c.get(u)) == few[url]
