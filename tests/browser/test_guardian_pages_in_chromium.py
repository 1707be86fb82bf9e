"""A guardian's own place behind their link, and the coordinator's resend button, read well
at phone and desktop size (tools/layout_check.js): the siblings' consent page with a choice
per child, the status page with 'Toestemming intrekken', the withdrawal's question, the
contact details form, the data page with its readable copy and the erasure question, and
the start page's list of consents still missing. On the guardian's pages nothing sticks out
of the text column and no button touches the heading after it (issue 17: on a phone the
status page's child cards ran past the column and the contact button touched 'Uw
gegevens'). Each page is also written as a PNG to var/screenshots/guardian/ for people to
look at."""

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
# px at least between a button's bottom and the top of the heading below it: a heading
# after buttons starts a new part of the page. (8 px is not enough: the status page's contact
# button stood exactly 8 px above 'Uw gegevens', and looked stuck to it.)
MIN_GAP = 16

# What the layout check does not see because the page still fits the screen: a box in
# <main> running past the text column (the column is <main>'s box), and a button with less
# than MIN_GAP px before the next heading below it (the first after it in the page's order
# that shares some of its width: at desktop size a card's buttons are not followed by the
# heading of the card beside it). Returns findings, empty when the page is right.
FIT_CHECK = """(minGap) => {
  const findings = [];
  const main = document.querySelector("main");
  const column = main.getBoundingClientRect();
  const describe = (el) =>
    el.tagName.toLowerCase() +
    (el.className && typeof el.className === "string"
      ? "." + el.className.trim().split(/\\s+/).slice(0, 2).join(".")
      : "");
  const shown = (el) => {
    if (el.closest("details:not([open]) > :not(summary), .gp-visually-hidden")) return false;
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== "hidden" && s.display !== "none";
  };
  for (const el of main.querySelectorAll("*")) {
    if (!shown(el)) continue;
    const r = el.getBoundingClientRect();
    if (r.right > column.right + 0.5 || r.left < column.left - 0.5) {
      findings.push(
        `${describe(el)} runs from ${Math.round(r.left)} to ${Math.round(r.right)}px, ` +
          `outside the text column (${Math.round(column.left)} to ${Math.round(column.right)}px)`,
      );
    }
  }
  const headings = [...main.querySelectorAll("h1, h2, h3, h4, h5, h6")].filter(shown);
  for (const button of main.querySelectorAll(".utrecht-button, .utrecht-button-link")) {
    if (!shown(button)) continue;
    const b = button.getBoundingClientRect();
    const next = headings.find((h) => {
      const r = h.getBoundingClientRect();
      const after = button.compareDocumentPosition(h) & Node.DOCUMENT_POSITION_FOLLOWING;
      return after && r.left < b.right && r.right > b.left;
    });
    if (!next) continue;
    const gap = next.getBoundingClientRect().top - b.bottom;
    if (gap < minGap) {
      findings.push(
        `"${button.textContent.trim()}" ends ${Math.round(gap)}px above the heading ` +
          `"${next.textContent.trim()}" (${minGap}px at least)`,
      );
    }
  }
  return findings;
}"""


def _family(consent_text: Any, emitted: list[Any]) -> dict[str, Any]:
    """Anna enrolled Sam and Lotte-Marie and gave consent; Bram, the father, has yet to."""
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
    return {
        "anna": received.confirm_token,
        "bram": next(e for e in emitted if isinstance(e, events.ConsentRequested)).token,
        "sam": result.enrolments[0],
        "coordinator": coordinator,
    }


def _new_page(browser: Any, live_server: Any, width: int, height: int) -> Any:
    context = browser.new_context(viewport={"width": width, "height": height}, locale="nl-NL")
    context.add_cookies([{"name": "django_language", "value": "nl", "url": live_server.url}])
    return context.new_page()


def _checked(page: Any, name: str, width: int) -> list[str]:
    """Write the page's PNG and return what the layout and fit checks find on it."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}-{width}.png", full_page=True)
    where = f"{width}px {name}"
    return [f"{where}: {p}" for p in page.evaluate(LAYOUT_CHECK)] + [
        f"{where}: {p}" for p in page.evaluate(FIT_CHECK, MIN_GAP)
    ]


def test_the_guardians_pages_and_the_resend_button_read_well_at_both_sizes(
    browser: Any, live_server: Any, consent_text: Any, emitted: list[Any]
) -> None:
    family = _family(consent_text, emitted)
    anna, sam = family["anna"], family["sam"]
    data_token = data_link_issue(token=anna)  # the data pages' own link, from anna's
    pages = [
        ("siblings-consent", f"/aanmelden/link/{family['bram']}/"),
        ("status", f"/aanmelden/link/{anna}/"),
        ("consent-withdraw", f"/aanmelden/link/{anna}/toestemming-intrekken/{sam.public_id}/"),
        ("contact", f"/aanmelden/link/{anna}/mijn-gegevens/"),
        ("my-data", f"/gegevens/mijn-gegevens/{data_token}/"),
        ("erase", f"/gegevens/mijn-gegevens/{data_token}/wissen/"),
    ]
    findings: list[str] = []
    for width, height in SIZES:
        page = _new_page(browser, live_server, width, height)
        for name, path in pages:
            assert page.goto(live_server.url + path).status == 200, path
            findings += _checked(page, name, width)
        page.goto(live_server.url + f"/gegevens/mijn-gegevens/{data_token}/")
        with page.expect_navigation():
            page.get_by_role("button", name="Gegevens bekijken").click()
        assert page.get_by_role("heading", name="Sam: Programma", exact=False).count() == 1
        findings += _checked(page, "my-data-readable", width)
        log_in(page, live_server, family["coordinator"])
        assert page.goto(live_server.url + "/start/coordinator/").status == 200
        findings += _checked(page, "coordinator-start", width)
        assert page.get_by_role("button", name="Opnieuw sturen").count() == 2
        page.context.close()
    assert findings == [], "\n".join(findings)


def test_on_a_phone_the_status_pages_child_cards_stay_in_the_column_and_its_buttons_have_room(
    browser: Any, live_server: Any, consent_text: Any, emitted: list[Any]
) -> None:
    family = _family(consent_text, emitted)
    page = _new_page(browser, live_server, 390, 844)
    assert page.goto(f"{live_server.url}/aanmelden/link/{family['anna']}/").status == 200

    column = page.evaluate("document.querySelector('main').getBoundingClientRect().toJSON()")
    cards = page.evaluate(
        "[...document.querySelectorAll('.gp-status-card')]"
        ".map((card) => card.getBoundingClientRect().toJSON())"
    )
    assert len(cards) == 2
    for card in cards:
        assert column["left"] - 0.5 <= card["left"], (card, column)
        assert card["right"] <= column["right"] + 0.5, (card, column)

    contact = page.get_by_role("link", name="E-mailadres, telefoon of taal wijzigen")
    data = page.get_by_role("heading", name="Uw gegevens", exact=True)
    contact_box, data_box = contact.bounding_box(), data.bounding_box()
    assert contact_box is not None and data_box is not None
    gap = data_box["y"] - (contact_box["y"] + contact_box["height"])
    assert gap >= MIN_GAP, gap
    assert page.evaluate(FIT_CHECK, MIN_GAP) == []
    assert page.evaluate(LAYOUT_CHECK) == []
    page.context.close()
