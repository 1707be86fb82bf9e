"""Issue 18's "done when": a referral sent by a coordinator leads a parent, through the link
in the delivered e-mail, to an enrolment with school and programme filled in (Chromium)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core import mail

from enrolment.models import ConsentText
from referrals.models import Referral, ReferralStatus
from scheduler.models import GroupStatus
from scheduler.services import group_create, group_transition
from tests import factories
from tests.browser.support import log_in
from tests.clock import on_day

pytestmark = [pytest.mark.django_db(transaction=True), on_day("2026-12-06")]


@pytest.fixture
def open_group(db: None) -> Any:
    ConsentText.objects.get_or_create(
        version="2026-1",
        defaults={
            "text_nl": "Ik geef toestemming voor deelname.",
            "text_en": "I consent.",
            "active_from": dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        },
    )
    programme = factories.ProgrammeFactory(
        code="kies-referral",
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


def test_a_coordinators_referral_leads_the_parent_to_the_enrolment_with_school_and_programme(
    page: Any, live_server: Any, open_group: Any
) -> None:
    school = open_group.host_school
    coordinator = factories.UserFactory(username="hank", first_name="Hank", last_name="Hoeve")
    school.coordinators.add(coordinator)
    mail.outbox.clear()

    log_in(page, live_server, coordinator)
    page.goto(f"{live_server.url}/verwijzingen/nieuw/")
    page.get_by_label("Programma").select_option(str(open_group.programme_id))
    page.get_by_label("School", exact=True).select_option(str(school.pk))
    page.get_by_label("Groep (niet verplicht)").select_option(str(open_group.pk))
    page.get_by_label("E-mailadres van de ouder").fill("anna@example.org")
    page.get_by_label("Persoonlijke notitie (niet verplicht)").fill("Fijn dat we spraken.")
    page.get_by_role("button", name="Uitnodiging versturen").click()
    page.wait_for_load_state()
    assert "verstuurd" in page.inner_text("main")

    delivered = [m for m in mail.outbox if "anna@example.org" in m.to]
    assert len(delivered) == 1
    assert "scheiding" not in delivered[0].subject.lower()
    link = re.search(r"https?://\S+(/uitnodiging/[^/\s]+/)", delivered[0].body)
    assert link, delivered[0].body

    page.context.clear_cookies()  # the parent has no account
    page.goto(live_server.url + link.group(1))
    assert "Fijn dat we spraken." in page.inner_text("main")
    assert Referral.objects.get().status == ReferralStatus.SENT  # a scanner could GET it too
    page.get_by_role("button", name="Naar de aanmelding").click()
    page.wait_for_load_state()
    assert f"/aanmelden/groep/{open_group.pk}/" in page.url
    assert "KIES" in page.inner_text("main")
    chosen = page.locator("#child-0 select[name$='school']").input_value()
    assert chosen == str(school.pk)
    assert Referral.objects.get().status == ReferralStatus.OPENED
