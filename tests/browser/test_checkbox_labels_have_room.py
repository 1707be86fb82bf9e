"""A checkbox's label reads as a line, not as a column of letters (issue 17).

Utrecht's checkbox field is a grid whose first column is as wide as the box; a label
that fell into that column wrapped one or two letters per line (the parent's consent,
about 800 px tall). Measured in Chromium at phone and desktop size: the consent label is
at least 200 px wide and sits beside its box; so does a staff form's checkbox.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.test_parent_enrols_in_chromium import open_kies_group  # noqa: F401
from tests.clock import on_day

pytestmark = [pytest.mark.django_db(transaction=True), on_day("2026-12-06")]

SIZES = [(390, 844), (1280, 900)]
CONSENT = "Ik heb de tekst hierboven gelezen. Ik geef toestemming."


def label_box(page: Any, text: str) -> dict[str, float]:
    """The box of the label's text and of its checkbox, as Chromium laid them out."""
    return page.evaluate(
        """(text) => {
            const label = [...document.querySelectorAll('label')]
                .find((l) => l.textContent.trim().startsWith(text));
            const words = label.querySelector('span') || label;
            const box = label.querySelector('input[type=checkbox]').getBoundingClientRect();
            const r = words.getBoundingClientRect();
            const line = parseFloat(getComputedStyle(words).lineHeight) || 24;
            return {width: r.width, height: r.height, line, boxRight: box.right, left: r.left,
                    boxTop: box.top, top: r.top};
        }""",
        text,
    )


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_the_consent_label_is_a_readable_line_beside_its_box(
    browser: Any,
    live_server: Any,
    open_kies_group: Any,  # noqa: F811
    width: int,
    height: int,
) -> None:
    context = browser.new_context(
        locale="nl-NL", timezone_id="Europe/Amsterdam", viewport={"width": width, "height": height}
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/aanmelden/groep/{open_kies_group.pk}/")
    box = label_box(page, CONSENT)
    context.close()

    assert box["width"] >= 200, box
    assert box["height"] <= 3 * box["line"] + 1, box  # at most three lines, even on a phone
    assert box["left"] >= box["boxRight"], box  # the words beside the box, not under it


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_a_staff_checkbox_label_has_room_too(
    browser: Any, live_server: Any, width: int, height: int
) -> None:
    from tests import factories

    factories.make_manager(username="alice")
    context = browser.new_context(
        locale="nl-NL", timezone_id="Europe/Amsterdam", viewport={"width": width, "height": height}
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/inloggen/")
    page.get_by_label("Gebruikersnaam").fill("alice")
    page.get_by_label("Wachtwoord").fill(factories.PASSWORD)
    page.get_by_label("Wachtwoord").press("Enter")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/beheer/programmas/nieuw/")
    widths = page.evaluate(
        """() => [...document.querySelectorAll('.utrecht-form-field--checkbox label')]
            .map((l) => [l.textContent.trim(), l.getBoundingClientRect().width])"""
    )
    context.close()

    assert widths, "the programme form has checkboxes"
    for text, measured in widths:
        assert measured >= min(200, 8 * len(text)), (text, measured)
