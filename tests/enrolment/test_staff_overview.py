from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from enrolment.audit import AuditAction
from enrolment.models import AuditEntry
from enrolment.services import enrolment_withdraw, interest_register
from tests import factories
from tests.enrolment.staff_support import enrol
from tests.enrolment.world import make_published_group

pytestmark = pytest.mark.django_db


@pytest.fixture
def pupils(
    kies: Any, host: Any, school_a: Any, school_b: Any, consent_text: Any, emitted: Any
) -> dict[str, Any]:
    autumn = make_published_group(kies, host, admitted_schools=[school_a, school_b])
    other = factories.ProgrammeFactory(
        code="jes-overview", name_nl="!JES", age_max=17, trainers_per_group=1
    )
    spring = make_published_group(other, school_a)
    return {
        "autumn": autumn,
        "spring": spring,
        "ada": enrol(autumn, school_a, consent_text, emitted, first="Ada"),
        "bas": enrol(spring, school_a, consent_text, emitted, first="Bas"),
        "cem": enrol(autumn, school_b, consent_text, emitted, first="Cem"),
        "dirk": enrol(autumn, host, consent_text, emitted, first="Dirk"),
    }


def section(page: str, anchor: str) -> str:
    return page.split(f'id="{anchor}"')[1].split("</section>")[0]


def test_a_coordinator_sees_their_schools_pupils_across_groups_and_nobody_else(
    pupils: dict[str, Any], as_bob: Client
) -> None:
    page = as_bob.get(reverse("staff-overview")).content.decode()
    listed = section(page, "leerlingen")
    assert "Ada" in listed and "Bas" in listed
    assert "Cem" not in page and "Dirk" not in page
    assert reverse("staff-roster", args=[pupils["autumn"].pk]) in listed
    assert reverse("staff-roster", args=[pupils["spring"].pk]) in listed
    assert "bevestigd" in listed


def test_viewing_the_overview_is_audit_logged(pupils: dict[str, Any], as_bob: Client) -> None:
    as_bob.get(reverse("staff-overview"))
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.target) == (AuditAction.ENROLMENT_VIEWED, "overview")


def test_the_manager_sees_all_schools_and_filters_by_school_and_status(
    pupils: dict[str, Any], as_alice: Client, school_b: Any
) -> None:
    page = as_alice.get(reverse("staff-overview")).content.decode()
    assert all(name in page for name in ("Ada", "Bas", "Cem", "Dirk"))
    listed = section(
        as_alice.get(reverse("staff-overview"), {"school": school_b.pk}).content.decode(),
        "leerlingen",
    )
    assert "Cem" in listed and "Ada" not in listed
    enrolment_withdraw(enrolment=pupils["dirk"])
    active = section(as_alice.get(reverse("staff-overview")).content.decode(), "leerlingen")
    assert "Dirk" not in active
    withdrawn = section(
        as_alice.get(reverse("staff-overview"), {"status": "withdrawn"}).content.decode(),
        "leerlingen",
    )
    assert "Dirk" in withdrawn and "Ada" not in withdrawn


def test_coordinators_see_registered_interest_of_their_schools_against_open_groups(
    pupils: dict[str, Any], kies: Any, school_a: Any, school_b: Any, as_bob: Client
) -> None:
    think = factories.ProgrammeFactory(code="mkp-interest", name_nl="Marietje Kessels")
    for _ in range(3):
        interest_register(school=school_a, programme=kies)
    interest_register(school=school_a, programme=think, email="ouder@example.org")
    interest_register(school=school_b, programme=kies)
    demand = section(as_bob.get(reverse("staff-overview")).content.decode(), "belangstelling")
    rows = [r for r in demand.split("<tr")[2:]]
    assert len(rows) == 2
    kies_row = next(r for r in rows if "KIES" in r)
    cells = [c.split(">", 1)[1].split("<")[0] for c in kies_row.split("<td")[1:]]
    assert cells[1] == "3"  # three parents asked
    assert cells[3] == "1"  # the autumn group is open to school A
    mkp_row = next(r for r in rows if "Marietje Kessels" in r)
    assert "geen" in mkp_row  # no group open: a signal to plan one
    assert "Het Anker" not in demand
    assert "ouder@example.org" not in demand  # counts, not parents' addresses


def test_the_manager_sees_the_interest_of_every_school(
    pupils: dict[str, Any], kies: Any, school_b: Any, as_alice: Client
) -> None:
    interest_register(school=school_b, programme=kies)
    demand = section(as_alice.get(reverse("staff-overview")).content.decode(), "belangstelling")
    assert "Het Anker" in demand


def test_a_trainer_sees_a_list_of_their_groups_and_no_pupil_list(
    pupils: dict[str, Any], dave: Any, as_dave: Client
) -> None:
    pupils["autumn"].trainers.add(dave)
    page = as_dave.get(reverse("staff-overview")).content.decode()
    groups = section(page, "mijn-groepen")
    assert reverse("staff-roster", args=[pupils["autumn"].pk]) in groups
    assert reverse("staff-roster", args=[pupils["spring"].pk]) not in groups
    assert "3 kinderen" in groups
    assert 'id="leerlingen"' not in page and "Ada" not in page
