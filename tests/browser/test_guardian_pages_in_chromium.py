"""A guardian's own place behind their link, and the coordinator's resend button, read well
at phone and desktop size (tools/layout_check.js): the siblings' consent page with a choice
per child, the status page with 'Toestemming intrekken', the withdrawal's question, the
contact details form, the data page behind a data link, and the start page's list of
consents still missing. Each page is also written as a PNG to var/screenshots/guardian/ for
people to look at."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from enrolment import events
from enrolment.services import email_confirm, submission_create
from enrolment.services.retention import data_link_issue
from tests import factories
from tests.browser.support import log_in
from tests.clock import on_day
from tests.enrolment.world import FATHER, MOTHER, child, make_published_group
from tools.page_tour import LAYOUT_CHECK, SIZES

pytestmark = [pytest.mark.django_db(transaction=True), on_day("2026-10-01")]
SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots" / "guardian"


def test_the_guardians_pages_and_the_resend_button_read_well_at_both_sizes(
    browser: Any, live_server: Any, consent_text: Any, emitted: list[Any]
) -> None:
    programme = factories.ProgrammeFactory(
        code="kies-browser",
        age_min=7,
        age_max=17,
        grade_min=1,
        grade_max=8,
        parent_meetings_before=0,
        parent_meetings_after=0,
        trainers_per_group=1,
    )
    host = factories.SchoolFactory(name="Basisschool De Horizon")
    coordinator = factories.UserFactory(first_name="Bob", last_name="Jansen")
    host.coordinators.set([coordinator])
    group = make_published_group(programme, host)
    result = submission_create(
        children=[
            child(group, host, first="Sam"),
            child(group, host, first="Lotte-Marie", born=dt.date(2016, 6, 1), grade=5),
        ],
        enroller=MOTHER,
        other_guardians=[FATHER],
        consent_text=consent_text,
    )
    received = next(e for e in emitted if isinstance(e, events.EnrolmentReceived))
    email_confirm(token=received.confirm_token, consent_given=True)
    bram = next(e for e in emitted if isinstance(e, events.ConsentRequested)).token
    sam = result.enrolments[0]
    anna = received.confirm_token
    pages = [
        ("siblings-consent", f"/aanmelden/link/{bram}/"),
        ("status", f"/aanmelden/link/{anna}/"),
        ("consent-withdraw", f"/aanmelden/link/{anna}/toestemming-intrekken/{sam.public_id}/"),
        ("contact", f"/aanmelden/link/{anna}/mijn-gegevens/"),
        ("my-data", f"/gegevens/mijn-gegevens/{data_link_issue(token=anna)}/"),
    ]
    findings: list[str] = []
    for width, height in SIZES:
        context = browser.new_context(viewport={"width": width, "height": height}, locale="nl-NL")
        page = context.new_page()
        context.add_cookies([{"name": "django_language", "value": "nl", "url": live_server.url}])
        for name, path in pages:
            assert page.goto(live_server.url + path).status == 200, path
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=SHOTS / f"{name}-{width}.png", full_page=True)
            findings += [f"{width}px {path}: {p}" for p in page.evaluate(LAYOUT_CHECK)]
        log_in(page, live_server, coordinator)
        assert page.goto(live_server.url + "/start/coordinator/").status == 200
        page.screenshot(path=SHOTS / f"coordinator-start-{width}.png", full_page=True)
        findings += [f"{width}px start: {p}" for p in page.evaluate(LAYOUT_CHECK)]
        assert page.get_by_role("button", name="Opnieuw sturen").count() == 2
        context.close()
    assert findings == [], "\n".join(findings)
