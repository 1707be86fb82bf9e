"""The referral and prevention-talk pages in Chromium, at phone and desktop width: the
parent's (invitation, booking, own booking) and the wijkteammedewerker's (start, talk
times, referrals, the invitation form): axe-core finds no serious or critical WCAG 2.1 A/AA
violation and nothing is wider than the screen."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from referrals.models import hash_token
from referrals.services import referral_send, talk_book, talk_slot_create
from tests import factories
from tests.browser.support import log_in
from tests.browser.test_relatiedesk_pages_pass_axe import SIZES, serious_violations

pytestmark = pytest.mark.django_db(transaction=True)


def _world() -> tuple[Any, dict[str, str]]:
    programme = factories.ProgrammeFactory(code="kies", name_nl="KIES", name_en="KIES")
    school = factories.SchoolFactory(name="Basisschool De Vlinder")
    worker = factories.WijkteamWorkerFactory(
        user=factories.UserFactory(username="wendy", first_name="Wendy", last_name="Wijkstra")
    )
    worker.schools.add(school)
    soon = timezone.now().replace(minute=0, second=0, microsecond=0) + dt.timedelta(days=2)
    slots = [
        talk_slot_create(worker=worker, starts_at=soon + dt.timedelta(hours=h)) for h in (0, 2)
    ]
    _booking, talk_token = talk_book(slot_id=slots[0].pk, email="ouder@example.org", name="Anna")
    referral = referral_send(
        referrer=worker.user,
        programme=programme,
        school=school,
        email="gezin@example.org",
        note="Fijn dat we elkaar spraken.",
    )
    referral_token = "axe-referral-token"
    type(referral).objects.filter(pk=referral.pk).update(token_hash=hash_token(referral_token))
    return worker, {
        "invitation": f"/uitnodiging/{referral_token}/",
        "invitation talk": f"/uitnodiging/{referral_token}/gesprek/",
        "booking": "/gesprek/",
        "own booking": f"/gesprek/boeking/{talk_token}/",
    }


def _check(page: Any, url: str) -> dict[str, Any] | None:
    response = page.goto(url)
    assert response.status == 200, url
    problems = serious_violations(page)
    overflow = page.evaluate(
        "document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )
    return {"axe": problems, "wider than the screen": overflow} if problems or overflow else None


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_the_referral_and_talk_pages_pass_axe_and_fit_the_screen(
    browser: Any, live_server: Any, width: int, height: int
) -> None:
    worker, public = _world()
    context = browser.new_context(viewport={"width": width, "height": height}, locale="nl-NL")
    page = context.new_page()
    found = {}
    try:
        for name, path in public.items():
            if problem := _check(page, live_server.url + path):
                found[name] = problem
        log_in(page, live_server, worker.user)
        for path in ("/start/wijkteam/", "/gesprekken/", "/verwijzingen/", "/verwijzingen/nieuw/"):
            if problem := _check(page, live_server.url + path):
                found[path] = problem
    finally:
        context.close()
    assert not found, found
