"""Every page kind, as each role sees it, reads well at phone and desktop size (issue 17,
item 6): no word squeezed narrower than itself, no page that scrolls sideways outside a
labelled, focusable scroll region, every form control's label beside or above it
(`tools/layout_check.js`, the check `make screenshots` reports with).

The world is the demo of `make run` (seed_demo and seed_demo_groups follow today's date),
walked with the same tour as `make screenshots` (`tools/page_tour.py`): every named page
of the site that answers the role with a page.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from enrolment.models import ConsentText
from tools.page_tour import ROLES, page_paths, walk

pytestmark = pytest.mark.django_db(transaction=True)


# One test per role, so that parallel workers (make test: pytest-xdist) share the walk.
@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_kind_reads_well_for_the_role_at_both_sizes(
    browser: Any, live_server: Any, settings: Any, role: str
) -> None:
    # The demo's enrolments need a consent text in force: the data migration ships one,
    # which a transactional test before this one may have flushed.
    ConsentText.objects.get_or_create(
        version="demo-layout",
        defaults={
            "text_nl": "Ik geef toestemming voor deelname.",
            "text_en": "I consent to taking part.",
            "active_from": timezone.now() - dt.timedelta(days=1),
        },
    )
    settings.SITE_URL = live_server.url
    call_command("seed_demo", demo=True, verbosity=0)
    call_command("seed_demo_groups", demo=True, verbosity=0)
    call_command("seed_demo_evaluations", verbosity=0)  # questionnaires, composer, outcomes
    call_command(
        "seed_demo_referrals", demo=True, verbosity=0
    )  # the wijkteam's slots and referrals
    pages = page_paths()
    assert len(pages) > 60, pages  # the tour reaches the site, not a handful of pages

    findings = walk(browser, live_server.url, pages, role)

    assert findings == [], "\n".join(findings)
