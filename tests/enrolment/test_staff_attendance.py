from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from enrolment import events
from enrolment.models import Attendance, AttendanceStatus
from enrolment.services import attendance_record
from tests.enrolment.staff_support import AFTER_THIRD_SESSION, enrol
from tests.enrolment.world import make_published_group

pytestmark = pytest.mark.django_db

PRESENT, ABSENT, EXCUSED = (
    AttendanceStatus.PRESENT,
    AttendanceStatus.ABSENT,
    AttendanceStatus.EXCUSED,
)


@pytest.fixture
def setup(
    kies: Any,
    host: Any,
    school_a: Any,
    dave: Any,
    consent_text: Any,
    emitted: Any,
    _today: Any,
) -> dict[str, Any]:
    group = make_published_group(kies, host, capacity=2, admitted_schools=[school_a])
    group.trainers.add(dave)
    mila = enrol(group, school_a, consent_text, emitted, first="Mila")
    finn = enrol(group, host, consent_text, emitted, first="Finn")
    waiting = enrol(group, host, consent_text, emitted, first="Wachtend")
    _today.move_to(AFTER_THIRD_SESSION)
    sessions = list(group.sessions.filter(kind="child").order_by("starts_at"))
    assert [s.starts_at.date().isoformat() for s in sessions[:3]] == [
        "2026-11-02",
        "2026-11-09",
        "2026-11-16",
    ]
    return {"group": group, "mila": mila, "finn": finn, "waiting": waiting, "sessions": sessions}


def url(setup: dict[str, Any], index: int) -> str:
    return reverse("staff-attendance", args=[setup["group"].pk, setup["sessions"][index].pk])


def mark(setup: dict[str, Any], index: int, by: Any, **statuses: str) -> None:
    attendance_record(
        session=setup["sessions"][index],
        marks={setup[name].pk: (status, "") for name, status in statuses.items()},
        recorded_by=by,
    )


def test_the_groups_own_trainer_marks_each_confirmed_child_on_one_form(
    setup: dict[str, Any], as_dave: Client, dave: Any
) -> None:
    mila, finn = setup["mila"], setup["finn"]
    page = as_dave.get(url(setup, 0)).content.decode()
    assert 'type="radio"' in page and "Mila" in page and "Finn" in page
    assert "Wachtend" not in page  # a waitlisted child is not in the group yet
    response = as_dave.post(
        url(setup, 0),
        {
            f"status_{mila.pk}": PRESENT,
            f"status_{finn.pk}": EXCUSED,
            f"note_{finn.pk}": "Bij de tandarts",
        },
    )
    assert response.status_code == 302
    marks = {a.enrolment_id: (a.status, a.note, a.recorded_by) for a in Attendance.objects.all()}
    assert marks == {
        mila.pk: (PRESENT, "", dave.user),
        finn.pk: (EXCUSED, "Bij de tandarts", dave.user),
    }


def test_marking_again_corrects_the_mark_instead_of_adding_one(
    setup: dict[str, Any], as_dave: Client
) -> None:
    mila = setup["mila"]
    as_dave.post(url(setup, 0), {f"status_{mila.pk}": ABSENT})
    as_dave.post(url(setup, 0), {f"status_{mila.pk}": PRESENT, f"note_{mila.pk}": "Te laat"})
    attendance = Attendance.objects.get()
    assert (attendance.status, attendance.note) == (PRESENT, "Te laat")


def test_a_coordinator_who_sees_the_roster_may_not_mark_attendance(
    setup: dict[str, Any], as_bob: Client
) -> None:
    mila = setup["mila"]
    assert as_bob.get(reverse("staff-roster", args=[setup["group"].pk])).status_code == 200
    assert as_bob.post(url(setup, 0), {f"status_{mila.pk}": ABSENT}).status_code == 403
    assert not Attendance.objects.exists()


def test_a_trainer_of_another_group_gets_404(
    setup: dict[str, Any], kies: Any, school_b: Any
) -> None:
    # Made back when enrolment ran (the clock stands after the third session now).
    other = make_published_group(kies, school_b, as_of=dt.date(2026, 10, 1)).trainers.get()
    client = Client()
    client.force_login(other.user)
    response = client.post(url(setup, 0), {f"status_{setup['mila'].pk}": ABSENT})
    assert response.status_code == 404
    assert not Attendance.objects.exists()


def test_the_manager_may_mark_attendance(setup: dict[str, Any], as_alice: Client) -> None:
    as_alice.post(url(setup, 1), {f"status_{setup['finn'].pk}": PRESENT})
    assert Attendance.objects.get().status == PRESENT


def test_a_session_on_a_later_day_cannot_be_marked_yet(
    setup: dict[str, Any], as_dave: Client
) -> None:
    response = as_dave.post(url(setup, 3), {f"status_{setup['mila'].pk}": PRESENT})
    assert response.status_code == 200
    assert "nog niet geweest" in response.content.decode()
    assert not Attendance.objects.exists()


def test_nothing_is_saved_when_one_mark_is_for_a_child_not_in_the_group(
    setup: dict[str, Any], dave: Any
) -> None:
    with pytest.raises(ValidationError):
        mark(setup, 0, dave.user, mila=PRESENT, waiting=ABSENT)
    assert not Attendance.objects.exists()


def test_a_note_longer_than_200_characters_is_refused(setup: dict[str, Any], dave: Any) -> None:
    with pytest.raises(ValidationError):
        attendance_record(
            session=setup["sessions"][0],
            marks={setup["mila"].pk: (ABSENT, "x" * 201)},
            recorded_by=dave.user,
        )
    assert not Attendance.objects.exists()


def absent_twice_events(emitted: list[Any]) -> list[int]:
    return [e.enrolment_id for e in emitted if isinstance(e, events.AbsentTwice)]


def test_two_consecutive_absences_flag_the_child_for_the_schools_coordinator(
    setup: dict[str, Any], dave: Any, as_bob: Client, emitted: list[Any]
) -> None:
    mark(setup, 1, dave.user, mila=ABSENT, finn=PRESENT)
    assert absent_twice_events(emitted) == []
    mark(setup, 2, dave.user, mila=ABSENT, finn=ABSENT)
    assert absent_twice_events(emitted) == [setup["mila"].pk]
    mark(setup, 2, dave.user, mila=ABSENT)  # saving the same marks again tells no one twice
    assert absent_twice_events(emitted) == [setup["mila"].pk]

    roster = as_bob.get(reverse("staff-roster", args=[setup["group"].pk])).content.decode()
    assert "2× afwezig" in roster
    overview = as_bob.get(reverse("staff-overview")).content.decode()
    attention = overview.split('id="aandacht"')[1].split("</section>")[0]
    assert "Mila" in attention
    assert "Finn" not in attention  # absent once, and not bob's pupil either


def test_an_excused_absence_does_not_count(
    setup: dict[str, Any], dave: Any, as_bob: Client, emitted: list[Any]
) -> None:
    mark(setup, 1, dave.user, mila=EXCUSED)
    mark(setup, 2, dave.user, mila=ABSENT)
    assert absent_twice_events(emitted) == []
    roster = as_bob.get(reverse("staff-roster", args=[setup["group"].pk])).content.decode()
    assert "2× afwezig" not in roster


def test_only_the_two_most_recent_sessions_count(
    setup: dict[str, Any], dave: Any, as_bob: Client
) -> None:
    mark(setup, 0, dave.user, mila=ABSENT)
    mark(setup, 1, dave.user, mila=ABSENT)
    mark(setup, 2, dave.user, mila=PRESENT)
    roster = as_bob.get(reverse("staff-roster", args=[setup["group"].pk])).content.decode()
    assert "2× afwezig" not in roster
    overview = as_bob.get(reverse("staff-overview")).content.decode()
    assert "Mila" not in overview.split('id="aandacht"')[1].split("</section>")[0]


def test_marking_an_earlier_session_late_also_completes_a_pair(
    setup: dict[str, Any], dave: Any, emitted: list[Any]
) -> None:
    mark(setup, 2, dave.user, mila=ABSENT)
    mark(setup, 1, dave.user, mila=ABSENT)
    assert absent_twice_events(emitted) == [setup["mila"].pk]


def test_the_attendance_form_is_one_column_with_large_choices_and_no_inline_code(
    setup: dict[str, Any], as_dave: Client
) -> None:
    page = as_dave.get(url(setup, 2)).content.decode()
    assert page.count("gp-attendance__choice") >= 6
    assert "css/roster.css" in page
    assert "<script" not in page and "style=" not in page
