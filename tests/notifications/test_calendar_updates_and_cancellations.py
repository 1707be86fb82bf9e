"""Moved, cancelled and added sessions, and a cancelled group: the files keep the UID,
raise SEQUENCE, point at the right instance, and still expand to the scheduled sessions."""

# The fixtures imported from calendar_support are requested by name as parameters.
# ruff: noqa: F811

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from notifications.calendar import (
    AMSTERDAM,
    group_cancellation,
    group_invitation,
    series_uid,
    session_cancellation,
    session_uid,
    session_update,
)
from scheduler.models import Session, SessionKind
from scheduler.services import group_cancel, session_cancel, session_move
from tests.notifications.calendar_support import (
    RECIPIENT,
    autumn_group,
    child_sessions,
    discreet_kies,  # noqa: F401
    frozen_before_the_groups,  # noqa: F401
    prop_lines,
    rie_instances,
    scheduled_starts,
    vevent_blocks,
    vobject_calendar,
    vobject_instances,
)

TO = {"recipient_email": RECIPIENT[0], "recipient_name": RECIPIENT[1]}


@pytest.fixture
def group(discreet_kies: Any) -> Any:
    # Children on Mondays 13:00: 5, 19, 26 Oct, 2, 9, 16, 23, 30 Nov (12 Oct is the
    # autumn holiday); parent meetings on 28 Sep and 7 Dec at 19:30.
    return autumn_group(discreet_kies)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=AMSTERDAM)


def child_on(group: Any, day: dt.date) -> Session:
    return next(s for s in child_sessions(group) if s.starts_at.astimezone(AMSTERDAM).date() == day)


def sequence_of(text: str, uid: str) -> set[int]:
    return {int(e.sequence.value) for e in vobject_calendar(text).vevent_list if e.uid.value == uid}


def overrides(text: str, uid: str) -> dict[str, str]:
    """RECURRENCE-ID -> DTSTART of every override of `uid`, as local wall-clock text."""
    found = {}
    for event in vobject_calendar(text).vevent_list:
        if event.uid.value == uid and hasattr(event, "recurrence_id"):
            rid = event.recurrence_id.value.astimezone(AMSTERDAM)
            start = event.dtstart.value.astimezone(AMSTERDAM)
            found[f"{rid:%Y-%m-%d %H:%M}"] = f"{start:%Y-%m-%d %H:%M}"
    return found


def assert_expands_to_schedule(text: str, group: Any) -> None:
    expected = scheduled_starts(group)
    assert vobject_instances(text, series_uid(group)) == expected
    assert rie_instances(text, series_uid(group)) == expected


def assert_one_sequence_per_event(text: str) -> None:
    for block in vevent_blocks(text):
        assert len(prop_lines(block, "SEQUENCE")) == 1


def test_a_session_moved_within_its_week_is_an_override_of_its_original_slot(group: Any) -> None:
    uid = series_uid(group)
    before = group_invitation(group=group, **TO)
    session = child_on(group, dt.date(2026, 11, 2))
    session_move(session=session, starts_at=at(dt.date(2026, 11, 4), 10))

    text = session_update(session=session, **TO)

    assert "METHOD:REQUEST\r\n" in text
    assert {e.uid.value for e in vobject_calendar(text).vevent_list} == {uid}
    assert sequence_of(text, uid) == {1} and sequence_of(before, uid) == {0}
    assert overrides(text, uid) == {"2026-11-02 13:00": "2026-11-04 10:00"}
    assert_expands_to_schedule(text, group)
    assert_one_sequence_per_event(text)


def test_every_further_change_raises_the_sequence_again(group: Any) -> None:
    uid = series_uid(group)
    session = child_on(group, dt.date(2026, 11, 2))
    seen = []
    for day in (dt.date(2026, 11, 3), dt.date(2026, 11, 4), dt.date(2026, 11, 5)):
        session_move(session=session, starts_at=at(day, 13))
        seen.append(sequence_of(session_update(session=session, **TO), uid).pop())
    assert seen == [1, 2, 3]


def test_a_session_moved_into_another_sessions_week_keeps_its_original_slot(group: Any) -> None:
    uid = series_uid(group)
    session = child_on(group, dt.date(2026, 11, 2))
    session_move(session=session, starts_at=at(dt.date(2026, 11, 12), 13))

    text = session_update(session=session, **TO)

    assert overrides(text, uid) == {"2026-11-02 13:00": "2026-11-12 13:00"}
    assert_expands_to_schedule(text, group)


def make_room_after_the_children(group: Any) -> None:
    """The evaluation evening follows the children: it moves from 7 to 14 December first."""
    evening = group.sessions.get(kind=SessionKind.PARENT, sequence=2)
    session_move(session=evening, starts_at=at(dt.date(2026, 12, 14), 19, 30))


def test_a_session_moved_past_the_end_still_gives_a_valid_series(group: Any) -> None:
    make_room_after_the_children(group)
    session = child_on(group, dt.date(2026, 11, 2))
    session_move(session=session, starts_at=at(dt.date(2026, 12, 14), 13))

    text = session_update(session=session, **TO)

    master = next(b for b in vevent_blocks(text) if "RRULE" in b)
    assert "EXDATE;TZID=Europe/Amsterdam:20261102T130000" in prop_lines(master, "EXDATE")
    assert_expands_to_schedule(text, group)


def test_a_session_moved_back_into_its_slot_is_no_override_but_a_newer_sequence(
    group: Any,
) -> None:
    uid = series_uid(group)
    session = child_on(group, dt.date(2026, 11, 2))
    session_move(session=session, starts_at=at(dt.date(2026, 11, 4), 10))
    session_move(session=session, starts_at=at(dt.date(2026, 11, 2), 13))

    text = session_update(session=session, **TO)

    assert overrides(text, uid) == {}
    assert sequence_of(text, uid) == {2}
    assert_expands_to_schedule(text, group)


def test_a_cancelled_session_is_a_cancel_of_its_instance_with_the_same_uid(group: Any) -> None:
    uid = series_uid(group)
    session = child_on(group, dt.date(2026, 11, 9))
    session_cancel(session=session)

    text = session_cancellation(session=session, **TO)

    assert "METHOD:CANCEL\r\n" in text
    [event] = vobject_calendar(text).vevent_list
    assert event.uid.value == uid
    assert event.status.value == "CANCELLED"
    assert event.recurrence_id.value.astimezone(AMSTERDAM) == at(dt.date(2026, 11, 9), 13)
    assert int(event.sequence.value) == 1
    assert_one_sequence_per_event(text)
    # Later invitations leave the week out.
    later = group_invitation(group=group, **TO)
    assert "EXDATE;TZID=Europe/Amsterdam:20261109T130000" in later.replace("\r\n ", "")
    assert_expands_to_schedule(later, group)
    assert len(scheduled_starts(group)) == 7


def test_cancelling_a_moved_session_cancels_the_instance_the_recipient_has(group: Any) -> None:
    session = child_on(group, dt.date(2026, 11, 2))
    session_move(session=session, starts_at=at(dt.date(2026, 11, 4), 10))
    session_cancel(session=session)

    text = session_cancellation(session=session, **TO)

    [event] = vobject_calendar(text).vevent_list
    assert event.recurrence_id.value.astimezone(AMSTERDAM) == at(dt.date(2026, 11, 2), 13)
    assert event.dtstart.value.astimezone(AMSTERDAM) == at(dt.date(2026, 11, 4), 10)
    assert int(event.sequence.value) == 2


def test_a_replacement_session_is_a_request_of_the_series_with_a_higher_sequence(
    group: Any,
) -> None:
    make_room_after_the_children(group)
    uid = series_uid(group)
    cancelled = child_on(group, dt.date(2026, 11, 9))
    replacement = session_cancel(session=cancelled, add_replacement=True)
    assert replacement is not None

    cancel = session_cancellation(session=cancelled, **TO)
    text = session_update(session=replacement, **TO)

    assert "METHOD:REQUEST\r\n" in text
    assert sequence_of(text, uid) == {1} == sequence_of(cancel, uid)
    starts = vobject_instances(text, uid)
    assert replacement.starts_at.astimezone(dt.UTC) in starts
    assert cancelled.starts_at.astimezone(dt.UTC) not in starts
    assert_expands_to_schedule(text, group)


def test_a_cancelled_group_cancels_every_uid_it_ever_sent(group: Any) -> None:
    before = group_invitation(group=group, **TO)
    sent_uids = {e.uid.value for e in vobject_calendar(before).vevent_list}
    group_cancel(group=group, reason="te weinig aanmeldingen")

    text = group_cancellation(group=group, **TO)

    assert "METHOD:CANCEL\r\n" in text
    events = vobject_calendar(text).vevent_list
    # One UID per file (iTIP): the series; each parent meeting is cancelled on its own.
    assert {e.uid.value for e in events} == sent_uids == {series_uid(group)}
    assert len(events) == 1
    for meeting in group.sessions.filter(kind="parent"):
        own = session_cancellation(session=meeting, **TO)
        assert "METHOD:CANCEL\r\n" in own
        assert {e.uid.value for e in vobject_calendar(own).vevent_list} == {session_uid(meeting)}
    for event in events:
        assert event.status.value == "CANCELLED"
        assert not hasattr(event, "recurrence_id")
    assert sequence_of(text, series_uid(group)) == {8}  # every child session's revision rose
    assert_one_sequence_per_event(text)
    # Asking for an invitation to a cancelled group gives the cancellation, not an empty REQUEST.
    assert "METHOD:CANCEL\r\n" in group_invitation(group=group, **TO)


def test_a_moved_parent_meeting_is_a_request_of_its_own_event(group: Any) -> None:
    meeting = Session.objects.filter(group=group, kind=SessionKind.PARENT).earliest("starts_at")
    session_move(session=meeting, starts_at=at(dt.date(2026, 9, 29), 19, 30))

    text = session_update(session=meeting, **TO)

    [event] = vobject_calendar(text).vevent_list
    assert event.uid.value == session_uid(meeting)
    assert int(event.sequence.value) == 1
    assert event.dtstart.value.astimezone(AMSTERDAM) == at(dt.date(2026, 9, 29), 19, 30)
    assert vobject_instances(text, session_uid(meeting)) == [
        at(dt.date(2026, 9, 29), 19, 30).astimezone(dt.UTC)
    ]


def test_a_cancelled_parent_meeting_is_a_cancel_of_its_own_uid(group: Any) -> None:
    meeting = Session.objects.filter(group=group, kind=SessionKind.PARENT).latest("starts_at")
    session_cancel(session=meeting)

    text = session_cancellation(session=meeting, **TO)

    assert "METHOD:CANCEL\r\n" in text
    [event] = vobject_calendar(text).vevent_list
    assert event.uid.value == session_uid(meeting)
    assert event.status.value == "CANCELLED"
    assert int(event.sequence.value) == 1
    assert not hasattr(event, "recurrence_id")
