"""Messages about the schedule: a moved, cancelled or added session and a cancelled group
reach every parent of a confirmed child and every trainer, with the right calendar file;
trainers hear when they join or leave a group; coordinators hear of two absences in a row."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from core import domain_events
from enrolment.models import AttendanceStatus
from enrolment.services import attendance_record
from notifications.listeners import group_revision
from scheduler import events as scheduler_events
from scheduler.series import at_amsterdam
from scheduler.services import group_cancel, group_replace_trainer, session_cancel, session_move
from tests import factories
from tests.notifications.message_support import (
    LANGUAGES,
    MOTHER,
    SOLE,
    assert_good_message,
    confirm_email,
    enrol,
    enrol_confirmed,
    only_row,
    rows,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_enrolment_day")]


def trainer_of(group: Any) -> Any:
    return group.trainers.select_related("user").get()


def child_session(group: Any, sequence: int) -> Any:
    return group.sessions.get(kind="child", sequence=sequence)


def recipients(kind: str) -> dict[str, Any]:
    return {r.to_email: r for r in rows(kind)}


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_moved_session_reaches_the_parents_and_the_trainer_with_an_update(
    language: str, mail_group: Any, consent_text: Any, emitted: list[Any]
) -> None:
    enrol_confirmed(mail_group, consent_text, emitted, language=language)
    trainer = trainer_of(mail_group)
    session = child_session(mail_group, 2)
    session_move(session=session, starts_at=at_amsterdam(dt.date(2026, 11, 19), dt.time(10, 0)))
    moved = recipients("session_moved")
    assert set(moved) == {"carla@example.org", trainer.user.email}
    new_time = {
        "nl": "donderdag 19 november 2026 om 10:00",
        "en": "Thursday 19 November 2026 at 10:00",
    }
    old_time = {"nl": "maandag 16 november 2026 om 13:00", "en": "Monday 16 November 2026 at 13:00"}
    assert_good_message(
        moved["carla@example.org"],
        to="carla@example.org",
        language=language,
        contains=["Sam", new_time[language], old_time[language]],
    )
    assert_good_message(
        moved[trainer.user.email],
        to=trainer.user.email,
        language="nl",
        contains=[new_time["nl"]],
        absent=["Sam"],
    )
    for row in moved.values():
        assert row.ics_method == "REQUEST" and "RECURRENCE-ID" in row.ics
        assert row.key.endswith(":1")


def test_replaying_a_move_writes_nothing_and_a_second_move_writes_again(
    mail_group: Any, consent_text: Any, emitted: list[Any]
) -> None:
    enrol_confirmed(mail_group, consent_text, emitted)
    session = child_session(mail_group, 2)
    session_move(session=session, starts_at=at_amsterdam(dt.date(2026, 11, 19), dt.time(10, 0)))
    moved = [e for e in emitted if isinstance(e, scheduler_events.SessionMoved)]
    domain_events.emit(moved[0])
    assert len(rows("session_moved")) == 2
    session.refresh_from_db()
    session_move(session=session, starts_at=at_amsterdam(dt.date(2026, 11, 19), dt.time(11, 0)))
    assert len(rows("session_moved")) == 4


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_cancelled_session_sends_a_cancel_and_its_replacement_a_new_request(
    language: str, mail_group: Any, consent_text: Any, emitted: list[Any]
) -> None:
    enrol_confirmed(mail_group, consent_text, emitted, language=language)
    trainer = trainer_of(mail_group)
    # The evaluation evening (18 January) follows the children: it moves a week on first, so
    # the replacement takes its week.
    evening = mail_group.sessions.get(kind="parent", sequence=2)
    session_move(session=evening, starts_at=evening.starts_at + dt.timedelta(weeks=1))
    replacement = session_cancel(session=child_session(mail_group, 3), add_replacement=True)
    assert replacement is not None
    cancelled = recipients("session_cancelled")
    added = recipients("session_added")
    assert set(cancelled) == set(added) == {"carla@example.org", trainer.user.email}
    day = {"nl": "maandag 23 november 2026", "en": "Monday 23 November 2026"}[language]
    assert_good_message(
        cancelled["carla@example.org"],
        to="carla@example.org",
        language=language,
        contains=["Sam", day],
    )
    assert_good_message(added["carla@example.org"], to="carla@example.org", language=language)
    for row in cancelled.values():
        assert row.ics_method == "CANCEL" and "METHOD:CANCEL" in row.ics
    for row in added.values():
        assert row.ics_method == "REQUEST" and "METHOD:REQUEST" in row.ics


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_cancelled_group_cancels_every_calendar_and_tells_waiting_families_too(
    language: str, mail_group: Any, consent_text: Any, emitted: list[Any]
) -> None:
    enrol_confirmed(mail_group, consent_text, emitted, language=language)
    noor = enrol(
        mail_group,
        consent_text,
        dataclasses.replace(MOTHER, language=language),
        dataclasses.replace(SOLE, email="other@example.org", authority="joint"),
        first="Noor",
    )
    confirm_email(emitted, noor)  # the other parent's consent is still to come
    trainer = trainer_of(mail_group)
    group_cancel(group=mail_group, reason="te weinig aanmeldingen")
    cancelled = recipients("group_cancelled")
    assert set(cancelled) == {
        "carla@example.org",
        trainer.user.email,
        "anna@example.org",
        "other@example.org",
    }
    for address in ("carla@example.org", trainer.user.email):
        assert cancelled[address].ics_method == "CANCEL"
        assert "METHOD:CANCEL" in cancelled[address].ics
    for address in ("anna@example.org", "other@example.org"):
        assert cancelled[address].ics == ""  # they never had an invitation to cancel
    assert_good_message(
        cancelled["anna@example.org"], to="anna@example.org", language=language, contains=["Noor"]
    )
    assert "weinig" not in cancelled["carla@example.org"].body_text  # internal reason


def test_trainers_get_the_groups_calendar_when_assigned_and_a_cancel_when_removed(
    mail_group: Any, mail_programme: Any
) -> None:
    old = trainer_of(mail_group)
    assigned_at_creation = only_row("trainer_assigned")
    assert_good_message(
        assigned_at_creation,
        to=old.user.email,
        language="nl",
        contains=["maandag 9 november 2026 om 13:00", "najaar 2026"],
    )
    assert assigned_at_creation.ics_method == "REQUEST"
    newcomer = factories.TrainerFactory(qualifications=[mail_programme])
    group_replace_trainer(group=mail_group, old=old, new=newcomer)
    removed = only_row("trainer_removed")
    assert_good_message(removed, to=old.user.email, language="nl")
    assert removed.ics_method == "CANCEL" and "METHOD:CANCEL" in removed.ics
    added = only_row("trainer_assigned", to_email=newcomer.user.email)
    assert added.ics_method == "REQUEST"
    assert added.key.endswith(f":{group_revision(mail_group)}")
    # The old trainer's first invitation is not repeated; the group changed revision.
    assert len(rows("trainer_assigned")) == 2


def test_two_absences_in_a_row_reach_the_coordinators_of_the_pupils_school(
    mail_group: Any, consent_text: Any, emitted: list[Any], on_enrolment_day: Any, bob: Any
) -> None:
    enrolment = enrol_confirmed(mail_group, consent_text, emitted)
    on_enrolment_day.move_to(dt.datetime(2026, 11, 16, 15, 0, tzinfo=dt.UTC))
    for sequence in (1, 2):
        attendance_record(
            session=child_session(mail_group, sequence),
            marks={enrolment.pk: (AttendanceStatus.ABSENT, "")},
            recorded_by=bob,
        )
    row = only_row("absent_twice")
    assert_good_message(
        row,
        to="bob@example.org",
        language="nl",
        contains=["Sam", "maandag 9 november 2026", "maandag 16 november 2026"],
        absent=["Sam de Boer"],
    )
