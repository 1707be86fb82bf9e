"""The manager sees, per group, what personal data is still held and when it goes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from enrolment.models import Attendance, AttendanceStatus, IntakeOutcome
from enrolment.services import intake_record
from enrolment.services.retention import (
    LEFTOVER_COUNTERS,
    enrolment_erase,
    erase_date,
    group_end_dates,
    retention_overview,
)
from notifications.erasure import outbox_rows_left
from notifications.models import OutboxMessage
from scheduler.models import Group
from scheduler.services import group_cancel
from tests.enrolment.test_retention_erase import enrol_family
from tests.enrolment.world import make_published_group

pytestmark = pytest.mark.django_db

OVERVIEW = reverse("privacy-retention-overview")


def kinds(row: Any) -> list[int]:
    return [count for _label, count in row.kinds]


def test_the_overview_counts_the_kinds_of_data_held_per_group_and_the_erase_date(
    group: Any, host: Any, consent_text: Any, emitted: list[Any], alice: Any
) -> None:
    one, _ = enrol_family(group, host, consent_text, emitted, first="Amir")
    enrol_family(group, host, consent_text, emitted, first="Bente", siblings=("Cor",))
    intake_record(
        enrolment=one.enrolments[0],
        outcome=IntakeOutcome.SUITABLE,
        notes="Gaat goed",
        recorded_by=alice,
    )
    Attendance.objects.create(
        session=group.sessions.first(),
        enrolment=one.enrolments[0],
        status=AttendanceStatus.ABSENT,
        note="Ziek",
    )

    [row] = retention_overview(user=alice)

    end = group_end_dates([group.pk])[group.pk]
    assert (row.group, row.end_date, row.erase_on) == (group, end, erase_date(end))
    assert row.enrolments == 3 and row.by_status == {"confirmed": 3}
    # children, guardians, consents (2 per child), intake notes, attendance notes, links
    # (a confirm link per submission and one consent link per other guardian, siblings too)
    assert kinds(row) == [3, 4, 6, 1, 1, 4]

    enrolment_erase(enrolment=one.enrolments[0], reason="test")

    [row] = retention_overview(user=alice)
    assert row.enrolments == 2 and kinds(row) == [2, 2, 4, 0, 0, 2]


def outbox_rows_holding(result: Any) -> int:
    """The family's outbox rows that still hold a recipient, found as the erasure finds
    them: by `:guardian-<id>:` in the key."""
    rows = OutboxMessage.objects.none()
    for pk in result.submission.guardians.values_list("pk", flat=True):
        rows |= OutboxMessage.objects.filter(key__contains=f":guardian-{pk}:")
    return rows.filter(erased_at__isnull=True).exclude(to_email="").count()


def test_the_notifications_app_registers_its_outbox_counter() -> None:
    assert [str(label) for label, func in LEFTOVER_COUNTERS if func is outbox_rows_left] == [
        "Nog in berichten"
    ]


def test_the_overview_counts_the_outbox_rows_left_per_group_until_the_families_are_erased(
    group: Any,
    kies: Any,
    host: Any,
    consent_text: Any,
    emitted: list[Any],
    alice: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    other = make_published_group(kies, host)
    one, _ = enrol_family(group, host, consent_text, emitted, first="Ilse")
    two, _ = enrol_family(group, host, consent_text, emitted, first="Jop", siblings=("Kees",))
    three, _ = enrol_family(other, host, consent_text, emitted, first="Lotte")
    held = {
        name: outbox_rows_holding(r) for name, r in [("one", one), ("two", two), ("three", three)]
    }
    assert all(held.values()), held

    rows = {row.group.pk: row for row in retention_overview(user=alice)}
    assert rows[group.pk].leftovers == [("Nog in berichten", held["one"] + held["two"])]
    assert rows[other.pk].leftovers == [("Nog in berichten", held["three"])]

    # The erasure's own notices (erased, withdrawn) go out and are blanked right after.
    with django_capture_on_commit_callbacks(execute=True):
        enrolment_erase(enrolment=one.enrolments[0], reason="test")
    assert outbox_rows_holding(one) == 0

    rows = {row.group.pk: row for row in retention_overview(user=alice)}
    assert rows[group.pk].leftovers == [("Nog in berichten", outbox_rows_holding(two))]
    assert rows[other.pk].leftovers == [("Nog in berichten", held["three"])]

    with django_capture_on_commit_callbacks(execute=True):
        for enrolment in two.enrolments:
            enrolment_erase(enrolment=enrolment, reason="test")
    # The group left the overview with its enrolments; nothing is left in the outbox either.
    assert outbox_rows_left([group.pk, other.pk]) == {group.pk: 0, other.pk: held["three"]}
    [row] = retention_overview(user=alice)
    assert row.group == other and row.leftovers == [("Nog in berichten", held["three"])]


def test_the_overview_page_shows_what_is_left_in_messages(
    as_alice: Any, group: Any, host: Any, consent_text: Any, emitted: list[Any]
) -> None:
    result, _ = enrol_family(group, host, consent_text, emitted, first="Mila")
    page = as_alice.get(OVERVIEW).content.decode()
    assert f"Nog in berichten: {outbox_rows_holding(result)}" in page
    assert outbox_rows_holding(result) > 0


def test_a_group_whose_data_is_all_erased_leaves_the_overview(
    group: Any, host: Any, consent_text: Any, emitted: list[Any], alice: Any
) -> None:
    result, _ = enrol_family(group, host, consent_text, emitted, first="Dex")
    enrolment_erase(enrolment=result.enrolments[0], reason="test")
    assert retention_overview(user=alice) == []


@pytest.mark.parametrize("persona", ["bob", "carol", "dave", "eve"])
def test_only_the_manager_may_read_the_overview(persona: str, request: Any) -> None:
    user = request.getfixturevalue(persona)
    user = getattr(user, "user", user)
    with pytest.raises(PermissionDenied):
        retention_overview(user=user)


# --- the pages -------------------------------------------------------------------------------


def test_the_overview_page_lists_groups_with_their_erase_date_and_no_names(
    as_alice: Any, group: Any, host: Any, consent_text: Any, emitted: list[Any]
) -> None:
    enrol_family(group, host, consent_text, emitted, first="Femke")
    erase_on = erase_date(group_end_dates([group.pk])[group.pk])

    page = as_alice.get(OVERVIEW).content.decode()

    assert reverse("privacy-retention-group", args=[group.pk]) in page
    assert erase_on.strftime("%d-%m-%Y") in page
    assert "Femke" not in page and "example.org" not in page


def test_the_group_page_lists_kinds_of_data_not_the_data(
    as_alice: Any, group: Any, host: Any, consent_text: Any, emitted: list[Any]
) -> None:
    enrol_family(group, host, consent_text, emitted, first="Gijs")
    response = as_alice.get(reverse("privacy-retention-group", args=[group.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "e-mailadressen en telefoonnummers van ouders" in page.lower()
    assert "Gijs" not in page and "example.org" not in page and "06-" not in page


def test_a_group_without_data_held_is_a_404(as_alice: Any, group: Any) -> None:
    assert as_alice.get(reverse("privacy-retention-group", args=[group.pk])).status_code == 404


@pytest.mark.parametrize("persona", ["as_bob", "as_carol", "as_dave", "as_eve"])
def test_other_roles_get_403(persona: str, request: Any, group: Any) -> None:
    client = request.getfixturevalue(persona)
    assert client.get(OVERVIEW).status_code == 403
    assert client.get(reverse("privacy-retention-group", args=[group.pk])).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client: Any, db: None) -> None:
    response = client.get(OVERVIEW)
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_the_overview_page_needs_no_more_queries_for_more_groups(
    as_alice: Any, kies: Any, host: Any, consent_text: Any, emitted: list[Any], _today: Any
) -> None:
    def add_groups(count: int, start: int) -> None:
        for index in range(start, start + count):
            group = make_published_group(kies, host)
            enrol_family(group, host, consent_text, emitted, first=f"Kind{index}")

    add_groups(2, 0)
    with CaptureQueriesContext(connection) as two:
        assert as_alice.get(OVERVIEW).status_code == 200
    add_groups(8, 2)
    with CaptureQueriesContext(connection) as ten:
        page = as_alice.get(OVERVIEW).content.decode()
    assert Group.objects.count() == 10
    for group in Group.objects.all():
        assert reverse("privacy-retention-group", args=[group.pk]) in page
    # Each group's count of the outbox rows still addressed to its family is there too.
    assert page.count("Nog in berichten: ") == 10 and "Nog in berichten: 0" not in page
    assert len(ten) == len(two)


def test_the_erase_date_moves_with_a_cancelled_group(
    alice: Any, group: Any, host: Any, consent_text: Any, emitted: list[Any]
) -> None:
    enrol_family(group, host, consent_text, emitted, first="Hugo")
    group_cancel(group=group)
    [row] = retention_overview(user=alice)
    assert (row.end_date, row.erase_on) == (dt.date(2026, 10, 1), dt.date(2027, 10, 2))
