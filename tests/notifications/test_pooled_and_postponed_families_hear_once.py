"""After a group below its minimum is pooled or postponed, each person hears it in ONE e-mail:
a pooled confirmed family's mail shows the new group's invitation and carries, each as a
calendar file of its own with its own METHOD and one UID, the new group's parent meeting
(REQUEST) and the old group's series and parent meeting (CANCEL); a postponed group's mail
carries the moved series and its parent meeting. Families still waiting (for consent or on
the waitlist) hear it too, without a calendar file. Each message is written exactly once,
however often the event is replayed, and delivered through the real SMTP path its parts are
what a mail program reads."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.utils import timezone
from icalendar import Calendar

from core.domain_events import emit
from enrolment import events as enrolment_events
from enrolment.models import EnrolmentStatus
from notifications.calendar.entries import series_uid, session_uid
from notifications.models import OutboxMessage, OutboxStatus
from notifications.outbox import calendar_parts, message_send
from scheduler import events as scheduler_events
from scheduler.services import group_pool, group_postpone
from tests import factories
from tests.clock import on_day
from tests.enrolment.world import make_published_group
from tests.notifications.smtp_sink import SmtpSink, running_sink

pytestmark = [pytest.mark.django_db(transaction=False), on_day("2026-10-01")]

DECISION_DAY = dt.datetime(2026, 10, 19, 9, 0, tzinfo=dt.UTC)
OLD_TITLE = "Groepsbijeenkomst De Esch"
NEW_TITLE = "Groepsbijeenkomst De Vlier"


@pytest.fixture
def kies() -> Any:
    return factories.ProgrammeFactory(
        code="kies-hear",
        name_nl="KIES Kinderen in Scheiding",
        name_en="KIES Children of Divorce",
        discreet_titles=True,
        discreet_name="Groepsbijeenkomst",
        group_size_min=6,
        group_size_max=10,
        decision_days=14,
        parent_meetings_before=1,
        parent_meetings_after=0,
        trainers_per_group=1,
    )


def _family(group: Any, status: str = EnrolmentStatus.CONFIRMED, language: str = "nl") -> Any:
    enrolment = factories.EnrolmentFactory(group=group, status=status)
    factories.GuardianFactory(
        submission=enrolment.submission,
        is_enroller=True,
        email_confirmed_at=timezone.now(),
        language=language,
    )
    return enrolment


def _school(name: str, postcode: str) -> Any:
    return factories.SchoolFactory(name=name, municipality="Zwolle", postcode=postcode)


def _unfolded(ics: str) -> str:
    return ics.replace("\r\n ", "")


def _uids(part: str) -> set[str]:
    return {ln for ln in _unfolded(part).splitlines() if ln.startswith("UID:")}


def _methods(part: str) -> list[str]:
    return [ln for ln in part.splitlines() if ln.startswith("METHOD:")]


@pytest.fixture
def pooled(kies: Any) -> dict[str, Any]:
    """Two confirmed families (one English) and a waitlisted one of a small group at De Esch,
    pooled into the group at De Vlier on the decision day."""
    small = make_published_group(kies, _school("De Esch", "8011 AA"), capacity=10)
    other = make_published_group(
        kies, _school("De Vlier", "8012 BB"), capacity=10, round_label=small.round_label
    )
    confirmed = [_family(small), _family(small, language="en")]
    waiting = _family(small, EnrolmentStatus.WAITLISTED)
    old_meeting = small.sessions.get(kind="parent")
    new_meeting = other.sessions.get(kind="parent")
    before = set(OutboxMessage.objects.values_list("pk", flat=True))
    with time_machine.travel(DECISION_DAY, tick=False):
        group_pool(group=small, into=other, decided_by=None)
    return {
        "small": small,
        "other": other,
        "confirmed": confirmed,
        "waiting": waiting,
        "old_meeting": old_meeting,
        "new_meeting": new_meeting,
        "written": OutboxMessage.objects.exclude(pk__in=before).order_by("pk"),
    }


def _family_rows(written: Any) -> list[OutboxMessage]:
    return [m for m in written if m.key.split(":")[2].startswith("guardian")]


def test_a_pooled_family_gets_one_mail_with_the_new_invitation_and_the_old_dates_cancelled(
    pooled: dict[str, Any],
) -> None:
    small, other = pooled["small"], pooled["other"]
    confirmed, waiting = pooled["confirmed"], pooled["waiting"]
    families = _family_rows(pooled["written"])
    # Exactly one e-mail per guardian per event: no companion mails of any kind.
    assert [m.kind for m in families] == ["group_pooled"] * 3
    assert sorted(int(m.key.split(":")[1]) for m in families) == sorted(
        e.pk for e in [*confirmed, waiting]
    )
    assert len({(m.key.split(":")[1], m.to_email) for m in families}) == 3
    by_enrolment = {int(m.key.split(":")[1]): m for m in families}

    expected_uids = [
        series_uid(other),
        session_uid(pooled["new_meeting"]),
        series_uid(small),
        session_uid(pooled["old_meeting"]),
    ]
    for enrolment in confirmed:
        row = by_enrolment[enrolment.pk]
        assert row.ics_method == "REQUEST"
        assert row.ics.count("BEGIN:VCALENDAR") == 4
        parts = calendar_parts(row.ics)
        assert [_methods(p) for p in parts] == [
            ["METHOD:REQUEST"],
            ["METHOD:REQUEST"],
            ["METHOD:CANCEL"],
            ["METHOD:CANCEL"],
        ]
        assert [_uids(p) for p in parts] == [{f"UID:{uid}"} for uid in expected_uids]
        assert all(p.count("BEGIN:VCALENDAR") == 1 for p in parts)
        assert all("STATUS:CANCELLED" in p for p in parts[2:])
        assert "STATUS:CANCELLED" not in parts[0]
        # The old group keeps its discreet title, in the text and its calendar files alike.
        assert all(f"SUMMARY:{OLD_TITLE}" in _unfolded(p) for p in parts[2:])
        assert NEW_TITLE in row.subject and "De Esch" not in row.subject
        assert "scheiding" not in row.subject.lower() and "divorce" not in row.subject.lower()
        assert "scheiding" not in row.ics.lower() and "divorce" not in row.ics.lower()
    dutch, english = (by_enrolment[e.pk] for e in confirmed)
    assert f"halen de oude data van {OLD_TITLE} eruit" in dutch.body_text
    assert f"remove the old dates of {OLD_TITLE}" in english.body_text
    assert english.subject == f"New place and times: {NEW_TITLE}"

    # The waitlisted family had no calendar entries: the news without a calendar file.
    waiting_row = by_enrolment[waiting.pk]
    assert waiting_row.ics == "" and waiting_row.ics_method == ""
    assert "Uw agenda" not in waiting_row.body_text

    # Replaying the event writes nothing new.
    count = OutboxMessage.objects.count()
    emit(
        enrolment_events.EnrolmentsPooled(
            from_group_id=small.pk,
            into_group_id=other.pk,
            enrolment_ids=tuple(sorted(e.pk for e in [*confirmed, waiting])),
        )
    )
    assert OutboxMessage.objects.count() == count


@pytest.fixture
def smtp(settings: Any) -> Iterator[SmtpSink]:
    with running_sink() as sink:
        for name, value in sink.django_settings().items():
            setattr(settings, name, value)
        yield sink


def test_a_pooled_mail_arrives_with_the_invitation_inline_and_every_calendar_as_a_file(
    pooled: dict[str, Any], smtp: SmtpSink
) -> None:
    small, other = pooled["small"], pooled["other"]
    row = next(
        m
        for m in _family_rows(pooled["written"])
        if int(m.key.split(":")[1]) == pooled["confirmed"][0].pk
    )

    with time_machine.travel(DECISION_DAY, tick=False):  # the row was written then
        assert message_send(message_id=row.pk).status == OutboxStatus.SENT

    [received] = smtp.messages
    assert received["Subject"] == f"Nieuwe plaats en tijden: {NEW_TITLE}"
    types = [part.get_content_type() for part in received.walk()]
    assert types == [
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "text/html",
        "text/calendar",
        *["application/ics"] * 4,
    ]
    # The invitation the mail program shows: the new group's series, a REQUEST.
    [inline] = [p for p in received.walk() if p.get_content_type() == "text/calendar"]
    assert inline.get_param("method") == "REQUEST"
    shown = Calendar.from_ical(inline.get_payload(decode=True))
    assert shown["METHOD"] == "REQUEST"
    assert {str(e["UID"]) for e in shown.walk("VEVENT")} == {series_uid(other)}

    files = [p for p in received.walk() if p.get_filename()]
    assert [f.get_filename() for f in files] == [
        "invite.ics",
        "meeting-1.ics",
        "cancellation-1.ics",
        "cancellation-2.ics",
    ]
    read = []
    for file in files:
        content = file.get_payload(decode=True).decode()
        assert content.count("BEGIN:VCALENDAR") == 1
        calendar = Calendar.from_ical(content)
        uids = {str(e["UID"]) for e in calendar.walk("VEVENT")}
        assert len(uids) == 1, content  # one UID per calendar, as iTIP asks
        read.append((str(calendar["METHOD"]), uids.pop()))
    assert read == [
        ("REQUEST", series_uid(other)),
        ("REQUEST", session_uid(pooled["new_meeting"])),
        ("CANCEL", series_uid(small)),
        ("CANCEL", session_uid(pooled["old_meeting"])),
    ]


def test_a_postponement_is_one_mail_each_and_reaches_the_waiting_families(kies) -> None:
    group = make_published_group(kies, _school("Het Anker", "8013 CC"), capacity=10)
    confirmed = _family(group)
    awaiting = _family(group, EnrolmentStatus.AWAITING_CONSENT)
    waitlisted = _family(group, EnrolmentStatus.WAITLISTED)
    withdrawn = _family(group, EnrolmentStatus.WITHDRAWN)
    meeting = group.sessions.get(kind="parent")
    trainer = group.trainers.get()
    before = set(OutboxMessage.objects.values_list("pk", flat=True))
    with time_machine.travel(DECISION_DAY, tick=False):
        group_postpone(group=group, first_date=dt.date(2027, 1, 11), decided_by=None)

    written = list(OutboxMessage.objects.exclude(pk__in=before).order_by("pk"))
    # One e-mail per person: no companion mails for the parent meeting.
    assert {m.kind for m in written} == {"group_postponed"}
    by_event: dict[str, list[OutboxMessage]] = {}
    for row in written:
        by_event.setdefault(row.key.split(":")[0], []).append(row)
    # The confirmed family and the trainer: the moved series and its parent meeting.
    moved = by_event["group-postponed"]
    assert sorted(m.key.split(":")[2] for m in moved) == sorted(
        [f"guardian-{confirmed.submission.guardians.get().pk}", f"trainer-{trainer.pk}"]
    )
    for row in moved:
        assert row.ics_method == "REQUEST"
        assert row.ics.count("BEGIN:VCALENDAR") == 2
        parts = calendar_parts(row.ics)
        assert [_methods(p) for p in parts] == [["METHOD:REQUEST"], ["METHOD:REQUEST"]]
        assert [_uids(p) for p in parts] == [
            {f"UID:{series_uid(group)}"},
            {f"UID:{session_uid(meeting)}"},
        ]
    # The waiting families: once each, without a calendar file, their enrolment named.
    waiting_rows = by_event["group-postponed-waiting"]
    assert sorted(int(m.key.split(":")[1]) for m in waiting_rows) == sorted(
        [awaiting.pk, waitlisted.pk]
    )
    assert all(m.ics == "" and m.ics_method == "" for m in waiting_rows)
    assert all("blijft staan" in m.body_text for m in waiting_rows)
    assert all("11 januari 2027" in m.body_text for m in waiting_rows)
    assert withdrawn.pk not in {int(m.key.split(":")[1]) for m in waiting_rows}

    count = OutboxMessage.objects.count()
    revision = int(waiting_rows[0].key.split(":")[3])
    emit(
        scheduler_events.GroupPostponed(
            group_id=group.pk, revision=revision, old_first_date=dt.date(2026, 11, 2)
        )
    )
    assert OutboxMessage.objects.count() == count
