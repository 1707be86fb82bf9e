"""Every guardian's link is their own place: the second guardian, who did not enrol and holds
a consent link, reaches from it their own data page, its downloads and the erasure, through a
data link of its own (their consent link stays a consent link); withdrawing consent brings a
receipt to whoever withdrew, once."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client

from enrolment import events
from enrolment.audit import AuditAction
from enrolment.models import (
    AccessLink,
    AuditEntry,
    Authority,
    Child,
    Enrolment,
    EnrolmentStatus,
    Guardian,
    LinkPurpose,
)
from enrolment.services import (
    _make_link,
    consent_answer,
    consent_withdraw,
    email_confirm,
    submission_create,
)
from enrolment.services.retention import DATA_LINK_HOURS, data_link_issue
from notifications.listeners.enrolments import on_consent_withdrawn
from notifications.models import OutboxMessage
from tests.enrolment.world import FATHER, MOTHER, TODAY, child

pytestmark = pytest.mark.django_db

ANNA = dataclasses.replace(MOTHER, phone="06 11112222")
BRAM = dataclasses.replace(FATHER, phone="06 33334444")  # English is his language


@pytest.fixture(autouse=True)
def _fresh_rate_limit() -> Any:
    cache.clear()
    yield
    cache.clear()


def of(emitted: list[Any], kind: type) -> list[Any]:
    return [e for e in emitted if isinstance(e, kind)]


@pytest.fixture
def family(group: Any, host: Any, consent_text: Any, emitted: list[Any]) -> dict[str, Any]:
    """Anna enrolled Sam and confirmed; Bram, the other parent with authority, consented
    through his consent link: Sam is confirmed."""
    result = submission_create(
        children=[child(group, host)],
        enroller=ANNA,
        other_guardians=[BRAM],
        consent_text=consent_text,
    )
    email_confirm(token=of(emitted, events.EnrolmentReceived)[0].confirm_token, consent_given=True)
    bram_token = of(emitted, events.ConsentRequested)[0].token
    consent_answer(token=bram_token, given=True)
    sam = Enrolment.objects.get(pk=result.enrolments[0].pk)
    assert sam.status == EnrolmentStatus.CONFIRMED
    return {"sam": sam, "bram_token": bram_token, "submission": result.submission}


def data_page_of(client: Client, token: str) -> str:
    """Bram's way from his link page to his data page: the form on the page, then its POST."""
    page = client.get(f"/aanmelden/link/{token}/").content.decode()
    action = f"/aanmelden/link/{token}/gegevens/"
    assert f'action="{action}"' in page
    answer = client.post(action)
    assert answer.status_code == 303
    assert answer["Location"].startswith("/gegevens/mijn-gegevens/")
    return answer["Location"]


def data_token_of(url: str) -> str:
    return url.rstrip("/").split("/")[-1]


# --- the second guardian reaches their data ---------------------------------------------------


def test_the_second_guardian_follows_their_link_to_their_own_data_page(
    client: Client, family: dict[str, Any]
) -> None:
    url = data_page_of(client, family["bram_token"])
    data_token = data_token_of(url)
    assert data_token != family["bram_token"]
    link = AccessLink.objects.get(token_hash=AccessLink.hash(data_token))
    assert link.purpose == LinkPurpose.DATA
    assert link.guardian.email == "bram@example.org"
    assert link.expires_at == TODAY + dt.timedelta(hours=DATA_LINK_HOURS)

    page = client.get(url)

    assert page.status_code == 200
    body = page.content.decode()
    assert f"/gegevens/mijn-gegevens/{data_token}/downloaden/" in body
    assert f"/gegevens/mijn-gegevens/{data_token}/wissen/" in body
    assert "no-store" in page["Cache-Control"]
    # Bram's link pages speak his language; the data page says how long it works.
    link_page = client.get(f"/aanmelden/link/{family['bram_token']}/").content.decode()
    assert "View, save or erase my data" in link_page
    assert "This page works until 13:00." in page.content.decode()


def test_the_second_guardians_json_holds_their_own_details_and_not_the_other_parents(
    client: Client, family: dict[str, Any]
) -> None:
    data_token = data_token_of(data_page_of(client, family["bram_token"]))

    download = client.post(f"/gegevens/mijn-gegevens/{data_token}/downloaden/", {"format": "json"})

    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="mijn-gegevens.json"'
    raw = download.content.decode()
    assert "anna@example.org" not in raw and "06 11112222" not in raw
    data = json.loads(raw)
    anna, bram = data["guardians"]
    assert (bram["email"], bram["phone"], bram["language"]) == (
        "bram@example.org",
        "06 33334444",
        "en",
    )
    assert anna["name"] == "Anna de Boer" and "email" not in anna and "phone" not in anna
    assert [c["first_name"] for c in data["children"]] == ["Sam"]
    assert data["enrolments"][0]["status"] == EnrolmentStatus.CONFIRMED
    entry = AuditEntry.objects.get(action=AuditAction.DATA_DOWNLOADED)
    assert entry.actor_label == f"guardian {bram_guardian(family).pk}"


def test_the_readable_page_and_its_file_show_the_second_guardian_only_their_own_address(
    client: Client, family: dict[str, Any]
) -> None:
    data_token = data_token_of(data_page_of(client, family["bram_token"]))
    for form in ("html", "html-file"):
        answer = client.post(f"/gegevens/mijn-gegevens/{data_token}/downloaden/", {"format": form})
        assert answer.status_code == 200
        body = answer.content.decode()
        assert "bram@example.org" in body and "anna@example.org" not in body
        assert "Sam" in body


def test_the_second_guardian_erases_the_data_of_their_submission(
    client: Client, family: dict[str, Any]
) -> None:
    bram_pk = bram_guardian(family).pk
    url = data_page_of(client, family["bram_token"])
    erase = f"{url}wissen/"
    assert client.get(erase).status_code == 200

    done = client.post(erase, {"confirm": "yes"})

    assert done.status_code == 200
    # What erasing means is the service's: the submission's enrolments are erased (a running
    # one withdrawn first), names and addresses blanked, every link of it gone.
    sam = Enrolment.objects.get(pk=family["sam"].pk)
    assert sam.erased_at is not None and sam.status == EnrolmentStatus.WITHDRAWN
    assert set(
        Guardian.objects.filter(submission=family["submission"]).values_list("name", "email")
    ) == {("", "")}
    assert Child.objects.get(pk=sam.child_id).first_name == ""
    assert not AccessLink.objects.filter(submission=family["submission"]).exists()
    assert AuditEntry.objects.filter(
        action=AuditAction.DATA_ERASED, actor_label=f"guardian {bram_pk}"
    ).exists()
    assert client.get(f"/aanmelden/link/{family['bram_token']}/").status_code == 404
    assert client.get(url).status_code == 404


def test_after_a_refusal_the_consent_page_offers_the_way_to_the_data_too(
    client: Client, group: Any, host: Any, consent_text: Any, emitted: list[Any]
) -> None:
    submission_create(
        children=[child(group, host)],
        enroller=ANNA,
        other_guardians=[BRAM],
        consent_text=consent_text,
    )
    email_confirm(token=of(emitted, events.EnrolmentReceived)[0].confirm_token, consent_given=True)
    bram_token = of(emitted, events.ConsentRequested)[0].token
    before = client.get(f"/aanmelden/link/{bram_token}/").content.decode()
    assert f"/aanmelden/link/{bram_token}/gegevens/" not in before  # the question comes first
    consent_answer(token=bram_token, given=False)

    assert data_page_of(client, bram_token)


# --- tokens stay single-purpose, expiring and revocable ---------------------------------------


def test_the_consent_link_itself_does_not_open_the_data_pages(
    client: Client, family: dict[str, Any]
) -> None:
    token = family["bram_token"]
    assert client.get(f"/gegevens/mijn-gegevens/{token}/").status_code == 404
    assert client.post(f"/gegevens/mijn-gegevens/{token}/downloaden/").status_code == 404
    assert (
        client.post(f"/gegevens/mijn-gegevens/{token}/wissen/", {"confirm": "yes"}).status_code
        == 404
    )
    assert Enrolment.objects.get(pk=family["sam"].pk).erased_at is None


def test_a_data_link_opens_nothing_but_the_data_pages(
    client: Client, family: dict[str, Any]
) -> None:
    data_token = data_token_of(data_page_of(client, family["bram_token"]))
    sam = family["sam"]
    for url in (
        f"/aanmelden/link/{data_token}/",
        f"/aanmelden/link/{data_token}/mijn-gegevens/",
        f"/aanmelden/link/{data_token}/gegevens/",
        f"/aanmelden/link/{data_token}/toestemming-intrekken/{sam.public_id}/",
    ):
        assert client.get(url).status_code == 404, url
    with pytest.raises(ValidationError):
        data_link_issue(token=data_token)


def test_a_data_link_works_for_an_hour(client: Client, family: dict[str, Any]) -> None:
    url = data_page_of(client, family["bram_token"])
    with time_machine.travel(TODAY + dt.timedelta(minutes=59), tick=False):
        assert client.get(url).status_code == 200
    with time_machine.travel(TODAY + dt.timedelta(hours=DATA_LINK_HOURS), tick=False):
        assert client.get(url).status_code == 404


def test_a_new_data_link_revokes_the_one_before(client: Client, family: dict[str, Any]) -> None:
    first = data_page_of(client, family["bram_token"])
    second = data_page_of(client, family["bram_token"])
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200
    assert AccessLink.objects.filter(purpose=LinkPurpose.DATA, revoked_at=None).count() == 1


def test_reading_the_way_to_the_data_makes_no_link(client: Client, family: dict[str, Any]) -> None:
    token = family["bram_token"]
    answer = client.get(f"/aanmelden/link/{token}/gegevens/")
    assert answer.status_code == 302 and answer["Location"] == f"/aanmelden/link/{token}/"
    assert not AccessLink.objects.filter(purpose=LinkPurpose.DATA).exists()


def test_a_guardian_without_authority_and_the_childs_link_get_no_data_link(
    family: dict[str, Any], group: Any, host: Any, consent_text: Any, emitted: list[Any]
) -> None:
    stepfather = Guardian.objects.create(
        submission=family["submission"],
        name="Piet Stief",
        email="piet@example.org",
        authority=Authority.NONE,
    )
    token = _make_link(purpose=LinkPurpose.CONSENT, guardian=stepfather, enrolment=family["sam"])
    with pytest.raises(ValidationError) as refused:
        data_link_issue(token=token)
    assert refused.value.code == "no_authority"
    older = submission_create(
        children=[child(group, host, first="Ties", born=dt.date(2013, 5, 1), grade=8)],
        enroller=dataclasses.replace(ANNA, email="anna2@example.org", authority=Authority.SOLE),
        consent_text=consent_text,
    )
    email_confirm(token=of(emitted, events.EnrolmentReceived)[-1].confirm_token, consent_given=True)
    child_token = next(
        e.token
        for e in of(emitted, events.ConsentRequested)
        if e.for_child and e.enrolment_id == older.enrolments[0].pk
    )
    with pytest.raises(ValidationError) as refused:
        data_link_issue(token=child_token)
    assert refused.value.code == "wrong_link"
    assert not AccessLink.objects.filter(purpose=LinkPurpose.DATA).exists()


# --- the receipt of a withdrawal ----------------------------------------------------------------


def test_the_guardian_who_withdraws_consent_gets_a_receipt_exactly_once(
    client: Client, family: dict[str, Any], emitted: list[Any]
) -> None:
    sam = family["sam"]
    url = f"/aanmelden/link/{family['bram_token']}/toestemming-intrekken/{sam.public_id}/"

    client.post(url)
    client.post(url)  # a second press: refused, nothing more
    on_consent_withdrawn(of(emitted, events.ConsentWithdrawn)[0])  # the event replayed

    receipts = list(OutboxMessage.objects.filter(kind="consent_withdrawn_receipt"))
    assert [m.to_email for m in receipts] == ["bram@example.org"]
    receipt = receipts[0]
    assert receipt.language == "en"
    assert "You have withdrawn your consent for Sam" in receipt.body_text
    assert "Thursday 1 October 2026 at 12:00" in receipt.body_text
    assert "Anna" not in receipt.body_text and "Sam" not in receipt.subject
    assert receipt.ics_method == "CANCEL"  # Sam had been confirmed: the sessions leave
    # Bram hears it once: the receipt, not also the news meant for the other parent.
    to_bram = OutboxMessage.objects.filter(
        to_email="bram@example.org", kind__startswith="consent_w"
    )
    assert to_bram.count() == 1
    news = OutboxMessage.objects.get(kind="consent_withdrawn")
    assert news.to_email == "anna@example.org"


def test_the_enroller_who_withdraws_consent_gets_the_receipt_in_dutch(
    client: Client, family: dict[str, Any], emitted: list[Any]
) -> None:
    anna_token = of(emitted, events.EnrolmentReceived)[0].confirm_token
    consent_withdraw(token=anna_token, enrolment_public_id=str(family["sam"].public_id))

    receipt = OutboxMessage.objects.get(kind="consent_withdrawn_receipt")
    assert receipt.to_email == "anna@example.org"
    assert receipt.body_text.startswith("Beste Anna de Boer,")
    assert "U heeft uw toestemming voor de deelname van Sam" in receipt.body_text
    assert [m.to_email for m in OutboxMessage.objects.filter(kind="consent_withdrawn")] == [
        "bram@example.org"
    ]


def bram_guardian(family: dict[str, Any]) -> Guardian:
    return Guardian.objects.get(submission=family["submission"], email="bram@example.org")
