"""Sessions are listed in date order and their numbers follow the dates, also after a move;
a day is named the same everywhere (the page's text and the button beside it). Dates
follow today, so these tests pass on any day."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from programmes.calendar import SchoolCalendar
from programmes.dates import day_text
from programmes.models import SchoolYear
from scheduler.models import Group, GroupStatus, Session
from scheduler.series import at_amsterdam, first_weekday_on_or_after
from scheduler.services import group_transition
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(school_a: Any, bob: Any) -> Group:
    """Eight child sessions on Mondays from two weeks on, no parent meetings; published and
    open for enrolment from today."""
    programme = factories.ProgrammeFactory(
        code="kies-order",
        name_nl="KIES",
        trainers_per_group=1,
        parent_meetings_before=0,
        parent_meetings_after=0,
    )
    first = first_weekday_on_or_after(timezone.localdate() + dt.timedelta(weeks=2), 0)
    later = SchoolYear.label_for(first + dt.timedelta(weeks=20))
    if SchoolYear.label_for(first) != later:  # the series would run into the next year
        start = SchoolYear.bounds_for_label(later)[0]
        first = first_weekday_on_or_after(start + dt.timedelta(weeks=5), 0)
    group = factories.make_group(
        programme,
        school=school_a,
        year=factories.SchoolYearFactory(label=SchoolYear.label_for(first)),
        trainers=[factories.TrainerFactory(qualifications=[programme])],
        first_date=first,
        weekday=0,
        start_time=dt.time(13, 0),
        round_label="ronde",
        enrolment_opens_on=timezone.localdate(),
        enrolment_closes_on=first - dt.timedelta(days=1),
    )
    return group_transition(group=group, to=GroupStatus.PUBLISHED)


def session(group: Group, sequence: int) -> Session:
    return group.sessions.get(kind="child", sequence=sequence)


def open_day_before(group: Group, moment: dt.datetime, after: dt.date) -> dt.date:
    """The last day before `moment` (and after `after`) that the host school is open."""
    end = timezone.localtime(moment).date() - dt.timedelta(days=1)
    calendar = SchoolCalendar(group.host_school, after, end)
    day = end
    while not calendar.is_open(day):
        day -= dt.timedelta(days=1)
    assert day > after
    return day


def open_day_after(group: Group, moment: dt.datetime, before: dt.datetime) -> dt.date:
    """The first day after `moment` (and before `before`) that the host school is open."""
    start = timezone.localtime(moment).date() + dt.timedelta(days=1)
    end = timezone.localtime(before).date() - dt.timedelta(days=1)
    calendar = SchoolCalendar(group.host_school, start, end)
    day = start
    while not calendar.is_open(day):
        day += dt.timedelta(days=1)
    return day


def listed(page: str) -> list[int]:
    """The session numbers in the order the group page lists them."""
    return [int(n) for n in re.findall(r'scope="row">Bijeenkomst (\d+)', page)]


def test_a_session_moved_before_the_one_ahead_of_it_takes_its_number(
    as_bob: Client, group: Group
) -> None:
    seventh, eighth = session(group, 7), session(group, 8)
    # A school day after the sixth session and before the seventh, at the same hour.
    sixth_day = timezone.localtime(session(group, 6).starts_at).date()
    day = open_day_before(group, seventh.starts_at, after=sixth_day)

    response = as_bob.post(
        reverse("planning-session-move", args=[eighth.pk]),
        {"date": day.isoformat(), "time": "13:00"},
    )

    assert response.status_code == 302
    eighth.refresh_from_db()
    seventh.refresh_from_db()
    assert (eighth.sequence, seventh.sequence) == (7, 8)
    assert eighth.starts_at == at_amsterdam(day, dt.time(13, 0))
    page = as_bob.get(reverse("planning-group-detail", args=[group.pk])).text
    assert listed(page) == [1, 2, 3, 4, 5, 6, 7, 8]
    dates = [s.starts_at for s in group.sessions.order_by("sequence")]
    assert dates == sorted(dates)


def test_the_school_page_names_the_first_day_alike_in_its_text_and_on_its_button(
    client: Client, as_bob: Client, group: Group, school_a: Any
) -> None:
    first = session(group, 1)
    # The first session moves from its Monday to a later school day of its week (a Tuesday,
    # or later in a week with a closed day): still the first, on another weekday.
    other_day = open_day_after(group, first.starts_at, before=session(group, 2).starts_at)
    moved = as_bob.post(
        reverse("planning-session-move", args=[first.pk]),
        {"date": other_day.isoformat(), "time": "13:00"},
    )
    assert moved.status_code == 302

    page = client.get(reverse("enrol-school", args=[school_a.pk])).content.decode()

    assert f"De eerste keer is op {day_text(other_day)}." in page
    assert f"({day_text(other_day, year=False)})</span>" in page
    assert "(maandag" not in page
