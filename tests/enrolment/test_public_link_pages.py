"""The pages behind the links in our e-mails: confirm, consent, child consent, offer, withdraw."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from enrolment import events
from enrolment.models import (
    AccessLink,
    Consent,
    ConsentParty,
    Enrolment,
    EnrolmentStatus,
    Guardian,
    LinkPurpose,
)
from enrolment.services import email_confirm, enrolment_withdraw, submission_create
from tests import factories
from tests.enrolment.world import FATHER, MOTHER, SOLE, child, make_published_group

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limit() -> Any:
    cache.clear()
    yield
    cache.clear()


def tokens(emitted: list[Any], kind: type) -> list[Any]:
    return [e for e in emitted if isinstance(e, kind)]


def enrol(group: Any, school: Any, consent_text: Any, *guardians: Any, **child_kw: Any) -> Any:
    enroller, *others = guardians or (MOTHER, FATHER)
    return submission_create(
        children=[child(group, school, **child_kw)],
        enroller=enroller,
        other_guardians=others,
        consent_text=consent_text,
    )


def confirm(emitted: list[Any], enrolment: Any) -> None:
    """The enroller confirms their address (and consents): no seat is offered before."""
    received = tokens(emitted, events.EnrolmentReceived)
    token = next(e.confirm_token for e in received if e.submission_id == enrolment.submission_id)
    email_confirm(token=token, consent_given=True)


def confirm_url(emitted: list[Any], index: int = 0) -> str:
    return f"/aanmelden/link/{tokens(emitted, events.EnrolmentReceived)[index].confirm_token}/"


def snapshot() -> tuple[Any, ...]:
    return (
        Consent.objects.count(),
        tuple(Enrolment.objects.order_by("pk").values_list("status", flat=True)),
        tuple(Guardian.objects.order_by("pk").values_list("email_confirmed_at", flat=True)),
        tuple(AccessLink.objects.order_by("pk").values_list("used_at", flat=True)),
    )


def test_opening_any_link_changes_nothing(
    client: Client, kies: Any, host: Any, consent_text: Any, emitted: list[Any]
) -> None:
    full = make_published_group(kies, host, capacity=1)
    first = enrol(full, host, consent_text).enrolments[0]
    lot = enrol(full, host, consent_text, SOLE, first="Lot").enrolments[0]
    enrol(full, host, consent_text, SOLE, first="Mik")  # her link stays unanswered
    email_confirm(
        token=tokens(emitted, events.EnrolmentReceived)[0].confirm_token, consent_given=True
    )
    confirm(emitted, lot)
    enrolment_withdraw(enrolment=first)
    urls = [
        confirm_url(emitted, 2),
        f"/aanmelden/link/{tokens(emitted, events.ConsentRequested)[0].token}/",
        f"/aanmelden/link/{tokens(emitted, events.SeatOffered)[0].token}/",
        f"{confirm_url(emitted, 0)}afmelden/{first.public_id}/",
    ]
    before = snapshot()
    for url in urls:
        assert client.get(url).status_code == 200
        assert client.head(url).status_code == 200
    assert snapshot() == before


def test_link_pages_are_not_cached_and_do_not_pass_the_token_on(
    client: Client, group: Any, host: Any, consent_text: Any, emitted: list[Any]
) -> None:
    enrol(group, host, consent_text)
    for url in (confirm_url(emitted), "/aanmelden/link/not-a-token/"):
        response = client.get(url)
        assert "no-store" in response["Cache-Control"]
        # strict-origin, not no-referrer: under no-referrer browsers send "Origin: null"
        # with the page's own POST, and Django's CSRF check would refuse every answer.
        assert response["Referrer-Policy"] == "strict-origin"
        assert "noindex" in response["X-Robots-Tag"]


def test_answers_need_the_csrf_token_and_a_browser_like_post_passes(
    group: Any, host: Any, consent_text: Any, emitted: list[Any]
) -> None:
    enrol(group, host, consent_text)
    browser = Client(enforce_csrf_checks=True)
    url = confirm_url(emitted)
    page = browser.get(url).content.decode()
    assert browser.post(url, {"answer": "yes"}).status_code == 403
    assert Consent.objects.count() == 0
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = browser.post(
        url,
        {"answer": "yes", "csrfmiddlewaretoken": csrf},
        HTTP_ORIGIN="http://testserver",
    )
    assert response.status_code == 302
    assert Consent.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "status", "message"),
    [
        (None, 404, "Deze link is niet (meer) geldig."),
        ({"expires_at": dt.datetime(2026, 9, 30, tzinfo=dt.UTC)}, 410, "Deze link is verlopen."),
        ({"revoked_at": dt.datetime(2026, 9, 30, tzinfo=dt.UTC)}, 410, "ingetrokken"),
    ],
)
def test_an_unusable_link_shows_a_friendly_page_with_what_to_do(
    client: Client,
    group: Any,
    host: Any,
    consent_text: Any,
    emitted: list[Any],
    change: dict[str, Any] | None,
    status: int,
    message: str,
) -> None:
    enrol(group, host, consent_text)
    url = confirm_url(emitted)
    if change is None:
        url = "/aanmelden/link/" + "A" * 43 + "/"
    else:
        AccessLink.objects.update(created_at=dt.datetime(2026, 9, 1, tzinfo=dt.UTC), **change)
    for response in (client.get(url), client.post(url, {"answer": "yes"})):
        assert response.status_code == status
        page = response.content.decode()
        assert message in page and "Wat kunt u doen?" in page
    assert Consent.objects.count() == 0


def test_a_huge_or_odd_token_is_just_an_invalid_link(client: Client, db: None) -> None:
    assert client.get("/aanmelden/link/" + "x" * 5000 + "/").status_code == 404
    assert client.get("/aanmelden/link/%C3%A9%00/").status_code == 404


def test_a_consent_link_cannot_withdraw(
    client: Client, group: Any, host: Any, consent_text: Any, emitted: list[Any]
) -> None:
    enrolment = enrol(group, host, consent_text).enrolments[0]
    email_confirm(
        token=tokens(emitted, events.EnrolmentReceived)[0].confirm_token, consent_given=True
    )
    token = tokens(emitted, events.ConsentRequested)[0].token
    url = f"/aanmelden/link/{token}/afmelden/{enrolment.public_id}/"
    response = client.post(url)
    assert response.status_code == 404
    assert "Deze link is niet bedoeld voor deze pagina." in response.content.decode()
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.AWAITING_CONSENT


def test_the_enroller_who_refuses_ends_the_enrolment(
    client: Client, group: Any, host: Any, consent_text: Any, emitted: list[Any]
) -> None:
    enrolment = enrol(group, host, consent_text).enrolments[0]
    url = confirm_url(emitted)
    client.post(url, {"answer": "no"})
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.REFUSED
    assert "Niet ingeschreven: niet iedereen gaf toestemming." in client.get(url).content.decode()
    assert not tokens(emitted, events.ConsentRequested)


def test_an_answer_that_is_not_a_button_changes_nothing(
    client: Client, group: Any, host: Any, consent_text: Any, emitted: list[Any]
) -> None:
    enrol(group, host, consent_text)
    url = confirm_url(emitted)
    response = client.post(url, {"answer": "maybe"}, follow=True)
    assert "Kies een van de knoppen." in response.content.decode()
    assert Consent.objects.count() == 0
    assert Guardian.objects.filter(email_confirmed_at__isnull=False).count() == 0


def test_the_other_parent_who_refuses_sees_a_neutral_message(
    client: Client, group: Any, host: Any, consent_text: Any, emitted: list[Any]
) -> None:
    enrolment = enrol(group, host, consent_text).enrolments[0]
    email_confirm(
        token=tokens(emitted, events.EnrolmentReceived)[0].confirm_token, consent_given=True
    )
    url = f"/aanmelden/link/{tokens(emitted, events.ConsentRequested)[0].token}/"
    # Bram reads English, but chose Dutch on the site: his choice wins.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    client.post(url, {"answer": "no"})
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.REFUSED
    page = client.get(url).content.decode()
    assert "U heeft geen toestemming gegeven. Sam doet daarom niet mee aan deze groep." in page
    # A second answer changes nothing.
    client.post(url, {"answer": "yes"})
    assert Consent.objects.filter(given=True, guardian__is_enroller=False).count() == 0


def test_the_other_parents_page_is_shown_in_their_language(
    client: Client, group: Any, host: Any, consent_text: Any, emitted: list[Any]
) -> None:
    enrol(group, host, consent_text)
    email_confirm(
        token=tokens(emitted, events.EnrolmentReceived)[0].confirm_token, consent_given=True
    )
    page = client.get(
        f"/aanmelden/link/{tokens(emitted, events.ConsentRequested)[0].token}/"
    ).content.decode()
    assert '<html lang="en"' in page
    assert consent_text.text_en[:40] in page


def test_a_child_of_13_answers_on_a_child_friendly_page(
    client: Client, kies: Any, consent_text: Any, emitted: list[Any]
) -> None:
    kies.audience, kies.grade_min, kies.grade_max = "vo", 1, 6
    kies.save()
    vo = factories.SchoolFactory(school_type="vo")
    group = make_published_group(kies, vo)
    enrolment = enrol(group, vo, consent_text, SOLE, born=dt.date(2013, 5, 1), grade=2).enrolments[
        0
    ]
    client.post(confirm_url(emitted), {"answer": "yes"})
    request = tokens(emitted, events.ConsentRequested)
    assert [r.for_child for r in request] == [True]
    url = f"/aanmelden/link/{request[0].token}/"
    page = client.get(url).content.decode()
    assert "Hoi Sam!" in page
    assert "Ja, ik wil meedoen" in page and "Nee, liever niet" in page
    client.post(url, {"answer": "yes"})
    consent = Consent.objects.get(party=ConsentParty.CHILD)
    assert consent.given and consent.consent_text == consent_text
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.CONFIRMED
    assert "Dank je wel! Je hebt ja gezegd." in client.get(url).content.decode()


def _offer(kies: Any, host: Any, consent_text: Any, emitted: list[Any]) -> tuple[Any, str]:
    full = make_published_group(kies, host, capacity=1)
    first = enrol(full, host, consent_text, SOLE).enrolments[0]
    waiting = enrol(full, host, consent_text, first="Lot").enrolments[0]
    confirm(emitted, waiting)  # the father's consent is still to come
    enrolment_withdraw(enrolment=first)
    return waiting, f"/aanmelden/link/{tokens(emitted, events.SeatOffered)[0].token}/"


def test_an_offered_seat_shows_the_deadline_and_can_be_accepted(
    client: Client, kies: Any, host: Any, consent_text: Any, emitted: list[Any]
) -> None:
    waiting, url = _offer(kies, host, consent_text, emitted)
    page = client.get(url).content.decode()
    assert "Er is een plaats vrij voor Lot" in page
    # 48 hours from 1 October 12:00 (Amsterdam): the group starts in more than a week.
    assert "Kies vóór zaterdag 3 oktober 2026, 12:00 uur." in page
    client.post(url, {"answer": "accept"})
    waiting.refresh_from_db()
    assert waiting.status == EnrolmentStatus.AWAITING_CONSENT
    assert "U heeft de plaats aangenomen" in client.get(url).content.decode()


def test_an_offered_seat_can_be_declined(
    client: Client, kies: Any, host: Any, consent_text: Any, emitted: list[Any]
) -> None:
    waiting, url = _offer(kies, host, consent_text, emitted)
    client.post(url, {"answer": "decline"})
    waiting.refresh_from_db()
    assert waiting.status == EnrolmentStatus.DECLINED
    assert "U heeft de aangeboden plaats niet aangenomen." in client.get(url).content.decode()


def test_an_offer_past_its_deadline_cannot_be_accepted(
    client: Client, kies: Any, host: Any, consent_text: Any, emitted: list[Any], _today: Any
) -> None:
    waiting, url = _offer(kies, host, consent_text, emitted)
    Enrolment.objects.filter(pk=waiting.pk).update(
        offer_expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    assert "De tijd om te kiezen is voorbij." in client.get(url).content.decode()
    client.post(url, {"answer": "accept"})
    waiting.refresh_from_db()
    assert waiting.status == EnrolmentStatus.OFFERED


def test_withdrawing_by_link_asks_first_and_then_frees_the_seat(
    client: Client, kies: Any, host: Any, consent_text: Any, emitted: list[Any]
) -> None:
    full = make_published_group(kies, host, capacity=1)
    first = enrol(full, host, consent_text).enrolments[0]
    waiting = enrol(full, host, consent_text, SOLE, first="Lot").enrolments[0]
    confirm(emitted, waiting)
    url = confirm_url(emitted, 0)
    client.post(url, {"answer": "yes"})
    status = client.get(url).content.decode()
    withdraw = f"{url}afmelden/{first.public_id}/"
    assert f'href="{withdraw}"' in status
    assert "Weet u zeker dat u Sam wilt afmelden" in client.get(withdraw).content.decode()
    response = client.post(withdraw)
    assert response["Location"] == url
    first.refresh_from_db()
    waiting.refresh_from_db()
    assert first.status == EnrolmentStatus.WITHDRAWN
    assert waiting.status == EnrolmentStatus.OFFERED
    page = client.get(url).content.decode()
    assert "Sam is afgemeld." in page and "Afgemeld." in page
    assert f'href="{withdraw}"' not in page


def test_a_link_cannot_withdraw_a_child_of_another_submission(
    client: Client, group: Any, host: Any, consent_text: Any, emitted: list[Any]
) -> None:
    enrol(group, host, consent_text)
    other = enrol(group, host, consent_text, SOLE, first="Lot").enrolments[0]
    response = client.post(f"{confirm_url(emitted, 0)}afmelden/{other.public_id}/")
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.status == EnrolmentStatus.AWAITING_CONSENT


def test_the_status_page_shows_the_waitlist_position(
    client: Client, kies: Any, host: Any, consent_text: Any, emitted: list[Any]
) -> None:
    full = make_published_group(kies, host, capacity=1)
    enrol(full, host, consent_text, SOLE, first="Noor")
    enrol(full, host, consent_text, first="Lot")
    url = confirm_url(emitted, 1)
    client.post(url, {"answer": "yes"})
    assert "Op de wachtlijst, plaats 1." in client.get(url).content.decode()


def test_a_manage_link_shows_the_status_and_offers_withdrawal(
    client: Client, group: Any, host: Any, consent_text: Any
) -> None:
    enrolment = enrol(group, host, consent_text).enrolments[0]
    enroller = Guardian.objects.get(is_enroller=True)
    token = AccessLink.new_token()
    AccessLink.objects.create(
        token_hash=AccessLink.hash(token),
        purpose=LinkPurpose.MANAGE,
        guardian=enroller,
        submission=enroller.submission,
        expires_at=timezone.now() + dt.timedelta(days=30),
    )
    page = client.get(f"/aanmelden/link/{token}/").content.decode()
    assert "Wacht op toestemming van u en Bram de Boer." in page
    assert f"/aanmelden/link/{token}/afmelden/{enrolment.public_id}/" in page


def test_the_status_page_offers_to_download_or_erase_the_data(
    client: Client, group: Any, host: Any, consent_text: Any, emitted: list[Any]
) -> None:
    enrol(group, host, consent_text)
    url = confirm_url(emitted)
    client.post(url, {"answer": "yes"})
    page = client.get(url).content.decode()
    token = url.split("/")[-2]
    assert "Mijn gegevens downloaden" in page and "Gegevens laten wissen" in page
    assert f'action="/gegevens/mijn-gegevens/{token}/downloaden/"' in page
    assert f'href="/gegevens/mijn-gegevens/{token}/wissen/"' in page
    download = client.post(f"/gegevens/mijn-gegevens/{token}/downloaden/")
    assert download.status_code == 200
    assert download.json()["children"][0]["first_name"] == "Sam"
