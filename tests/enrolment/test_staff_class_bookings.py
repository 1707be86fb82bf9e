from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from enrolment.models import Child, Enrolment, Guardian
from scheduler import events
from scheduler.models import GroupStatus
from scheduler.services import class_booking_set, group_create, group_transition
from tests import factories
from tests.enrolment.staff_support import query_count

pytestmark = pytest.mark.django_db


@pytest.fixture
def think(db: None) -> Any:
    return factories.ProgrammeFactory(
        code="think-booking",
        name_nl="THINK op school",
        enrolment_mode="class",
        grade_min=1,  # the classes booked here are named 1A and 2B
        trainers_per_group=1,
        group_size_max=32,
    )


def class_group(programme: Any, school: Any, **kwargs: Any) -> Any:
    year = factories.SchoolYearFactory(label="2026-2027")
    return group_create(
        programme=programme,
        host_school=school,
        school_year=year,
        round_label="najaar 2026",
        weekday=0,
        start_time=dt.time(10, 0),
        first_date=dt.date(2026, 11, 2),
        class_name=kwargs.pop("class_name", "1A"),
        class_size=kwargs.pop("class_size", 20),
        mentor_name=kwargs.pop("mentor_name", "Dhr. Eerder"),
        trainers=[factories.TrainerFactory(qualifications=[programme])],
        **kwargs,
    ).group


def booking_url(group: Any) -> str:
    return reverse("staff-class-booking", args=[group.pk])


VALID = {
    "class_name": "2B",
    "class_size": "27",
    "mentor_name": "Mevr. De Mentor",
    "mentor_email": "mentor@school.example",
}


def test_a_coordinator_books_a_class_into_a_group_of_their_school_without_pupil_data(
    think: Any, school_a: Any, as_bob: Client, bob: Any, emitted: list[Any]
) -> None:
    group = class_group(think, school_a)
    listing = as_bob.get(reverse("staff-classes")).content.decode()
    assert booking_url(group) in listing
    response = as_bob.post(booking_url(group), VALID)
    assert response.status_code == 302
    group.refresh_from_db()
    assert (group.class_name, group.class_size, group.capacity) == ("2B", 27, 27)
    assert (group.mentor_name, group.mentor_email) == ("Mevr. De Mentor", "mentor@school.example")
    assert [e for e in emitted if isinstance(e, events.ClassBooked)] == [
        events.ClassBooked(group_id=group.pk, booked_by_id=bob.pk)
    ]
    assert not Child.objects.exists() and not Guardian.objects.exists()
    assert not Enrolment.objects.exists()


def test_a_published_group_can_still_be_rebooked(think: Any, school_a: Any, bob: Any) -> None:
    group = group_transition(group=class_group(think, school_a), to=GroupStatus.PUBLISHED)
    class_booking_set(
        group=group,
        class_name="3C",
        class_size=12,
        mentor_name="M",
        mentor_email="m@example.org",
        booked_by=bob,
    )
    group.refresh_from_db()
    assert group.class_name == "3C"


@pytest.mark.parametrize(
    ("field", "value"),
    [("class_size", 0), ("class_size", 41), ("mentor_email", "geen-adres"), ("class_name", " ")],
)
def test_invalid_bookings_are_refused_and_change_nothing(
    field: str, value: Any, think: Any, school_a: Any, bob: Any
) -> None:
    group = class_group(think, school_a)
    data = {
        "class_name": "2B",
        "class_size": 27,
        "mentor_name": "Mevr. De Mentor",
        "mentor_email": "mentor@school.example",
        field: value,
    }
    with pytest.raises(ValidationError) as excinfo:
        class_booking_set(group=group, booked_by=bob, **data)
    assert field in excinfo.value.message_dict
    group.refresh_from_db()
    assert (group.class_name, group.class_size) == ("1A", 20)


def test_the_form_shows_a_class_size_above_40_as_an_error(
    think: Any, school_a: Any, as_bob: Client
) -> None:
    group = class_group(think, school_a)
    response = as_bob.post(booking_url(group), {**VALID, "class_size": "45"})
    assert response.status_code == 200
    assert 'id="id_class_size_error"' in response.content.decode()
    group.refresh_from_db()
    assert group.class_size == 20


def test_an_individual_mode_group_cannot_be_booked_as_a_class(
    group: Any, bob: Any, host: Any
) -> None:
    with pytest.raises(ValidationError):
        class_booking_set(
            group=group,
            class_name="7B",
            class_size=20,
            mentor_name="M",
            mentor_email="m@example.org",
            booked_by=bob,
        )


def test_a_running_group_cannot_be_rebooked(think: Any, school_a: Any, bob: Any) -> None:
    group = group_transition(group=class_group(think, school_a), to=GroupStatus.PUBLISHED)
    group = group_transition(group=group, to=GroupStatus.RUNNING)
    with pytest.raises(ValidationError):
        class_booking_set(group=group, booked_by=bob, **{**VALID, "class_size": 20})
    group.refresh_from_db()
    assert group.class_name == "1A"


def test_a_coordinator_cannot_book_at_another_school(
    think: Any, school_b: Any, as_bob: Client
) -> None:
    group = class_group(think, school_b)
    assert booking_url(group) not in as_bob.get(reverse("staff-classes")).content.decode()
    assert as_bob.post(booking_url(group), VALID).status_code == 404
    group.refresh_from_db()
    assert group.class_name == "1A"


def test_the_class_list_query_count_does_not_grow_with_groups(
    think: Any, school_a: Any, as_bob: Client
) -> None:
    class_group(think, school_a)
    few = query_count(lambda: as_bob.get(reverse("staff-classes")))
    for index in range(5):
        class_group(think, school_a, class_name=f"{index + 1}X")
    assert query_count(lambda: as_bob.get(reverse("staff-classes"))) == few


def test_a_class_outside_the_programmes_grades_is_refused_as_a_new_groups_class_is(
    think: Any, school_a: Any, bob: Any
) -> None:
    group = class_group(think, school_a)
    with pytest.raises(ValidationError) as refused:
        class_booking_set(
            group=group, booked_by=bob, **{**VALID, "class_size": 27, "class_name": "9B"}
        )
    assert refused.value.message_dict == {
        "class_name": [
            "THINK op school is voor groep 1 tot en met 8; klas 9B valt daarbuiten. Kies een "
            "klas uit groep 1 tot en met 8, of een programma voor deze klas."
        ]
    }
    group.refresh_from_db()
    assert group.class_name == "1A"
