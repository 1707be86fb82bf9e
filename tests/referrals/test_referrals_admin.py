"""The referrals admin: the manager's, read-only, acting only through the services, and
without a parent's address, name or the referrer's note."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from referrals.models import (
    BookingStatus,
    Referral,
    ReferralStatus,
    TalkBooking,
    TalkSlot,
    WijkteamWorker,
)
from referrals.services import referral_decline, referral_send, talk_book, talk_slot_create
from tests import factories
from tests.clock import on_day
from tests.referrals.world import client_for, in_days

pytestmark = [pytest.mark.django_db, on_day("2026-10-01")]

MODELS = [WijkteamWorker, Referral, TalkSlot, TalkBooking]
NOTE = "Vader en moeder gaan uit elkaar, Sietske slaapt slecht."


def changelist(model: type) -> str:
    return reverse(f"admin:referrals_{model._meta.model_name}_changelist")


def change(obj: Any) -> str:
    return reverse(f"admin:referrals_{obj._meta.model_name}_change", args=[obj.pk])


@pytest.fixture
def facts(wendy: Any, hank: Any, kies: Any, host: Any, group: Any) -> dict[str, Any]:
    """hank's referral (with a note) and wendy's slot, booked from her own referral."""
    referral = referral_send(
        referrer=hank, programme=kies, school=host, group=group, email="anna@ouders.nl", note=NOTE
    )
    own = referral_send(referrer=wendy.user, programme=kies, school=host, email="piet@ouders.nl")
    slot = talk_slot_create(worker=wendy, starts_at=in_days(3))
    booking, _token = talk_book(
        slot_id=slot.pk, email="piet@ouders.nl", name="Piet Pietersen", referral=own
    )
    return {"referral": referral, "own": own, "slot": slot, "booking": booking, "worker": wendy}


def test_the_manager_opens_every_referrals_admin_page(
    as_alice: Client, facts: dict[str, Any]
) -> None:
    for model in MODELS:
        assert as_alice.get(changelist(model)).status_code == 200, model
    for name in ("referral", "slot", "booking", "worker"):
        assert as_alice.get(change(facts[name])).status_code == 200, name
    assert 'href="/admin/referrals/"' in as_alice.get(reverse("admin:index")).content.decode()


@pytest.mark.parametrize("persona", ["as_bob", "as_dave", "as_eve", "wendy"])
def test_other_roles_are_sent_to_the_admin_log_in(persona: str, request: Any) -> None:
    if persona == "wendy":
        client = client_for(request.getfixturevalue("wendy").user)
    else:
        client = request.getfixturevalue(persona)
    for model in MODELS:
        response = client.get(changelist(model))
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_no_referrals_admin_page_shows_a_parents_address_name_or_the_note(
    as_alice: Client, facts: dict[str, Any]
) -> None:
    urls = [changelist(model) for model in MODELS]
    urls += [change(facts[name]) for name in ("referral", "own", "slot", "booking")]
    urls.append(reverse("admin:referrals_referral_history", args=[facts["referral"].pk]))
    secrets = ["ouders.nl", "Piet Pietersen", "Sietske", facts["referral"].token_hash]
    secrets.append(facts["booking"].token_hash)
    for url in urls:
        response = as_alice.get(url)
        page = response.content.decode()
        assert response.status_code == 200, url
        for secret in secrets:
            assert secret not in page, (url, secret)
    listing = as_alice.get(changelist(Referral)).content.decode()
    assert str(facts["referral"].public_id) in listing
    assert "verstuurd" in listing  # the status the referrer sees


def test_the_referrals_admin_adds_changes_and_deletes_nothing(
    as_alice: Client, facts: dict[str, Any]
) -> None:
    referral = facts["referral"]
    url = change(referral)
    assert "_save" not in as_alice.get(url).content.decode()
    as_alice.post(url, {"status": "revoked"})
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.SENT
    for model in MODELS:
        name = model._meta.model_name
        assert as_alice.get(reverse(f"admin:referrals_{name}_add")).status_code == 403
    for name in ("referral", "slot", "booking", "worker"):
        obj = facts[name]
        delete = reverse(f"admin:referrals_{obj._meta.model_name}_delete", args=[obj.pk])
        assert as_alice.get(delete).status_code == 403
    assert Referral.objects.count() == 2 and TalkBooking.objects.count() == 1


def _act(client: Client, model: type, action: str, objects: list[Any]) -> str:
    response = client.post(
        changelist(model),
        {"action": action, "_selected_action": [obj.pk for obj in objects]},
        follow=True,
    )
    assert response.status_code == 200
    return response.content.decode()


def test_the_manager_revokes_an_open_invitation_and_an_answered_one_is_skipped(
    as_alice: Client, facts: dict[str, Any]
) -> None:
    referral, answered = facts["referral"], facts["own"]
    referral_decline(referral=answered)
    page = _act(as_alice, Referral, "revoke", [referral, answered])
    assert "1 uitnodiging ingetrokken." in page
    assert "1 overgeslagen" in page
    statuses = dict(Referral.objects.values_list("pk", "status"))
    assert statuses == {referral.pk: ReferralStatus.REVOKED, answered.pk: ReferralStatus.DECLINED}


def test_the_manager_takes_a_slot_back_and_its_booking_is_cancelled(
    as_alice: Client, facts: dict[str, Any], emitted: list[Any]
) -> None:
    page = _act(as_alice, TalkSlot, "cancel", [facts["slot"]])
    assert "1 gesprekstijd(en) geschrapt." in page
    assert TalkSlot.objects.get().cancelled_at is not None
    assert TalkBooking.objects.get().status == BookingStatus.CANCELLED
    cancelled = [e for e in emitted if type(e).__name__ == "TalkCancelled"]
    assert [e.by_worker for e in cancelled] == [True]  # the parent is told, as the service does


def test_the_manager_ends_and_restores_a_workers_role(
    as_alice: Client, facts: dict[str, Any]
) -> None:
    worker = facts["worker"]
    _act(as_alice, WijkteamWorker, "deactivate", [worker])
    worker.refresh_from_db()
    assert worker.active is False
    assert client_for(worker.user).get(reverse("talk-slot-list")).status_code == 403
    _act(as_alice, WijkteamWorker, "activate", [worker])
    worker.refresh_from_db()
    assert worker.active is True


# --- query counts stay flat --------------------------------------------------------------


def _make_rows(model: type, count: int, world: dict[str, Any]) -> None:
    def slot(n: int) -> TalkSlot:
        worker = factories.WijkteamWorkerFactory()
        worker.schools.add(world["host"], factories.SchoolFactory())
        return factories.TalkSlotFactory(worker=worker, school=world["host"], place="school")

    makers: dict[type, Callable[[int], Any]] = {
        WijkteamWorker: lambda n: factories.WijkteamWorkerFactory().schools.add(world["host"]),
        Referral: lambda n: factories.ReferralFactory(
            referrer=factories.UserFactory(),
            programme=world["kies"],
            school=world["host"],
            group=world["group"],
        ),
        TalkSlot: slot,
        TalkBooking: lambda n: factories.TalkBookingFactory(
            slot=slot(n), referral=factories.ReferralFactory(school=world["host"])
        ),
    }
    for n in range(count):
        makers[model](n)


def _changelist_queries(client: Client, model: type) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(changelist(model))
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_a_referrals_changelist_does_not_grow_in_queries_with_its_rows(
    as_alice: Client, model: type, kies: Any, host: Any, group: Any
) -> None:
    world = {"kies": kies, "host": host, "group": group}
    _make_rows(model, 2, world)
    few = _changelist_queries(as_alice, model)
    _make_rows(model, 10, world)
    many = _changelist_queries(as_alice, model)
    assert model.objects.count() >= 12
    assert many == few, f"{model.__name__}: {few} queries for few rows, {many} for many"
