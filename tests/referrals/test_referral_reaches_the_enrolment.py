"""A referral by a coordinator: the delivered e-mail's link opens the invitation, which leads
to the enrolment with school and programme chosen; opened, declined, enrolled and expired
are what the referrer sees."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from enrolment.services import email_confirm, submission_create
from notifications.models import OutboxMessage
from notifications.outbox import message_send
from referrals.models import Referral, ReferralStatus
from referrals.services import referral_send
from tests.clock import on_day
from tests.enrolment.world import SOLE, child
from tests.referrals.world import client_for, mail_to, token_in

pytestmark = [pytest.mark.django_db, on_day("2026-10-01")]


def test_a_coordinators_referral_is_mailed_with_a_link_to_the_enrolment_of_that_school(
    client: Any, hank: Any, host: Any, kies: Any, group: Any
) -> None:
    response = client_for(hank).post(
        reverse("referral-create"),
        {
            "programme": kies.pk,
            "school": host.pk,
            "group": group.pk,
            "email": "Anna@Example.org",
            "language": "nl",
            "note": "Fijn dat we elkaar spraken.",
        },
    )
    assert response.status_code == 302
    message = mail_to("anna@example.org", "referral_invitation")
    message_send(message_id=message.pk)
    delivered = mail.outbox[-1]
    assert "scheiding" not in delivered.subject.lower()
    assert "Fijn dat we elkaar spraken." in delivered.body
    token = token_in(message)

    page = client.get(reverse("referral-link", args=[token]))
    assert page.status_code == 200
    onward = client.post(reverse("referral-enrol", args=[token]))
    assert onward.status_code == 303
    assert onward["Location"] == f"/aanmelden/groep/{group.pk}/?school={host.pk}"
    form = client.get(onward["Location"])
    assert form.status_code == 200
    assert f'value="{host.pk}" selected' in form.content.decode()


def test_without_a_group_the_link_leads_to_the_schools_page_at_the_programme(
    client: Any, hank: Any, host: Any, kies: Any, group: Any
) -> None:
    referral_send(referrer=hank, programme=kies, school=host, email="anna@example.org")
    token = token_in(mail_to("anna@example.org", "referral_invitation"))
    onward = client.post(reverse("referral-enrol", args=[token]))
    assert onward["Location"] == f"/aanmelden/school/{host.pk}/#programme-{kies.pk}"
    page = client.get(onward["Location"])
    assert f'id="programme-{kies.pk}"' in page.content.decode()


def test_fetching_the_links_alone_does_not_mark_the_invitation_opened(
    client: Any, hank: Any, host: Any, kies: Any, group: Any
) -> None:
    """What a mail scanner does: it GETs the link in the mail, and maybe the page's links."""
    referral_send(referrer=hank, programme=kies, school=host, group=group, email="a@example.org")
    token = token_in(mail_to("a@example.org", "referral_invitation"))
    page = client.get(reverse("referral-link", args=[token]))
    assert page.status_code == 200
    client.head(reverse("referral-link", args=[token]))
    back = client.get(reverse("referral-enrol", args=[token]))
    assert back["Location"] == reverse("referral-link", args=[token])
    client.get(reverse("referral-talk", args=[token]))
    referral = Referral.objects.get()
    assert (referral.status, referral.opened_at) == (ReferralStatus.SENT, None)
    listing = client_for(hank).get(reverse("referral-list")).content.decode()
    assert 'data-status="sent"' in listing and 'data-status="opened"' not in listing


def test_continuing_to_the_enrolment_marks_it_opened_for_the_referrer(
    client: Any, hank: Any, host: Any, kies: Any, group: Any
) -> None:
    referral_send(referrer=hank, programme=kies, school=host, group=group, email="a@example.org")
    token = token_in(mail_to("a@example.org", "referral_invitation"))
    page = client.get(reverse("referral-link", args=[token])).content.decode()
    enrol_url = reverse("referral-enrol", args=[token])
    assert f'<form method="post" action="{enrol_url}"' in page
    client.post(enrol_url)
    referral = Referral.objects.get()
    assert referral.status == ReferralStatus.OPENED and referral.opened_at is not None
    listing = client_for(hank).get(reverse("referral-list")).content.decode()
    assert 'data-status="opened"' in listing
    first_opened = referral.opened_at
    client.post(enrol_url)  # a second visit changes nothing
    assert Referral.objects.get().opened_at == first_opened


def test_the_note_is_quoted_and_never_made_a_link(
    settings: Any, hank: Any, host: Any, kies: Any
) -> None:
    note = f"Kijk ook op {settings.SITE_URL}/aanmelden/ <b>echt</b>"
    referral_send(referrer=hank, programme=kies, school=host, email="a@example.org", note=note)
    message = mail_to("a@example.org", "referral_invitation")
    assert note in message.body_text
    assert "<blockquote" in message.body_html
    quoted = message.body_html.split("<blockquote", 1)[1].split("</blockquote>", 1)[0]
    assert "<a " not in quoted and "&lt;b&gt;echt&lt;/b&gt;" in quoted


def test_declining_on_the_link_page_is_what_the_referrer_sees(
    client: Any, hank: Any, host: Any, kies: Any
) -> None:
    referral_send(referrer=hank, programme=kies, school=host, email="a@example.org")
    token = token_in(mail_to("a@example.org", "referral_invitation"))
    assert client.post(reverse("referral-decline", args=[token])).status_code == 200
    listing = client_for(hank).get(reverse("referral-list")).content.decode()
    assert 'data-status="declined"' in listing


def test_an_enrolment_confirmed_from_that_address_marks_the_referral_enrolled(
    hank: Any, host: Any, kies: Any, group: Any, consent_text: Any, emitted: list[Any]
) -> None:
    referral_send(referrer=hank, programme=kies, school=host, email=SOLE.email)
    other = referral_send(referrer=hank, programme=kies, school=host, email="else@example.org")
    submission_create(children=[child(group, host)], enroller=SOLE, consent_text=consent_text)
    received = next(e for e in emitted if type(e).__name__ == "EnrolmentReceived")
    email_confirm(token=received.confirm_token, consent_given=True)
    statuses = dict(Referral.objects.values_list("email", "status"))
    assert statuses == {SOLE.email: ReferralStatus.ENROLLED, other.email: ReferralStatus.SENT}


def test_an_old_link_is_expired_for_the_referrer_and_refused_to_the_parent(
    client: Any, hank: Any, host: Any, kies: Any, settings: Any
) -> None:
    referral_send(referrer=hank, programme=kies, school=host, email="a@example.org")
    token = token_in(mail_to("a@example.org", "referral_invitation"))
    assert settings.REFERRAL_LINK_DAYS == 30
    with time_machine.travel("2026-11-05 10:00"):  # 35 days later
        assert client.get(reverse("referral-link", args=[token])).status_code == 404
        listing = client_for(hank).get(reverse("referral-list")).content.decode()
    assert 'data-status="expired"' in listing


def test_a_resent_referral_has_a_new_link_and_the_old_one_stops_working(
    client: Any, hank: Any, host: Any, kies: Any
) -> None:
    referral = referral_send(referrer=hank, programme=kies, school=host, email="a@example.org")
    first = token_in(mail_to("a@example.org", "referral_invitation"))
    client_for(hank).post(reverse("referral-resend", args=[referral.public_id]))
    messages = list(OutboxMessage.objects.filter(kind="referral_invitation").order_by("pk"))
    assert len(messages) == 2
    second = token_in(messages[1])
    assert first != second
    assert client.get(reverse("referral-link", args=[first])).status_code == 404
    assert client.get(reverse("referral-link", args=[second])).status_code == 200


def test_a_revoked_link_no_longer_works(client: Any, hank: Any, host: Any, kies: Any) -> None:
    referral = referral_send(referrer=hank, programme=kies, school=host, email="a@example.org")
    token = token_in(mail_to("a@example.org", "referral_invitation"))
    client_for(hank).post(reverse("referral-revoke", args=[referral.public_id]))
    assert client.get(reverse("referral-link", args=[token])).status_code == 404


def test_a_programme_named_after_the_divorce_is_named_neutrally_in_the_subject(
    hank: Any, host: Any, kies: Any
) -> None:
    kies.name_nl = "KIES (Kinderen in Scheiding)"
    kies.discreet_titles = False
    kies.save()
    referral_send(referrer=hank, programme=kies, school=host, email="a@example.org")
    message = mail_to("a@example.org", "referral_invitation")
    assert "scheiding" not in message.subject.lower()
    assert host.name in message.subject
