"""Calendar feeds: secret tokens, one plain event per session, stable bytes, ETag and
Last-Modified with 304 answers, cancelled sessions kept two weeks, flat query counts."""

# The fixtures imported from calendar_support are requested by name as parameters.
# ruff: noqa: F811

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.http import http_date

from enrolment.models import (
    Child,
    ConsentText,
    Enrolment,
    EnrolmentStatus,
    Submission,
)
from notifications.calendar import AMSTERDAM, session_uid
from notifications.feed_tokens import (
    enrolment_feed_token_create,
    enrolment_feed_tokens_revoke,
    feed_token_regenerate,
    feed_token_revoke,
)
from notifications.models import FeedKind
from scheduler.models import Session, SessionKind, SessionStatus
from scheduler.services import session_cancel, session_move
from tests.notifications.calendar_support import (
    NOW,
    autumn_group,
    discreet_kies,  # noqa: F401
    frozen_before_the_groups,  # noqa: F401
    prop_lines,
    vevent_blocks,
    vobject_calendar,
)


@pytest.fixture(autouse=True)
def _site(settings: Any) -> None:
    settings.SITE_URL = "https://zwolle.example.org"


@pytest.fixture
def group(discreet_kies: Any, dave: Any) -> Any:
    group = autumn_group(discreet_kies)
    group.trainers.add(dave)
    return group


@pytest.fixture
def trainer_link(dave: Any, group: Any) -> Any:
    return feed_token_regenerate(owner=dave.user, kind=FeedKind.TRAINER, trainer=dave)


def get(path: str, **headers: str) -> Any:
    return Client().get(path, headers=headers)


def make_enrolment(group: Any, status: str = EnrolmentStatus.CONFIRMED) -> Enrolment:
    text, _ = ConsentText.objects.get_or_create(
        version="feed-test", defaults={"text_nl": "ja", "text_en": "yes"}
    )
    submission = Submission.objects.create(consent_text=text)
    child = Child.objects.create(
        submission=submission,
        first_name="Sam",
        last_name="de Boer",
        date_of_birth=dt.date(2017, 3, 1),
        school=group.host_school,
        grade=4,
    )
    return Enrolment.objects.create(
        submission=submission,
        child=child,
        group=group,
        programme=group.programme,
        school_year=group.school_year,
        child_key="k",
        status=status,
    )


def test_a_trainer_feed_is_one_plain_event_per_session_without_method(
    trainer_link: Any, group: Any
) -> None:
    response = get(trainer_link.path)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    text = response.content.decode()
    assert "METHOD" not in text
    assert "NAME:Rooster Dave Visser\r\n" in text
    assert "X-WR-CALNAME:Rooster Dave Visser\r\n" in text
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in text
    assert "X-PUBLISHED-TTL:PT1H\r\n" in text
    sessions = list(Session.objects.filter(group=group).order_by("starts_at"))
    events = vobject_calendar(text).vevent_list
    assert [e.uid.value for e in events] == [session_uid(s) for s in sessions]
    assert [e.dtstart.value.astimezone(dt.UTC) for e in events] == [
        s.starts_at.astimezone(dt.UTC) for s in sessions
    ]
    for block in vevent_blocks(text):
        assert not prop_lines(block, "RRULE") and not prop_lines(block, "ATTENDEE")
        assert len(prop_lines(block, "SEQUENCE")) == 1
    assert "KIES" not in text  # the programme asks for discreet titles


def test_the_feed_has_an_https_and_a_webcal_address(trainer_link: Any) -> None:
    assert trainer_link.https_url.startswith("https://zwolle.example.org/agenda/feed/")
    assert trainer_link.webcal_url == "webcal://" + trainer_link.https_url.removeprefix("https://")
    assert len(trainer_link.raw) >= 43


def test_an_unknown_token_is_a_404(trainer_link: Any) -> None:
    assert get("/agenda/feed/not-a-token.ics").status_code == 404
    assert (
        get(trainer_link.path.replace(trainer_link.raw, trainer_link.raw[:-1] + "x")).status_code
        == 404
    )


def test_only_a_hash_of_the_token_is_stored(trainer_link: Any) -> None:
    token = trainer_link.token
    token.refresh_from_db()
    assert token.token_hash == hashlib.sha256(trainer_link.raw.encode()).hexdigest()
    assert trainer_link.raw not in str(token.__dict__)


def test_a_revoked_token_is_a_404(trainer_link: Any, dave: Any) -> None:
    assert get(trainer_link.path).status_code == 200
    assert feed_token_revoke(owner=dave.user, kind=FeedKind.TRAINER, trainer=dave) == 1
    assert get(trainer_link.path).status_code == 404


def test_regenerating_a_link_revokes_the_old_one(trainer_link: Any, dave: Any) -> None:
    new = feed_token_regenerate(owner=dave.user, kind=FeedKind.TRAINER, trainer=dave)
    assert get(trainer_link.path).status_code == 404
    assert get(new.path).status_code == 200


def test_the_same_content_gives_the_same_bytes_and_a_strong_etag(
    trainer_link: Any,
    frozen_before_the_groups: Any,
) -> None:
    first = get(trainer_link.path)
    frozen_before_the_groups.shift(dt.timedelta(minutes=30))
    second = get(trainer_link.path)

    assert first.content == second.content
    assert first["ETag"] == second["ETag"] == f'"{hashlib.sha256(first.content).hexdigest()}"'
    assert first["Last-Modified"] == second["Last-Modified"] == http_date(NOW.timestamp())


def test_a_matching_if_none_match_gets_304(trainer_link: Any) -> None:
    etag = get(trainer_link.path)["ETag"]
    response = get(trainer_link.path, if_none_match=etag)
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert get(trainer_link.path, if_none_match='"something-else"').status_code == 200


def test_an_if_modified_since_at_last_modified_gets_304(trainer_link: Any) -> None:
    last_modified = get(trainer_link.path)["Last-Modified"]
    assert get(trainer_link.path, if_modified_since=last_modified).status_code == 304
    earlier = http_date(NOW.timestamp() - 60)
    assert get(trainer_link.path, if_modified_since=earlier).status_code == 200


def test_a_moved_session_changes_etag_last_modified_and_only_its_own_dtstamp(
    trainer_link: Any,
    group: Any,
    frozen_before_the_groups: Any,
) -> None:
    before = get(trainer_link.path)
    frozen_before_the_groups.shift(dt.timedelta(hours=2))
    later = NOW + dt.timedelta(hours=2)
    session = Session.objects.filter(group=group, kind=SessionKind.CHILD).earliest("starts_at")
    session_move(
        session=session,
        starts_at=dt.datetime(2026, 10, 7, 10, 0, tzinfo=AMSTERDAM),
    )

    after = get(trainer_link.path, if_none_match=before["ETag"])

    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert after["Last-Modified"] == http_date(later.timestamp())
    assert get(trainer_link.path, if_modified_since=before["Last-Modified"]).status_code == 200
    stamps = {
        e.uid.value: e.dtstamp.value.astimezone(dt.UTC)
        for e in vobject_calendar(after.content.decode()).vevent_list
    }
    assert stamps.pop(session_uid(session)) == later
    assert set(stamps.values()) == {NOW}


def test_a_cancelled_session_stays_as_cancelled_for_two_weeks_after_its_start(
    trainer_link: Any,
    group: Any,
    frozen_before_the_groups: Any,
) -> None:
    session = Session.objects.filter(group=group, kind=SessionKind.CHILD).earliest("starts_at")
    session_cancel(session=session)
    uid = session_uid(session)

    def status_in_feed() -> str | None:
        events = vobject_calendar(get(trainer_link.path).content.decode()).vevent_list
        return next((e.status.value for e in events if e.uid.value == uid), None)

    assert status_in_feed() == "CANCELLED"
    frozen_before_the_groups.move_to(session.starts_at + dt.timedelta(days=13))
    assert status_in_feed() == "CANCELLED"
    frozen_before_the_groups.move_to(session.starts_at + dt.timedelta(days=15))
    assert status_in_feed() is None


def test_a_coordinators_school_feed_stops_when_they_no_longer_coordinate(
    discreet_kies: Any,
    bob: Any,
    school_a: Any,
) -> None:
    group = autumn_group(discreet_kies, school=school_a)
    school_link = feed_token_regenerate(owner=bob, kind=FeedKind.SCHOOL, school=school_a)
    group_link = feed_token_regenerate(owner=bob, kind=FeedKind.GROUP, group=group)
    assert len(vobject_calendar(get(school_link.path).content.decode()).vevent_list) == 10
    assert get(group_link.path).status_code == 200

    school_a.coordinators.remove(bob)

    assert get(school_link.path).status_code == 404
    assert get(group_link.path).status_code == 404


def test_nobody_gets_a_link_to_a_feed_outside_their_scope(
    discreet_kies: Any,
    bob: Any,
    carol: Any,
    school_b: Any,
) -> None:
    group = autumn_group(discreet_kies, school=school_b)
    with pytest.raises(PermissionError):
        feed_token_regenerate(owner=bob, kind=FeedKind.SCHOOL, school=school_b)
    with pytest.raises(PermissionError):
        feed_token_regenerate(owner=bob, kind=FeedKind.GROUP, group=group)
    assert feed_token_regenerate(owner=carol, kind=FeedKind.GROUP, group=group).token.pk


def test_a_trainer_feed_stops_when_the_account_is_deactivated(trainer_link: Any, dave: Any) -> None:
    dave.user.is_active = False
    dave.user.save(update_fields=["is_active"])
    assert get(trainer_link.path).status_code == 404


def test_an_enrolment_feed_shows_the_groups_sessions_while_the_enrolment_is_confirmed(
    group: Any,
) -> None:
    enrolment = make_enrolment(group)
    link = enrolment_feed_token_create(enrolment=enrolment, language="en")

    response = get(link.path)

    assert response.status_code == 200
    events = vobject_calendar(response.content.decode()).vevent_list
    assert len(events) == 10
    assert {e.summary.value for e in events} == {
        "Groepsbijeenkomst De Esch",
        "Groepsbijeenkomst De Esch – parent meeting",
    }
    Enrolment.objects.filter(pk=enrolment.pk).update(status=EnrolmentStatus.WITHDRAWN)
    assert get(link.path).status_code == 404


def test_an_enrolment_feed_link_can_be_revoked(group: Any) -> None:
    enrolment = make_enrolment(group)
    first = enrolment_feed_token_create(enrolment=enrolment)
    second = enrolment_feed_token_create(enrolment=enrolment)
    assert get(first.path).status_code == get(second.path).status_code == 200
    assert enrolment_feed_tokens_revoke(enrolment=enrolment) == 2
    assert get(first.path).status_code == get(second.path).status_code == 404


def test_an_enrolment_awaiting_consent_has_no_feed(group: Any) -> None:
    enrolment = make_enrolment(group, status=EnrolmentStatus.AWAITING_CONSENT)
    assert get(enrolment_feed_token_create(enrolment=enrolment).path).status_code == 404


def _add_sessions(group: Any, count: int) -> None:
    start = dt.datetime(2026, 9, 1, 9, 0, tzinfo=AMSTERDAM)
    Session.objects.bulk_create(
        Session(
            group=group,
            kind=SessionKind.CHILD,
            sequence=100 + n,
            starts_at=start + dt.timedelta(hours=n),
            ends_at=start + dt.timedelta(hours=n, minutes=45),
            status=SessionStatus.CANCELLED if n % 10 == 0 else SessionStatus.SCHEDULED,
        )
        for n in range(count)
    )


def _queries_for(path: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as first:
        assert get(path).status_code == 200
    with CaptureQueriesContext(connection) as second:
        assert get(path).status_code == 200
    return len(first.captured_queries), len(second.captured_queries)


def test_the_query_count_of_a_trainer_feed_does_not_grow_with_its_sessions(
    discreet_kies: Any,
    dave: Any,
) -> None:
    small = autumn_group(discreet_kies, school_name="Klein")
    small.trainers.add(dave)
    link = feed_token_regenerate(owner=dave.user, kind=FeedKind.TRAINER, trainer=dave)
    few = _queries_for(link.path)

    big = autumn_group(
        discreet_kies, school_name="Groot", weekday=1, first_date=dt.date(2026, 9, 29)
    )
    big.trainers.add(dave)
    _add_sessions(big, 480)
    many = _queries_for(link.path)

    assert Session.objects.filter(group__trainers=dave).count() == 500
    assert len(vobject_calendar(get(link.path).content.decode()).vevent_list) == 500
    # Polling (stamps known): the same queries whatever the size.
    assert many[1] == few[1] <= 6
    # Recording new stamps is one bulk write; SQLite splits 480 rows into batches of 333.
    assert many[0] - few[0] <= (0 if connection.vendor == "postgresql" else 1)
