"""The whole parent flow in Chromium: find the school, enrol, follow the e-mail link,
the second guardian consents, the status shows confirmed."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core import mail

from enrolment.models import ConsentText, Enrolment, EnrolmentStatus
from scheduler.models import GroupStatus
from scheduler.services import group_create, group_transition
from tests import factories
from tests.clock import on_day

pytestmark = [pytest.mark.django_db(transaction=True), on_day("2026-12-06")]


@pytest.fixture
def open_kies_group(db: None) -> Any:
    ConsentText.objects.get_or_create(
        version="2026-1",
        defaults={
            "text_nl": "Ik geef toestemming voor deelname.",
            "text_en": "I consent.",
            "active_from": dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        },
    )
    programme = factories.ProgrammeFactory(
        code="kies-browser",
        name_nl="KIES",
        name_en="KIES",
        parent_meetings_before=0,
        parent_meetings_after=0,
        trainers_per_group=1,
    )
    school = factories.SchoolFactory(name="Basisschool De Vlinder", city="Zwolle")
    year = factories.SchoolYearFactory(label="2026-2027")
    trainer = factories.TrainerFactory(qualifications=[programme])
    group = group_create(
        programme=programme,
        host_school=school,
        school_year=year,
        round_label="voorjaar 2027",
        weekday=0,
        start_time=dt.time(13, 0),
        first_date=dt.date(2027, 3, 1),
        trainers=[trainer],
        enrolment_opens_on=dt.date(2026, 11, 1),
        enrolment_closes_on=dt.date(2027, 2, 26),
    ).group
    return group_transition(group=group, to=GroupStatus.PUBLISHED)


def link_in_mail(to: str, nth: int = 0) -> str:
    """The path of the enrolment link in the `nth` e-mail delivered to `to`."""
    bodies = [m.body for m in mail.outbox if to in m.to]
    found = re.findall(r"https?://[^\s]+(/aanmelden/link/[^/\s]+/)", bodies[nth])
    assert found, bodies[nth]
    return found[0]


def test_a_parent_enrols_and_both_parents_consent_in_the_browser(
    page: Any, live_server: Any, open_kies_group: Any
) -> None:
    mail.outbox.clear()
    page.goto(f"{live_server.url}/aanmelden/")
    page.get_by_label(re.compile("school", re.I)).first.fill("Vlinder")
    page.get_by_role("button", name="Zoek de school").click()
    page.get_by_role("link", name=re.compile("De Vlinder")).first.click()
    assert "plaatsen" in page.inner_text("main").lower()
    page.get_by_role("link", name=re.compile("Aanmelden voor deze groep")).first.click()
    page.wait_for_load_state()

    child = page.locator("#child-0")
    child.get_by_label("Voornaam").fill("Sam")
    child.get_by_label("Achternaam").fill("de Boer")
    child.get_by_label("Geboortedatum").fill("01-03-2017")
    assert "De Vlinder" in child.get_by_label("School").inner_text()
    child.get_by_label("Groep").select_option("4")
    page.get_by_label("Uw naam").fill("Anna de Boer")
    page.get_by_label("Uw e-mailadres").fill("anna@example.org")
    page.get_by_label("moeder", exact=True).check()
    page.get_by_label("Ja, samen met de andere ouder").check()
    page.get_by_label("Naam van de andere ouder").fill("Bram de Boer")
    page.get_by_label("E-mailadres van de andere ouder").fill("bram@example.org")
    page.get_by_label("Ik heb de tekst hierboven gelezen. Ik geef toestemming.").check()
    page.get_by_role("button", name="Aanmelding versturen").click()
    page.wait_for_load_state()
    assert "ontvangen" in page.inner_text("main").lower()
    enrolment = Enrolment.objects.get()
    assert enrolment.status == EnrolmentStatus.AWAITING_CONSENT

    # Anna's mailbox holds the confirmation link; she follows it and consents.
    confirm_link = link_in_mail("anna@example.org")
    page.goto(f"{live_server.url}{confirm_link}")
    page.get_by_role("button", name="Ik geef toestemming").click()
    page.wait_for_load_state()

    # Bram gets his own consent request by e-mail.
    page.goto(f"{live_server.url}{link_in_mail('bram@example.org')}")
    page.get_by_role("button", name="Ik geef toestemming").click()
    page.wait_for_load_state()

    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.CONFIRMED
    page.goto(f"{live_server.url}{confirm_link}")
    assert "bevestigd" in page.inner_text("main").lower()
    # Both parents then receive the invitation with the calendar file.
    invitations = [m for m in mail.outbox if "BEGIN:VCALENDAR" in str(m.message())]
    assert {m.to[0] for m in invitations} == {"anna@example.org", "bram@example.org"}
