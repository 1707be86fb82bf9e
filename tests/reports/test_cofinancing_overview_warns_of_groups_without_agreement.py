"""The co-financing overview of a school year warns of the co-financed groups whose school has
no agreement for that year, until the agreement is made. Dates follow today."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from programmes.models import (
    ChildConsent,
    CostBasis,
    EnrolmentMode,
    GuardianConsent,
    SchoolYear,
)
from programmes.services import agreement_create
from scheduler.models import Group
from scheduler.series import first_weekday_on_or_after
from scheduler.services import group_create
from tests import factories

pytestmark = pytest.mark.django_db

LISTED = "Groepen zonder cofinancieringsafspraak"


@pytest.fixture
def think_class(bob: Any) -> Group:
    think = factories.ProgrammeFactory(
        code="think-overview",
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
        trainers=[factories.TrainerFactory(qualifications=[think])],
        class_name="1B",
        class_size=27,
        mentor_name="M. de Jong",
    ).group


def test_the_overview_lists_a_group_without_agreement_until_the_agreement_is_made(
    as_alice: Client, as_bob: Client, as_carol: Client, think_class: Group
) -> None:
    url = reverse("cofinancing-overview") + f"?schooljaar={think_class.school_year.label}"
    link = reverse("planning-group-detail", args=[think_class.pk])

    for client in (as_alice, as_bob):
        page = client.get(url).text
        assert LISTED in page and link in page and "Thorbecke College" in page
    assert LISTED not in as_carol.get(url).text

    agreement_create(
        school=think_class.host_school,
        school_year=think_class.school_year,
        programme=think_class.programme,
        cost_basis=CostBasis.PER_CLASS,
        price=Decimal("800.00"),
        school_share_percentage=Decimal("50"),
    )

    assert LISTED not in as_alice.get(url).text
    assert LISTED not in as_bob.get(url).text
