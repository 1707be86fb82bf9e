"""The manager's page of mail that did not go out, with a resend button; and the admin."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications.models import OutboxMessage, OutboxStatus
from tests.notifications.outbox_samples import enqueue_sample

pytestmark = pytest.mark.django_db

PAGE = reverse("notifications:outbox-failed")


def _failed(reason: str = "550 5.1.1 Mailbox unknown", **fields) -> OutboxMessage:
    message = enqueue_sample(**fields)
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxStatus.FAILED, attempts=1, last_error=reason
    )
    message.refresh_from_db()
    return message


def test_the_manager_sees_failed_and_retrying_mail_with_the_reason(as_alice) -> None:
    failed = _failed(to="typfout@example.org", subject="Uitnodiging groep")
    retrying = enqueue_sample(to="later@example.org")
    OutboxMessage.objects.filter(pk=retrying.pk).update(
        status=OutboxStatus.AWAITING_RETRY, attempts=2, last_error="451 4.3.0 Try again later"
    )
    sent = enqueue_sample(to="gelukt@example.org")
    OutboxMessage.objects.filter(pk=sent.pk).update(
        status=OutboxStatus.SENT, sent_at=sent.created_at
    )

    response = as_alice.get(PAGE)

    assert response.status_code == 200
    page = response.content.decode()
    assert "typfout@example.org" in page
    assert "550 5.1.1 Mailbox unknown" in page
    assert "Uitnodiging groep" in page
    assert "later@example.org" in page
    assert "451 4.3.0 Try again later" in page
    assert "gelukt@example.org" not in page
    assert reverse("notifications:outbox-resend", args=[failed.pk]) in page


@pytest.mark.parametrize("persona", ["as_bob", "as_dave", "as_eve"])
def test_nobody_but_the_manager_may_see_the_page(request, persona: str) -> None:
    _failed()
    client = request.getfixturevalue(persona)

    assert client.get(PAGE).status_code == 403


def test_an_anonymous_visitor_is_sent_to_log_in(client) -> None:
    response = client.get(PAGE)

    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_resending_puts_the_message_back_and_sends_it(
    as_alice, django_capture_on_commit_callbacks
) -> None:
    message = _failed()

    with django_capture_on_commit_callbacks(execute=True):
        response = as_alice.post(reverse("notifications:outbox-resend", args=[message.pk]))

    assert response.status_code == 302
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert [m.extra_headers["Message-ID"] for m in mail.outbox] == [message.message_id]


def test_resending_needs_a_post(as_alice) -> None:
    message = _failed()

    response = as_alice.get(reverse("notifications:outbox-resend", args=[message.pk]))

    assert response.status_code == 405
    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED


def test_a_coordinator_cannot_resend(as_bob) -> None:
    message = _failed()

    response = as_bob.post(reverse("notifications:outbox-resend", args=[message.pk]))

    assert response.status_code == 403
    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED


def test_resending_a_sent_message_is_refused_with_a_message(as_alice) -> None:
    message = enqueue_sample()
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxStatus.SENT, sent_at=message.created_at
    )

    response = as_alice.post(reverse("notifications:outbox-resend", args=[message.pk]), follow=True)

    assert response.status_code == 200
    assert "Alleen een mislukt of wachtend bericht" in response.content.decode()
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT


def test_the_page_needs_the_same_number_of_queries_for_2_and_20_messages(as_alice) -> None:
    for _ in range(2):
        _failed()
    as_alice.get(PAGE)  # warm up the session and role caches
    with CaptureQueriesContext(connection) as few:
        assert as_alice.get(PAGE).status_code == 200
    for _ in range(18):
        _failed()
    with CaptureQueriesContext(connection) as many:
        response = as_alice.get(PAGE)
    assert len(response.context["outbox_messages"]) == 20

    assert len(many) == len(few)


def test_the_manager_resends_from_the_admin(as_alice, django_capture_on_commit_callbacks) -> None:
    message = _failed()
    changelist = reverse("admin:notifications_outboxmessage_changelist")

    assert as_alice.get(changelist).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = as_alice.post(
            changelist, {"action": "resend", "_selected_action": [str(message.pk)]}
        )

    assert response.status_code == 302
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT


def test_nobody_edits_an_outbox_message_in_the_admin(as_alice) -> None:
    message = _failed()
    change = reverse("admin:notifications_outboxmessage_change", args=[message.pk])

    response = as_alice.post(change, {"subject": "Anders"})

    message.refresh_from_db()
    assert message.subject != "Anders"
    assert response.status_code in (302, 403)
    assert as_alice.get(reverse("admin:notifications_outboxmessage_add")).status_code == 403


def test_the_admin_is_closed_to_a_coordinator(as_bob) -> None:
    response = as_bob.get(reverse("admin:notifications_outboxmessage_changelist"))

    assert response.status_code == 302
    assert "login" in response["Location"]
