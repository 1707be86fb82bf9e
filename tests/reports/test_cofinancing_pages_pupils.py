"""The agreement page per pupil in an individual-mode programme: a group delivers its
confirmed pupils, the same count as the ledger."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from programmes.models import CostBasis
from programmes.services import agreement_create
from scheduler.models import GroupStatus
from scheduler.services import group_create, group_transition
from tests import factories
from tests.enrolment.staff_support import enrol
from tests.reports.test_cofinancing_pages import text_of


@pytest.fixture(autouse=True)
def _today() -> Any:
    with time_machine.travel(dt.datetime(2026, 10, 1, 10, 0, tzinfo=dt.UTC), tick=False):
        yield


def test_an_individual_group_delivers_its_confirmed_pupils(
    as_alice: Client, consent_text: Any, emitted: list[Any]
) -> None:
    kies = factories.ProgrammeFactory(
        age_min=7,
        age_max=17,
        grade_min=1,
        grade_max=8,
        parent_meetings_before=0,
        parent_meetings_after=0,
        trainers_per_group=1,
        co_financed=True,
    )
    school = factories.SchoolFactory(name="Basisschool De Horizon")
    year = factories.SchoolYearFactory(label="2026-2027")
    group = group_create(
        programme=kies,
        host_school=school,
        school_year=year,
        round_label="najaar 2026",
        weekday=0,
        start_time=dt.time(13, 0),
        first_date=dt.date(2026, 11, 2),
        trainers=[factories.TrainerFactory(qualifications=[kies])],
        enrolment_opens_on=dt.date(2026, 9, 1),
        enrolment_closes_on=dt.date(2026, 10, 30),
    ).group
    group = group_transition(group=group, to=GroupStatus.PUBLISHED)
    agreement = agreement_create(
        school=school,
        school_year=year,
        programme=kies,
        cost_basis=CostBasis.PER_PUPIL,
        price=Decimal("150.00"),
        school_share_percentage=Decimal("20"),
        units_agreed=8,
    )
    for name in ("Ada", "Bram", "Cem"):
        enrol(group, school, consent_text, emitted, first=name)
    enrol(group, school, consent_text, emitted, first="Dana", confirm=False)
    group_transition(group=group, to=GroupStatus.RUNNING)

    response = as_alice.get(reverse("cofinancing-agreement-detail", args=[agreement.pk]))

    page = text_of(response)
    assert "Eenheden geleverd 3" in page  # Dana's consent is still pending
    assert "najaar 2026 loopt ja 3" in page
    assert "Aandeel school € 90,00" in page
    assert "Dana" not in page and "Ada" not in page  # counts only, never names
