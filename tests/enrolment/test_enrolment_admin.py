"""The enrolment admin: the manager's, read-only where facts live, and without personal data."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from enrolment.audit import AuditAction, audit_record
from enrolment.models import ConsentText, Enrolment, Interest
from enrolment.services import interest_register
from tests.enrolment.test_retention_erase import enrol_family
from tests.enrolment.world import make_published_group
from tests.factories import letters

pytestmark = pytest.mark.django_db

PAGES = [
    "admin:enrolment_consenttext_changelist",
    "admin:enrolment_auditentry_changelist",
    "admin:enrolment_interest_changelist",
    "admin:enrolment_enrolment_changelist",
]


@pytest.fixture
def enrolment(group: Any, host: Any, consent_text: Any, emitted: list[Any]) -> Enrolment:
    result, values = enrol_family(group, host, consent_text, emitted, first="Olivier")
    enrolment = result.enrolments[0]
    enrolment.personal_values = values["names"] + values["emails"] + values["phones"]
    return enrolment


@pytest.mark.parametrize("page", PAGES)
def test_the_manager_opens_every_enrolment_admin_page(
    as_alice: Any, enrolment: Any, page: str
) -> None:
    assert as_alice.get(reverse(page)).status_code == 200


@pytest.mark.parametrize("persona", ["as_bob", "as_carol", "as_dave", "as_eve"])
@pytest.mark.parametrize("page", PAGES)
def test_other_roles_are_sent_to_the_admin_log_in(persona: str, page: str, request: Any) -> None:
    response = request.getfixturevalue(persona).get(reverse(page))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_enrolment_admin_shows_no_personal_data(as_alice: Any, enrolment: Any) -> None:
    for url in [
        reverse("admin:enrolment_enrolment_changelist"),
        reverse("admin:enrolment_enrolment_change", args=[enrolment.pk]),
    ]:
        response = as_alice.get(url)
        page = response.content.decode()
        assert response.status_code == 200
        assert str(enrolment.public_id) in page
        for personal in [*enrolment.personal_values, "example.org", enrolment.child_key]:
            assert personal not in page, (url, personal)


def test_the_enrolment_admin_changes_nothing(as_alice: Any, enrolment: Any) -> None:
    url = reverse("admin:enrolment_enrolment_change", args=[enrolment.pk])
    assert "_save" not in as_alice.get(url).content.decode()
    as_alice.post(url, {"status": "withdrawn"})
    assert as_alice.get(reverse("admin:enrolment_enrolment_add")).status_code == 403
    assert Enrolment.objects.get(pk=enrolment.pk).status == enrolment.status


def test_a_used_consent_text_is_read_only(as_alice: Any, enrolment: Any) -> None:
    used = ConsentText.objects.get(version="2026-1")
    url = reverse("admin:enrolment_consenttext_change", args=[used.pk])
    assert "_save" not in as_alice.get(url).content.decode()
    as_alice.post(url, {"version": "2026-1", "text_nl": "Anders", "text_en": "Other"})
    used.refresh_from_db()
    assert used.text_nl != "Anders"


def test_the_manager_adds_a_new_consent_text_version_and_may_correct_it_until_used(
    as_alice: Any, db: None
) -> None:
    data = {
        "version": "2027-1",
        "active_from_0": "01-08-2027",
        "active_from_1": "00:00:00",
        "text_nl": "Nieuwe tekst",
        "text_en": "New text",
    }
    response = as_alice.post(reverse("admin:enrolment_consenttext_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    new = ConsentText.objects.get(version="2027-1")
    url = reverse("admin:enrolment_consenttext_change", args=[new.pk])
    assert "_save" in as_alice.get(url).content.decode()
    as_alice.post(url, {**data, "text_nl": "Verbeterde tekst"})
    new.refresh_from_db()
    assert new.text_nl == "Verbeterde tekst"


def test_the_audit_log_is_read_only_and_filterable(as_alice: Any, alice: Any) -> None:
    entry = audit_record(actor=alice, action=AuditAction.ROSTER_VIEWED, target="group 1")
    changelist = reverse("admin:enrolment_auditentry_changelist")
    page = as_alice.get(changelist, {"action": AuditAction.ROSTER_VIEWED}).content.decode()
    assert "group 1" in page
    url = reverse("admin:enrolment_auditentry_change", args=[entry.pk])
    assert "_save" not in as_alice.get(url).content.decode()
    assert (
        as_alice.get(reverse("admin:enrolment_auditentry_delete", args=[entry.pk])).status_code
        == 403
    )


def test_interest_is_listed_per_school_and_programme(as_alice: Any, kies: Any, host: Any) -> None:
    interest_register(school=host, programme=kies, email="ouder@example.org")
    page = as_alice.get(reverse("admin:enrolment_interest_changelist")).content.decode()
    assert host.name in page and Interest.objects.count() == 1


def test_the_enrolment_history_page_shows_no_personal_data(as_alice: Any, enrolment: Any) -> None:
    response = as_alice.get(reverse("admin:enrolment_enrolment_history", args=[enrolment.pk]))
    assert response.status_code == 200
    assert "Olivier" not in response.content.decode()


def test_the_enrolment_list_needs_no_more_queries_for_more_enrolments(
    as_alice: Any, kies: Any, host: Any, consent_text: Any, emitted: list[Any]
) -> None:
    url = reverse("admin:enrolment_enrolment_changelist")
    for index in range(2):
        group = make_published_group(kies, host)
        enrol_family(group, host, consent_text, emitted, first=f"Een{letters(index)}")
    with CaptureQueriesContext(connection) as few:
        assert as_alice.get(url).status_code == 200
    for index in range(2, 8):
        group = make_published_group(kies, host)
        enrol_family(group, host, consent_text, emitted, first=f"Meer{letters(index)}")
    with CaptureQueriesContext(connection) as many:
        assert as_alice.get(url).status_code == 200
    assert Enrolment.objects.count() == 8
    assert len(many) == len(few)
