"""Reminders are found by sweeps and sent once: running a sweep twice (or beat firing twice)
writes each reminder a single time."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.conf import settings

from enrolment import events as enrolment_events
from enrolment.models import AccessLink
from enrolment.services import consent_answer
from notifications import reminders
from scheduler.series import at_amsterdam
from tests.notifications.message_support import (
    FATHER,
    LANGUAGES,
    MOTHER,
    assert_good_message,
    confirm_email,
    enrol,
    enrol_confirmed,
    events_of,
    only_row,
    rows,
    speaking,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_enrolment_day")]


def local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return at_amsterdam(day, dt.time(hour, minute))


@pytest.mark.parametrize("language", LANGUAGES)
def test_parents_are_reminded_two_days_before_the_first_session_once(
    language: str, mail_group: Any, consent_text: Any, emitted: list[Any], on_enrolment_day: Any
) -> None:
    enrol_confirmed(mail_group, consent_text, emitted, language=language)
    on_enrolment_day.move_to(local(dt.date(2026, 11, 6), 9))  # three days before: too early
    assert reminders.first_session_reminders_send() == 0
    on_enrolment_day.move_to(local(dt.date(2026, 11, 7), 8, 15))
    assert reminders.first_session_reminders_send() == 1
    assert reminders.first_session_reminders_send() == 0
    on_enrolment_day.move_to(local(dt.date(2026, 11, 8), 8, 15))  # a later sweep: still once
    assert reminders.first_session_reminders_send() == 0
    row = only_row("reminder_first_session")
    when = {"nl": "maandag 9 november 2026 om 13:00", "en": "Monday 9 November 2026 at 13:00"}
    assert_good_message(
        row, to="carla@example.org", language=language, contains=["Sam", when[language]]
    )


def test_a_first_session_that_moved_gets_a_reminder_for_its_new_date(
    mail_group: Any, consent_text: Any, emitted: list[Any], on_enrolment_day: Any
) -> None:
    from scheduler.services import session_move

    enrol_confirmed(mail_group, consent_text, emitted)
    on_enrolment_day.move_to(local(dt.date(2026, 11, 7), 8, 15))
    assert reminders.first_session_reminders_send() == 1
    first = mail_group.sessions.get(kind="child", sequence=1)
    session_move(session=first, starts_at=local(dt.date(2026, 11, 10), 13))
    on_enrolment_day.move_to(local(dt.date(2026, 11, 8), 8, 15))
    assert reminders.first_session_reminders_send() == 1
    assert len(rows("reminder_first_session")) == 2


@pytest.mark.parametrize("language", LANGUAGES)
def test_parents_are_reminded_of_each_parent_meeting_once(
    language: str, mail_group: Any, consent_text: Any, emitted: list[Any], on_enrolment_day: Any
) -> None:
    enrol_confirmed(mail_group, consent_text, emitted, language=language)
    on_enrolment_day.move_to(local(dt.date(2026, 10, 31), 8, 15))
    assert reminders.parent_meeting_reminders_send() == 1
    assert reminders.parent_meeting_reminders_send() == 0
    when = {"nl": "maandag 2 november 2026 om 19:30", "en": "Monday 2 November 2026 at 19:30"}
    assert_good_message(
        only_row("reminder_parent_meeting"),
        to="carla@example.org",
        language=language,
        contains=[when[language]],
    )


def test_parents_of_children_not_confirmed_get_no_session_reminders(
    mail_group: Any, consent_text: Any, emitted: list[Any], on_enrolment_day: Any
) -> None:
    enrol(mail_group, consent_text, MOTHER, FATHER)  # waits for consent
    on_enrolment_day.move_to(local(dt.date(2026, 10, 31), 8, 15))
    assert reminders.parent_meeting_reminders_send() == 0
    on_enrolment_day.move_to(local(dt.date(2026, 11, 7), 8, 15))
    assert reminders.first_session_reminders_send() == 0


def test_trainers_get_their_weekly_agenda_on_monday_morning_once(
    mail_group: Any, on_enrolment_day: Any
) -> None:
    trainer = mail_group.trainers.select_related("user").get()
    on_enrolment_day.move_to(local(dt.date(2026, 11, 10), 7))  # a Tuesday
    assert reminders.trainer_agendas_send() == 0
    on_enrolment_day.move_to(local(dt.date(2026, 11, 9), 7))
    assert reminders.trainer_agendas_send() == 1
    assert reminders.trainer_agendas_send() == 0
    row = only_row("trainer_agenda")
    assert_good_message(
        row,
        to=trainer.user.email,
        language="nl",
        contains=["week 46", "maandag 9 november 2026 om 13:00", "bijeenkomst 1"],
        reply_to="",
    )
    assert "16 november" not in row.body_text  # next week is next Monday's agenda


def test_a_trainer_without_sessions_this_week_gets_no_agenda(
    mail_group: Any, on_enrolment_day: Any
) -> None:
    on_enrolment_day.move_to(local(dt.date(2026, 12, 28), 7))  # Christmas holiday
    assert reminders.trainer_agendas_send() == 0


def test_coordinators_get_a_digest_of_yesterdays_enrolments_of_their_pupils_once(
    mail_group: Any,
    consent_text: Any,
    emitted: list[Any],
    on_enrolment_day: Any,
    bob: Any,
    carol: Any,
) -> None:
    enrol(mail_group, consent_text, MOTHER, FATHER)
    on_enrolment_day.move_to(local(dt.date(2026, 10, 2), 7, 30))
    assert reminders.coordinator_digests_send() == 1
    assert reminders.coordinator_digests_send() == 0
    row = only_row("coordinator_digest")
    assert_good_message(
        row,
        to="bob@example.org",
        language="nl",
        contains=["Sam", "donderdag 1 oktober 2026", "/inschrijvingen/"],
        absent=["Sam de Boer", "Anna"],
        reply_to="",
    )
    on_enrolment_day.move_to(local(dt.date(2026, 10, 3), 7, 30))
    assert reminders.coordinator_digests_send() == 0  # nothing new: no digest at all


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_guardian_who_has_not_answered_after_three_days_gets_one_reminder_with_a_working_link(
    language: str, mail_group: Any, consent_text: Any, emitted: list[Any], on_enrolment_day: Any
) -> None:
    enrolment = enrol(mail_group, consent_text, MOTHER, speaking(FATHER, language))
    confirm_email(emitted, enrolment)
    on_enrolment_day.shift(dt.timedelta(days=2, hours=23))
    assert reminders.consent_reminders_send() == 0
    on_enrolment_day.shift(dt.timedelta(hours=2))
    assert reminders.consent_reminders_send() == 1
    links = AccessLink.objects.count()
    assert reminders.consent_reminders_send() == 0
    assert AccessLink.objects.count() == links  # the second sweep left no unused link
    row = only_row("consent_reminder")
    assert_good_message(row, to="bram@example.org", language=language, contains=["Sam"])
    token = re.search(r"/aanmelden/link/([^/\s]+)/", row.body_text)[1]
    first_token = events_of(emitted, enrolment_events.ConsentRequested)[0].token
    assert token != first_token
    assert consent_answer(token=token, given=True).enrolments[0].status == "confirmed"


def test_a_guardian_who_answered_gets_no_consent_reminder(
    mail_group: Any, consent_text: Any, emitted: list[Any], on_enrolment_day: Any
) -> None:
    enrolment = enrol(mail_group, consent_text, MOTHER, FATHER)
    confirm_email(emitted, enrolment)
    consent_answer(token=events_of(emitted, enrolment_events.ConsentRequested)[0].token, given=True)
    on_enrolment_day.shift(dt.timedelta(days=4))
    assert reminders.consent_reminders_send() == 0


def test_the_beat_tasks_run_the_sweeps_and_are_scheduled(
    mail_group: Any, consent_text: Any, emitted: list[Any], on_enrolment_day: Any
) -> None:
    enrol_confirmed(mail_group, consent_text, emitted)
    on_enrolment_day.move_to(local(dt.date(2026, 11, 9), 7))
    assert reminders.remind_trainers_weekly() == 1
    # The sweeps missed the first session's day: it is made good before the session starts.
    assert reminders.remind_parents() == 1
    assert reminders.remind_coordinators_daily() == 0
    assert reminders.remind_consent() == 0
    schedule = settings.CELERY_BEAT_SCHEDULE
    weekly = schedule["notifications-remind-trainers-weekly"]["schedule"]
    assert weekly.day_of_week == {1} and 7 in weekly.hour and weekly.minute == {0}
    for name in (
        "notifications-remind-parents",
        "notifications-remind-consent",
        "notifications-remind-coordinators-daily",
    ):
        assert schedule[name]["task"].startswith("notifications.remind_")
