"""A programme runs only at schools of its sector (PO/VO) and for classes of its grades:
creating or publishing a group elsewhere is refused, on the page and in the API, in the
same words. Dates follow today, so these tests pass on any day."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from programmes.models import ChildConsent, EnrolmentMode, GuardianConsent, SchoolType, SchoolYear
from scheduler.models import Group, GroupStatus
from scheduler.series import first_weekday_on_or_after
from tests import factories

pytestmark = pytest.mark.django_db

API = "/api/v1"
WRONG_SECTOR = (
    "THINK op school is een programma voor het voortgezet onderwijs en Basisschool De Esch is "
    "geen school in het voortgezet onderwijs. Kies een school in het voortgezet onderwijs, of "
    "een programma voor deze school."
)
WRONG_GRADE = (
    "THINK op school is voor klas 1 tot en met 2; klas 8B valt daarbuiten. Kies een klas uit "
    "klas 1 tot en met 2, of een programma voor deze klas."
)


@pytest.fixture
def think(db: None) -> Any:
    return factories.ProgrammeFactory(
        code="think-sector",
        name_nl="THINK op school",
        audience="vo",
        grade_min=1,
        grade_max=2,
        age_min=11,
        age_max=15,
        enrolment_mode=EnrolmentMode.CLASS,
        consent_guardians=GuardianConsent.NONE,
        consent_child=ChildConsent.NONE,
        parent_meetings_before=0,
        parent_meetings_after=0,
        trainers_per_group=1,
        group_size_max=32,
    )


@pytest.fixture
def college(alice: Any) -> Any:
    return factories.SchoolFactory(name="Thorbecke College", school_type=SchoolType.VO)


def data(think: Any, school: Any, **extra: Any) -> dict[str, Any]:
    first = first_weekday_on_or_after(timezone.localdate() + dt.timedelta(weeks=2), 0)
    year = factories.SchoolYearFactory(label=SchoolYear.label_for(first))
    return {
        "programme": think.pk,
        "host_school": school.pk,
        "school_year": year.pk,
        "round_label": "ronde",
        "weekday": 0,
        "start_time": "10:00",
        "first_date": first.isoformat(),
        "parent_meeting_time": "19:30",
        "trainers": [factories.TrainerFactory(qualifications=[think]).pk],
        "class_name": "1B",
        "class_size": 27,
        "mentor_name": "M. de Jong",
        **extra,
    }


def api(data: dict[str, Any]) -> dict[str, Any]:
    year = SchoolYear.objects.get(pk=data["school_year"])
    return {**data, "school_year": year.label}


def test_a_secondary_programme_is_refused_at_a_primary_school_on_both_doors(
    as_bob: Client, think: Any, school_a: Any
) -> None:
    page = as_bob.post(reverse("planning-group-create"), data(think, school_a, action="create"))
    preview = as_bob.post(reverse("planning-group-create"), data(think, school_a))
    answer = as_bob.post(
        f"{API}/groups/", api(data(think, school_a)), content_type="application/json"
    )

    assert page.context["form"].errors["host_school"] == [WRONG_SECTOR]
    assert preview.context["form"].errors["host_school"] == [WRONG_SECTOR]
    assert answer.status_code == 400
    assert answer.json()["host_school"] == [WRONG_SECTOR]
    assert not Group.objects.exists()


def test_a_class_outside_the_programmes_grades_is_refused_on_both_doors(
    as_alice: Client, think: Any, college: Any
) -> None:
    wrong = data(think, college, class_name="8B")

    page = as_alice.post(reverse("planning-group-create"), {**wrong, "action": "create"})
    answer = as_alice.post(f"{API}/groups/", api(wrong), content_type="application/json")
    right = as_alice.post(
        f"{API}/groups/", api(data(think, college)), content_type="application/json"
    )

    assert page.context["form"].errors["class_name"] == [WRONG_GRADE]
    assert answer.status_code == 400
    assert answer.json()["class_name"] == [WRONG_GRADE]
    assert right.status_code == 201, right.json()
    assert list(Group.objects.values_list("class_name", flat=True)) == ["1B"]


def test_a_misplaced_group_from_before_the_rule_cannot_be_published(
    as_bob: Client, think: Any, school_a: Any
) -> None:
    # A row written directly, as an older version let a coordinator make it.
    fields = data(think, school_a)
    group = Group.objects.create(
        programme=think,
        host_school=school_a,
        school_year_id=fields["school_year"],
        round_label="ronde",
        weekday=0,
        start_time=dt.time(10, 0),
        first_date=dt.date.fromisoformat(fields["first_date"]),
        capacity=27,
        class_name="8B",
        class_size=27,
        mentor_name="M. de Jong",
    )
    group.trainers.set(fields["trainers"])

    page = as_bob.post(
        reverse("planning-group-status", args=[group.pk]), {"to": "published"}, follow=True
    )
    answer = as_bob.post(
        f"{API}/groups/{group.pk}/transition/",
        {"to": "published"},
        content_type="application/json",
    )

    messages = [str(m) for m in page.context["messages"]]
    assert messages == [f"{WRONG_SECTOR} {WRONG_GRADE}"]
    assert answer.status_code == 400
    assert WRONG_SECTOR in str(answer.json()) and WRONG_GRADE in str(answer.json())
    assert Group.objects.get(pk=group.pk).status == GroupStatus.DRAFT


def test_a_group_without_parent_meetings_shows_no_time_for_them(
    as_alice: Client, think: Any, college: Any
) -> None:
    created = as_alice.post(
        f"{API}/groups/", api(data(think, college)), content_type="application/json"
    )

    page = as_alice.get(reverse("planning-group-detail", args=[created.json()["id"]]))

    assert "Ouderbijeenkomsten om" not in page.text
