"""A co-financed programme's group at a school without an agreement for that school year is
allowed, but the group page and the planning page warn the manager and the school's
coordinator until the agreement exists. Dates follow today."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from programmes.models import ChildConsent, CostBasis, EnrolmentMode, GuardianConsent, SchoolYear
from programmes.services import agreement_create
from scheduler.models import Group
from scheduler.series import first_weekday_on_or_after
from scheduler.services import group_create
from tests import factories

pytestmark = pytest.mark.django_db

NO_AGREEMENT = "heeft voor dit programma nog geen cofinancieringsafspraak in schooljaar"
LISTED = "Groepen zonder cofinancieringsafspraak"


@pytest.fixture
def think_class(bob: Any, dave: Any) -> Group:
    """THINK for class 1B at Bob's secondary school, taught by Dave; no agreement yet."""
    think = factories.ProgrammeFactory(
        code="think-cofi",
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
        co_financed=True,
    )
    dave.qualifications.add(think)
    college = factories.SchoolFactory(
        name="Thorbecke College", school_type="vo", coordinators=[bob]
    )
    first = first_weekday_on_or_after(timezone.localdate() + dt.timedelta(weeks=2), 0)
    return group_create(
        programme=think,
        host_school=college,
        school_year=factories.SchoolYearFactory(label=SchoolYear.label_for(first)),
        round_label="ronde",
        weekday=0,
        start_time=dt.time(10, 0),
        first_date=first,
        trainers=[dave],
        class_name="1B",
        class_size=27,
        mentor_name="M. de Jong",
    ).group


def agree(group: Group) -> None:
    agreement_create(
        school=group.host_school,
        school_year=group.school_year,
        programme=group.programme,
        cost_basis=CostBasis.PER_CLASS,
        price=Decimal("800.00"),
        school_share_percentage=Decimal("50"),
    )


def test_the_group_page_warns_the_manager_and_the_coordinator_until_there_is_an_agreement(
    as_alice: Client, as_bob: Client, as_dave: Client, think_class: Group
) -> None:
    url = reverse("planning-group-detail", args=[think_class.pk])

    assert NO_AGREEMENT in as_alice.get(url).text
    assert NO_AGREEMENT in as_bob.get(url).text
    assert NO_AGREEMENT not in as_dave.get(url).text  # the trainer does not settle it

    agree(think_class)

    assert NO_AGREEMENT not in as_alice.get(url).text
    assert NO_AGREEMENT not in as_bob.get(url).text


def test_the_planning_page_lists_the_group_until_there_is_an_agreement(
    as_alice: Client, as_bob: Client, as_carol: Client, think_class: Group
) -> None:
    url = reverse("planning-home")
    link = reverse("planning-group-detail", args=[think_class.pk])

    for client in (as_alice, as_bob):
        page = client.get(url).text
        assert LISTED in page and link in page
    assert LISTED not in as_carol.get(url).text  # another school's coordinator

    agree(think_class)

    assert LISTED not in as_alice.get(url).text
    assert LISTED not in as_bob.get(url).text
