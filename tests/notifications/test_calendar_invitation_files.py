"""A group's invitation: read by parsers other than the writer, it holds exactly the
group's sessions, around holidays and across the clock change, and nobody else's
address."""

# The fixtures imported from calendar_support are requested by name as parameters.
# ruff: noqa: F811

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from notifications.calendar import (
    AMSTERDAM,
    group_invitation,
    series_uid,
    session_uid,
    session_update,
)
from programmes.models import HolidayRegion
from scheduler.models import Session, SessionKind
from tests.notifications.calendar_support import (
    NOW,
    RECIPIENT,
    autumn_group,
    discreet_kies,  # noqa: F401
    frozen_before_the_groups,  # noqa: F401
    prop_lines,
    rie_instances,
    scheduled_starts,
    think,  # noqa: F401
    vevent_blocks,
    vobject_calendar,
    vobject_instances,
)

# Regio noord has its autumn holiday 10-18 Oct 2026, regio zuid 17-25 Oct; the clocks go
# back on Sunday 25 Oct 2026.
GROUPS = {
    "noord-monday": {"region": HolidayRegion.NOORD, "weekday": 0, "first": dt.date(2026, 9, 28)},
    "zuid-wednesday": {"region": HolidayRegion.ZUID, "weekday": 2, "first": dt.date(2026, 10, 7)},
}


@pytest.fixture(params=sorted(GROUPS))
def group(request: Any, discreet_kies: Any, settings: Any) -> Any:
    settings.SITE_URL = "https://zwolle.example.org"
    shape = GROUPS[request.param]
    return autumn_group(
        discreet_kies, region=shape["region"], weekday=shape["weekday"], first_date=shape["first"]
    )


def invite(group: Any) -> str:
    return group_invitation(group=group, recipient_email=RECIPIENT[0], recipient_name=RECIPIENT[1])


def test_the_series_expands_to_exactly_the_scheduled_child_sessions(group: Any) -> None:
    text = invite(group)
    expected = scheduled_starts(group)
    assert len(expected) == 8
    assert vobject_instances(text, series_uid(group)) == expected
    assert rie_instances(text, series_uid(group)) == expected


def test_the_autumn_holiday_week_is_an_exdate_and_not_an_instance(group: Any) -> None:
    text = invite(group)
    holiday = {0: dt.date(2026, 10, 12), 2: dt.date(2026, 10, 21)}[group.weekday]
    master = next(b for b in vevent_blocks(text) if "RRULE" in b)
    assert prop_lines(master, "EXDATE") == [f"EXDATE;TZID=Europe/Amsterdam:{holiday:%Y%m%d}T130000"]
    days = {
        start.astimezone(AMSTERDAM).date() for start in vobject_instances(text, series_uid(group))
    }
    assert holiday not in days
    assert holiday - dt.timedelta(weeks=1) in days and holiday + dt.timedelta(weeks=1) in days


def test_the_series_keeps_13_00_local_time_across_the_october_clock_change(group: Any) -> None:
    text = invite(group)
    for starts in (
        vobject_instances(text, series_uid(group)),
        rie_instances(text, series_uid(group)),
    ):
        local = [s.astimezone(AMSTERDAM) for s in starts]
        assert {s.strftime("%H:%M") for s in local} == {"13:00"}
        before = [s for s in starts if s < dt.datetime(2026, 10, 25, tzinfo=dt.UTC)]
        after = [s for s in starts if s > dt.datetime(2026, 10, 25, tzinfo=dt.UTC)]
        assert before and after
        assert {s.hour for s in before} == {11}  # CEST, UTC+2
        assert {s.hour for s in after} == {12}  # CET, UTC+1


def test_the_series_is_one_weekly_rrule_with_a_stable_uid(group: Any) -> None:
    text = invite(group)
    master = next(b for b in vevent_blocks(text) if "RRULE" in b)
    assert prop_lines(master, "UID") == [f"UID:group-{group.pk}-child@zwolle.example.org"]
    [rrule] = prop_lines(master, "RRULE")
    assert rrule.startswith("RRULE:FREQ=WEEKLY;") and "COUNT=9" in rrule
    assert invite(group).count(f"UID:group-{group.pk}-child@") == 1
    assert "METHOD:REQUEST\r\n" in text


def test_each_parent_meeting_is_its_own_event_with_its_own_uid(group: Any) -> None:
    # iTIP allows several VEVENTs in one REQUEST only when they share a UID: the group's
    # invitation holds the child series alone, each parent meeting travels in its own file.
    text = invite(group)
    assert {e.uid.value for e in vobject_calendar(text).vevent_list} == {series_uid(group)}
    parents = list(Session.objects.filter(group=group, kind=SessionKind.PARENT))
    assert len(parents) == 2
    for session in parents:
        uid = session_uid(session)
        assert uid == f"session-{session.uid}@zwolle.example.org"
        own = session_update(
            session=session, recipient_email=RECIPIENT[0], recipient_name=RECIPIENT[1]
        )
        [block] = vevent_blocks(own)
        assert f"UID:{uid}" in block and "METHOD:REQUEST" in own
        assert not prop_lines(block, "RRULE")
        assert vobject_instances(own, uid) == [session.starts_at.astimezone(dt.UTC)]


def test_the_recipient_is_the_only_attendee_and_sends_no_reply(group: Any) -> None:
    text = invite(group)
    for block in vevent_blocks(text):
        [attendee] = prop_lines(block, "ATTENDEE")
        assert attendee.endswith(f":mailto:{RECIPIENT[0]}")
        assert "RSVP=FALSE" in attendee and "PARTSTAT=ACCEPTED" in attendee
        assert prop_lines(block, "ORGANIZER") == [
            'ORGANIZER;CN="Gemeente Zwolle":mailto:noreply@example.org'
        ]
    addresses = {a.value for e in vobject_calendar(text).vevent_list for a in e.attendee_list}
    assert addresses == {f"mailto:{RECIPIENT[0]}"}


def test_every_event_has_exactly_one_sequence_and_dtstamp_is_the_send_time(group: Any) -> None:
    text = invite(group)
    for block in vevent_blocks(text):
        assert len(prop_lines(block, "SEQUENCE")) == 1
        assert prop_lines(block, "DTSTAMP") == [f"DTSTAMP:{NOW:%Y%m%dT%H%M%S}Z"]


def test_the_vtimezone_uses_yearly_rules_and_no_rdate_lists(group: Any) -> None:
    text = invite(group)
    assert text.count("BEGIN:VTIMEZONE") == 1
    vtimezone = text[text.index("BEGIN:VTIMEZONE") : text.index("END:VTIMEZONE")]
    assert "TZID:Europe/Amsterdam" in vtimezone
    assert "RDATE" not in vtimezone
    assert "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3" in vtimezone
    assert "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10" in vtimezone
    for block in vevent_blocks(text):
        assert prop_lines(block, "DTSTART")[0].startswith("DTSTART;TZID=Europe/Amsterdam:")


def test_a_discreet_programme_never_names_itself_in_the_file(group: Any) -> None:
    text = invite(group)
    assert "KIES" not in text and "Scheiding" not in text
    summaries = {e.summary.value for e in vobject_calendar(text).vevent_list}
    assert summaries == {"Groepsbijeenkomst De Esch"}
    meeting = Session.objects.filter(group=group, kind=SessionKind.PARENT).first()
    own = session_update(session=meeting, recipient_email=RECIPIENT[0], recipient_name=RECIPIENT[1])
    assert "KIES" not in own
    assert {e.summary.value for e in vobject_calendar(own).vevent_list} == {
        "Groepsbijeenkomst De Esch – ouderbijeenkomst"
    }


def test_a_programme_without_discreet_titles_uses_its_name(think: Any) -> None:
    group = autumn_group(think, school_name="Het Anker")
    text = invite(group)
    assert {e.summary.value for e in vobject_calendar(text).vevent_list} == {
        "THINK op school Het Anker"
    }
    assert vobject_instances(text, series_uid(group)) == scheduled_starts(group)


def test_the_location_comes_from_the_group(group: Any) -> None:
    text = invite(group)
    locations = {e.location.value for e in vobject_calendar(text).vevent_list}
    assert locations == {"De Esch, Schoolstraat 1, lokaal 3"}
