"""No session in the past, none before the parents' information meeting, none after the
evaluation meeting that follows the children: the page, the API and the admin refuse alike,
with the scheduler service's words. Dates follow today, so these tests pass on any day."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from programmes.calendar import SchoolCalendar
from programmes.dates import day_text, moment_text
from programmes.models import SchoolYear
from scheduler.models import Group, Session, SessionStatus
from scheduler.series import at_amsterdam, first_weekday_on_or_after
from scheduler.services import session_cancel, session_move
from tests import factories

pytestmark = pytest.mark.django_db

API = "/api/v1"
PAST = "is al voorbij. Kies een datum en tijd die nog komen."


def first_monday() -> dt.date:
    """A Monday two weeks or more ahead whose series (about 20 weeks with holidays) stays
    within one school year."""
    monday = first_weekday_on_or_after(timezone.localdate() + dt.timedelta(weeks=2), 0)
    if SchoolYear.label_for(monday) != SchoolYear.label_for(monday + dt.timedelta(weeks=20)):
        start = SchoolYear.bounds_for_label(SchoolYear.label_for(monday + dt.timedelta(weeks=20)))
        monday = first_weekday_on_or_after(start[0] + dt.timedelta(weeks=5), 0)
    return monday


@pytest.fixture
def kies(db: None) -> Any:
    """An information evening for parents first, eight child sessions, an evaluation last."""
    return factories.ProgrammeFactory(
        code="kies-edges", name_nl="KIES", trainers_per_group=1, parent_meetings_after=1
    )


@pytest.fixture
def group(kies: Any, school_a: Any, bob: Any) -> Group:
    first = first_monday()
    return factories.make_group(
        kies,
        school=school_a,
        year=factories.SchoolYearFactory(label=SchoolYear.label_for(first)),
        trainers=[factories.TrainerFactory(qualifications=[kies])],
        first_date=first,
        weekday=0,
        start_time=dt.time(13, 0),
        round_label="ronde",
    )


def child(group: Group, sequence: int) -> Session:
    return group.sessions.get(kind="child", sequence=sequence)


def parent(group: Group, sequence: int) -> Session:
    return group.sessions.get(kind="parent", sequence=sequence)


def open_day_between(group: Group, after: Session, before: Session) -> dt.datetime:
    """13:00 on the first day the host school is open after `after` and before `before`."""
    start = timezone.localtime(after.starts_at).date() + dt.timedelta(days=1)
    end = timezone.localtime(before.starts_at).date()
    calendar = SchoolCalendar(group.host_school, start, end)
    day = next(d for d in (start + dt.timedelta(n) for n in range(14)) if calendar.is_open(d))
    assert day <= end
    return at_amsterdam(day, dt.time(13, 0))


def two_days_ago() -> dt.datetime:
    return at_amsterdam(timezone.localdate() - dt.timedelta(days=2), dt.time(13, 0))


def api_move(client: Client, session: Session, starts_at: dt.datetime) -> Any:
    return client.post(
        f"{API}/sessions/{session.pk}/move/",
        {"starts_at": starts_at.isoformat()},
        content_type="application/json",
    )


def unchanged(session: Session) -> bool:
    stored = Session.objects.get(pk=session.pk)
    return (stored.starts_at, stored.revision) == (session.starts_at, 0)


# --- in the past: page, API and admin -------------------------------------------------------


def test_the_page_refuses_to_move_a_session_into_the_past(as_bob: Client, group: Group) -> None:
    session = child(group, 1)
    target = two_days_ago()

    response = as_bob.post(
        reverse("planning-session-move", args=[session.pk]),
        {"date": target.date().isoformat(), "time": "13:00"},
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [f"{moment_text(target)} {PAST}"]
    assert unchanged(session)


def test_the_api_refuses_to_move_a_session_into_the_past(as_bob: Client, group: Group) -> None:
    session = child(group, 1)
    target = two_days_ago()

    response = api_move(as_bob, session, target)

    assert response.status_code == 400
    assert response.json() == {"starts_at": [f"{moment_text(target)} {PAST}"]}
    assert unchanged(session)


def admin_times(starts_at: dt.datetime, minutes: int = 60) -> dict[str, str]:
    ends_at = starts_at + dt.timedelta(minutes=minutes)
    return {
        "starts_at_0": starts_at.date().isoformat(),
        "starts_at_1": starts_at.strftime("%H:%M:%S"),
        "ends_at_0": ends_at.date().isoformat(),
        "ends_at_1": ends_at.strftime("%H:%M:%S"),
    }


def test_the_admin_refuses_to_move_a_session_into_the_past(as_alice: Client, group: Group) -> None:
    session = child(group, 1)
    target = two_days_ago()

    response = as_alice.post(
        reverse("admin:scheduler_session_change", args=[session.pk]), admin_times(target)
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "starts_at": [f"{moment_text(target)} {PAST}"]
    }
    assert unchanged(session)


def test_the_admin_refuses_a_new_session_in_the_past_and_adds_one_that_fits(
    as_alice: Client, group: Group
) -> None:
    url = reverse("admin:scheduler_session_add")
    target = two_days_ago()
    count = group.sessions.count()

    refused = as_alice.post(url, {"group": group.pk, "kind": "child", **admin_times(target)})

    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors == {
        "starts_at": [f"{moment_text(target)} {PAST}"]
    }
    assert group.sessions.count() == count

    # An open school day after the last child session, before the evaluation evening.
    day = open_day_between(group, child(group, 8), parent(group, 2))
    added = as_alice.post(url, {"group": group.pk, "kind": "child", **admin_times(day)})

    assert added.status_code == 302
    new = group.sessions.get(starts_at=day)
    assert (new.kind, new.sequence, new.status) == ("child", 9, SessionStatus.SCHEDULED)


def test_a_group_starting_before_today_never_reaches_the_create_step(
    as_bob: Client, kies: Any, school_a: Any
) -> None:
    today = timezone.localdate()
    last_monday = today - dt.timedelta(days=today.weekday() or 7)
    year = factories.SchoolYearFactory(label=SchoolYear.label_for(last_monday))
    trainer = factories.TrainerFactory(qualifications=[kies])
    page_data = {
        "programme": kies.pk,
        "host_school": school_a.pk,
        "school_year": year.pk,
        "round_label": "ronde",
        "weekday": 0,
        "start_time": "13:00",
        "first_date": last_monday.isoformat(),
        "parent_meeting_time": "19:30",
        "trainers": [trainer.pk],
    }
    expected = [
        f"De eerste datum, {day_text(last_monday)}, is al voorbij. Kies vandaag of een latere dag."
    ]

    preview = as_bob.post(reverse("planning-group-create"), page_data)
    api_preview = as_bob.post(f"{API}/groups/preview/", page_data, content_type="application/json")
    api_create = as_bob.post(
        f"{API}/groups/", {**page_data, "school_year": year.label}, content_type="application/json"
    )

    assert preview.status_code == 200
    assert preview.context["form"].errors["first_date"] == expected
    assert preview.context["previewed"] is None
    assert "Groep aanmaken" not in preview.text
    assert api_preview.status_code == api_create.status_code == 400
    assert api_preview.json()["first_date"] == api_create.json()["first_date"] == expected
    assert not Group.objects.exists()


# --- the group's order -----------------------------------------------------------------------


def test_a_child_session_cannot_move_before_the_information_evening(
    as_bob: Client, group: Group
) -> None:
    session, evening = child(group, 1), parent(group, 1)
    # The afternoon of the evening's own day comes before the evening.
    target = evening.starts_at.replace(hour=12)

    response = api_move(as_bob, session, target)

    assert response.status_code == 400
    assert response.json()["starts_at"] == [
        "Een bijeenkomst met de kinderen komt na de ouderbijeenkomst vooraf van "
        f"{moment_text(evening.starts_at)}. Kies een moment daarna, of verplaats eerst die "
        "ouderbijeenkomst naar een eerdere datum."
    ]
    assert unchanged(session)


def test_a_child_session_cannot_move_after_the_evaluation_nor_the_evaluation_before_it(
    as_bob: Client, group: Group
) -> None:
    last, evaluation = child(group, 8), parent(group, 2)

    late = api_move(as_bob, last, evaluation.starts_at + dt.timedelta(days=1))
    early = api_move(as_bob, evaluation, last.starts_at - dt.timedelta(days=5))

    assert late.status_code == early.status_code == 400
    assert "Kies een moment daarvoor, of verplaats eerst die ouderbijeenkomst" in str(late.json())
    assert early.json()["starts_at"] == [
        "Deze ouderbijeenkomst komt na de laatste bijeenkomst met de kinderen, op "
        f"{moment_text(last.starts_at)}. Kies een moment daarna."
    ]
    assert unchanged(last) and unchanged(evaluation)


def test_the_information_evening_cannot_move_after_the_first_child_session(
    as_bob: Client, group: Group
) -> None:
    evening, first = parent(group, 1), child(group, 1)

    response = api_move(as_bob, evening, first.starts_at + dt.timedelta(days=1))

    assert response.status_code == 400
    assert "vóór de eerste bijeenkomst met de kinderen" in response.json()["starts_at"][0]
    assert unchanged(evening)


def test_a_replacement_never_lands_after_the_evaluation(group: Group) -> None:
    cancelled, evaluation = child(group, 2), parent(group, 2)

    with pytest.raises(ValidationError, match="Verplaats eerst die ouderbijeenkomst"):
        session_cancel(session=cancelled, add_replacement=True)
    assert Session.objects.get(pk=cancelled.pk).status == SessionStatus.SCHEDULED

    # The evaluation moves on to the next week it fits (holidays and closed days aside).
    for weeks in range(1, 8):
        try:
            session_move(
                session=evaluation, starts_at=evaluation.starts_at + dt.timedelta(weeks=weeks)
            )
            break
        except ValidationError:
            continue
    replacement = session_cancel(session=cancelled, add_replacement=True)

    assert replacement is not None
    assert child(group, 8).starts_at < replacement.starts_at < parent(group, 2).starts_at
