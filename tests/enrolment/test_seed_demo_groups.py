from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from enrolment.models import Enrolment
from programmes.models import CoFinancingAgreement, InvoiceStatus
from scheduler.models import Group, GroupStatus, PlanningRequest

pytestmark = pytest.mark.django_db


def test_the_demo_gets_an_open_group_with_enrolments_once(settings: object) -> None:
    call_command("seed_demo", "--demo", stdout=StringIO())
    call_command("seed_demo_groups", "--demo", stdout=StringIO())
    counts = (Group.objects.count(), PlanningRequest.objects.count(), Enrolment.objects.count())
    call_command("seed_demo_groups", "--demo", stdout=StringIO())
    assert counts == (4, 2, 3)
    assert (
        Group.objects.count(),
        PlanningRequest.objects.count(),
        Enrolment.objects.count(),
    ) == counts
    kies = Group.objects.get(programme__code="kies")
    assert kies.status == GroupStatus.PUBLISHED
    assert kies.trainers.filter(user__username="trainer").exists()


def test_the_demo_has_a_co_financing_agreement_with_a_concept_invoice() -> None:
    call_command("seed_demo", "--demo", stdout=StringIO())
    call_command("seed_demo_groups", "--demo", stdout=StringIO())
    call_command("seed_demo_groups", "--demo", stdout=StringIO())

    agreement = CoFinancingAgreement.objects.get()
    assert agreement.programme.code == "think"
    assert agreement.school.school_type == "vo"
    assert [invoice.status for invoice in agreement.invoices.all()] == [InvoiceStatus.CONCEPT]
    assert agreement.changes.count() == 2
