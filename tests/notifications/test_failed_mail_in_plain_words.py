"""The failed-mail page speaks the manager's words (issue 17, item 5): which message it
was, and why it did not go out, with the mail server's own reply one click away."""

from __future__ import annotations

import pytest
from django.urls import reverse

from notifications.models import OutboxMessage, OutboxStatus
from notifications.words import failure_explained
from tests.notifications.outbox_samples import enqueue_sample

pytestmark = pytest.mark.django_db


def _stuck(kind: str, reason: str, status: str = OutboxStatus.FAILED) -> None:
    message = enqueue_sample()
    OutboxMessage.objects.filter(pk=message.pk).update(
        kind=kind, status=status, attempts=1, last_error=reason
    )


def test_the_page_names_the_message_and_the_reason_in_plain_dutch(as_alice) -> None:
    _stuck("invitation", "typfout@example.org: 550 5.1.1 Mailbox unknown")
    _stuck("seat_offered", "451 4.3.0 Try again later", OutboxStatus.AWAITING_RETRY)

    page = as_alice.get(reverse("notifications:outbox-failed")).content.decode()

    assert "Inschrijving bevestigd, met de agenda" in page
    assert "Plaats aangeboden" in page
    assert "Het e-mailadres bestaat niet" in page
    assert "tijdelijk probleem" in page
    # The technical words are no longer the first thing one reads, but they are kept.
    assert ">invitation<" not in page
    assert "<code>typfout@example.org: 550 5.1.1 Mailbox unknown</code>" in page


@pytest.mark.parametrize(
    ("reply", "says"),
    [
        ("a@example.org: 550 5.1.1 User unknown", "bestaat niet"),
        ("552 5.2.2 Mailbox full", "mailbox van de ontvanger is vol"),
        ("554 5.7.1 Rejected by policy", "weigerde het bericht"),
        ("421 4.7.0 Try later", "tijdelijk probleem"),
        ("ConnectionRefusedError: [Errno 111] Connection refused", "eigen mailserver"),
        ("Opgegeven na 6 pogingen: 451 4.3.0 Busy", "Na 6 pogingen opgegeven"),
        ("ValueError: something odd", "onbekende fout"),
    ],
)
def test_each_kind_of_reply_gets_its_own_explanation(reply: str, says: str) -> None:
    assert says in failure_explained(reply)


def test_every_kind_of_message_the_site_sends_has_a_name_in_the_managers_words() -> None:
    from notifications.evaluation_mail import KIND as EVALUATION_KIND
    from notifications.messages import MESSAGE_KINDS
    from notifications.referral_messages import REFERRAL_MESSAGE_KINDS
    from notifications.words import KIND_LABELS

    kinds = {*MESSAGE_KINDS, *REFERRAL_MESSAGE_KINDS, EVALUATION_KIND}

    assert sorted(kinds - set(KIND_LABELS)) == []


def test_a_failed_questionnaire_invitation_is_named_not_shown_as_its_kind(as_alice) -> None:
    _stuck("evaluation_invitation", "typfout@example.org: 550 5.1.1 Mailbox unknown")

    page = as_alice.get(reverse("notifications:outbox-failed")).content.decode()

    assert "Uitnodiging voor een vragenlijst" in page
    assert ">evaluation_invitation<" not in page
