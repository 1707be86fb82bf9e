"""Who may open which staff page of enrolment: one table of (persona, page, status).

Every staff URL kind has a row per persona, so a new page without rows stands out:
`test_every_staff_url_has_a_row_for_every_persona` fails until it is added.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from enrolment import urls_staff
from scheduler.services import group_create
from tests import factories
from tests.enrolment.staff_support import enrol
from tests.enrolment.world import make_published_group

pytestmark = pytest.mark.django_db


@dataclass
class World:
    group: Any
    session: Any
    enrolment: Any
    other_trainer: Any
    class_group: Any


@pytest.fixture
def world(
    kies: Any, host: Any, school_a: Any, school_b: Any, dave: Any, consent_text: Any, emitted: Any
) -> World:
    kies.requires_intake = True
    kies.save()
    group = make_published_group(kies, host, admitted_schools=[school_a])
    group.trainers.add(dave)
    enrolment = enrol(group, school_a, consent_text, emitted, first="Noor")
    other_group = make_published_group(kies, school_b)
    class_programme = factories.ProgrammeFactory(
        code="think-access", enrolment_mode="class", trainers_per_group=1
    )
    class_group = group_create(
        programme=class_programme,
        host_school=school_a,
        school_year=group.school_year,
        round_label="najaar 2026",
        weekday=0,
        start_time=group.start_time,
        first_date=group.first_date,
        class_name="7B",
        class_size=24,
        mentor_name="Mevr. Mentor",
    ).group
    return World(
        group=group,
        session=group.sessions.filter(kind="child").order_by("starts_at").first(),
        enrolment=enrolment,
        other_trainer=other_group.trainers.get(),
        class_group=class_group,
    )


def url_for(kind: str, world: World) -> str:
    group, enrolment = world.group, world.enrolment
    return {
        "overview": reverse("staff-overview"),
        "roster": reverse("staff-roster", args=[group.pk]),
        "roster_csv": reverse("staff-roster-csv", args=[group.pk]),
        "roster_xlsx": reverse("staff-roster-xlsx", args=[group.pk]),
        "roster_print": reverse("staff-roster-print", args=[group.pk]),
        "attendance": reverse("staff-attendance", args=[group.pk, world.session.pk]),
        "intake": reverse("staff-intake", args=[enrolment.public_id]),
        "withdraw": reverse("staff-withdraw", args=[enrolment.public_id]),
        "consent_resend": reverse("staff-consent-resend", args=[enrolment.public_id]),
        "duplicate": reverse("staff-duplicate", args=[enrolment.public_id]),
        "classes": reverse("staff-classes"),
        "class_booking": reverse("staff-class-booking", args=[world.class_group.pk]),
        "audit_log": reverse("staff-audit-log"),
    }[kind]


# URL name -> the kind used in the table below.
URL_KINDS = {
    "staff-overview": "overview",
    "staff-roster": "roster",
    "staff-roster-csv": "roster_csv",
    "staff-roster-xlsx": "roster_xlsx",
    "staff-roster-print": "roster_print",
    "staff-attendance": "attendance",
    "staff-intake": "intake",
    "staff-withdraw": "withdraw",
    "staff-consent-resend": "consent_resend",
    "staff-duplicate": "duplicate",
    "staff-classes": "classes",
    "staff-class-booking": "class_booking",
    "staff-audit-log": "audit_log",
}

PERSONAS = ("anonymous", "eve", "alice", "own_trainer", "other_trainer", "bob", "carol")

# persona: the manager (alice), the group's trainer (dave), a trainer of another group,
# the coordinator of the enrolled pupil's school (bob), a coordinator of an unrelated
# school (carol), a user without a role (eve), nobody logged in.
# fmt: off
MATRIX = [
    # overview
    ("anonymous", "overview", 302), ("eve", "overview", 403), ("alice", "overview", 200),
    ("own_trainer", "overview", 200), ("other_trainer", "overview", 200),
    ("bob", "overview", 200), ("carol", "overview", 200),
    # roster
    ("anonymous", "roster", 302), ("eve", "roster", 403), ("alice", "roster", 200),
    ("own_trainer", "roster", 200), ("other_trainer", "roster", 404),
    ("bob", "roster", 200), ("carol", "roster", 404),
    # roster as CSV
    ("anonymous", "roster_csv", 302), ("eve", "roster_csv", 403), ("alice", "roster_csv", 200),
    ("own_trainer", "roster_csv", 200), ("other_trainer", "roster_csv", 404),
    ("bob", "roster_csv", 200), ("carol", "roster_csv", 404),
    # roster as XLSX
    ("anonymous", "roster_xlsx", 302), ("eve", "roster_xlsx", 403),
    ("alice", "roster_xlsx", 200), ("own_trainer", "roster_xlsx", 200),
    ("other_trainer", "roster_xlsx", 404), ("bob", "roster_xlsx", 200),
    ("carol", "roster_xlsx", 404),
    # printable roster
    ("anonymous", "roster_print", 302), ("eve", "roster_print", 403),
    ("alice", "roster_print", 200), ("own_trainer", "roster_print", 200),
    ("other_trainer", "roster_print", 404), ("bob", "roster_print", 200),
    ("carol", "roster_print", 404),
    # attendance: the group's own trainers and the manager mark it; its school's coordinator
    # opens it read-only, as the attendance API lets them read it
    ("anonymous", "attendance", 302), ("eve", "attendance", 403),
    ("alice", "attendance", 200), ("own_trainer", "attendance", 200),
    ("other_trainer", "attendance", 404), ("bob", "attendance", 200),
    ("carol", "attendance", 404),
    # intake
    ("anonymous", "intake", 302), ("eve", "intake", 403), ("alice", "intake", 200),
    ("own_trainer", "intake", 200), ("other_trainer", "intake", 404),
    ("bob", "intake", 200), ("carol", "intake", 404),
    # withdrawal by staff: the pupil's coordinator and the manager; trainers may not
    ("anonymous", "withdraw", 302), ("eve", "withdraw", 403), ("alice", "withdraw", 200),
    ("own_trainer", "withdraw", 403), ("other_trainer", "withdraw", 404),
    ("bob", "withdraw", 200), ("carol", "withdraw", 404),
    # resending a consent request (POST only, so 405 to whoever may): as withdrawal
    ("anonymous", "consent_resend", 302), ("eve", "consent_resend", 403),
    ("alice", "consent_resend", 405), ("own_trainer", "consent_resend", 403),
    ("other_trainer", "consent_resend", 404), ("bob", "consent_resend", 405),
    ("carol", "consent_resend", 404),
    # a possible duplicate: whoever may withdraw both enrolments (here there is one)
    ("anonymous", "duplicate", 302), ("eve", "duplicate", 403), ("alice", "duplicate", 200),
    ("own_trainer", "duplicate", 403), ("other_trainer", "duplicate", 404),
    ("bob", "duplicate", 200), ("carol", "duplicate", 404),
    # class bookings: coordinators (their own schools) and the manager
    ("anonymous", "classes", 302), ("eve", "classes", 403), ("alice", "classes", 200),
    ("own_trainer", "classes", 403), ("other_trainer", "classes", 403),
    ("bob", "classes", 200), ("carol", "classes", 200),
    ("anonymous", "class_booking", 302), ("eve", "class_booking", 403),
    ("alice", "class_booking", 200), ("own_trainer", "class_booking", 403),
    ("other_trainer", "class_booking", 403), ("bob", "class_booking", 200),
    ("carol", "class_booking", 404),
    # the audit log: the manager only
    ("anonymous", "audit_log", 302), ("eve", "audit_log", 403), ("alice", "audit_log", 200),
    ("own_trainer", "audit_log", 403), ("other_trainer", "audit_log", 403),
    ("bob", "audit_log", 403), ("carol", "audit_log", 403),
]
# fmt: on


def client_for(persona: str, world: World, request: pytest.FixtureRequest) -> Client:
    client = Client()
    users = {
        "eve": lambda: request.getfixturevalue("eve"),
        "alice": lambda: request.getfixturevalue("alice"),
        "own_trainer": lambda: request.getfixturevalue("dave").user,
        "other_trainer": lambda: world.other_trainer.user,
        "bob": lambda: request.getfixturevalue("bob"),
        "carol": lambda: request.getfixturevalue("carol"),
    }
    if persona != "anonymous":
        client.force_login(users[persona]())
    return client


@pytest.mark.parametrize(("persona", "kind", "expected"), MATRIX)
def test_staff_page_answers_each_persona_as_the_table_says(
    persona: str, kind: str, expected: int, world: World, request: pytest.FixtureRequest
) -> None:
    response = client_for(persona, world, request).get(url_for(kind, world))
    assert response.status_code == expected
    if expected == 302:
        assert response["Location"].startswith(reverse("login"))


def test_every_staff_url_has_a_row_for_every_persona() -> None:
    names = {pattern.name for pattern in urls_staff.urlpatterns}
    assert names == set(URL_KINDS), "add the new page to URL_KINDS and MATRIX"
    for kind in URL_KINDS.values():
        personas = {persona for persona, row_kind, _ in MATRIX if row_kind == kind}
        assert personas == set(PERSONAS), f"{kind} lacks rows for {set(PERSONAS) - personas}"


def test_a_trainer_sees_only_the_rosters_of_their_own_groups_on_the_overview(
    world: World, as_dave: Client
) -> None:
    page = as_dave.get(reverse("staff-overview")).content.decode()
    assert reverse("staff-roster", args=[world.group.pk]) in page
    other = world.other_trainer.groups.get()
    assert reverse("staff-roster", args=[other.pk]) not in page


def test_the_host_schools_coordinator_sees_none_of_another_schools_pupils_on_a_shared_group(
    world: World, host: Any, consent_text: Any, emitted: Any
) -> None:
    host_pupil = enrol(world.group, host, consent_text, emitted, first="Hidde")
    coordinator = factories.UserFactory(username="hans")
    host.coordinators.add(coordinator)
    client = Client()
    client.force_login(coordinator)
    response = client.get(reverse("staff-roster", args=[world.group.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert host_pupil.child.full_name in page
    assert world.enrolment.child.full_name not in page
    assert world.enrolment.submission.guardians.get().email not in page
    assert "alleen de leerlingen van uw eigen school" in page


def test_a_coordinator_sees_their_pupil_on_a_group_hosted_elsewhere_but_not_the_host_pupils(
    world: World, host: Any, consent_text: Any, emitted: Any, as_bob: Client
) -> None:
    host_pupil = enrol(world.group, host, consent_text, emitted, first="Hidde")
    page = as_bob.get(reverse("staff-roster", args=[world.group.pk])).content.decode()
    assert world.enrolment.child.full_name in page
    assert host_pupil.child.full_name not in page
    csv_text = as_bob.get(reverse("staff-roster-csv", args=[world.group.pk])).content
    assert b"Hidde" not in csv_text and b"Noor" in csv_text
