"""A trainer's roster on a phone is a card per child (issue 17, item 2): below 768 px the
child's first name, status, consent and intake stand in a card the width of the screen, with
no sideways scrolling; from 768 px the table is kept."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db(transaction=True)


def _roster(browser: Any, live_server: Any, world: Any, width: int, height: int) -> Any:
    context = browser.new_context(locale="nl-NL", viewport={"width": width, "height": height})
    client = Client()
    client.force_login(world.users["trainer"])
    name = settings.SESSION_COOKIE_NAME
    cookie = {"name": name, "value": client.cookies[name].value, "url": live_server.url}
    context.add_cookies([cookie])
    page = context.new_page()
    page.goto(f"{live_server.url}{reverse('staff-roster', args=[world.kies.pk])}")
    return page


def test_on_a_phone_each_child_is_a_card_as_wide_as_the_screen(
    browser: Any, live_server: Any, world: Any
) -> None:
    page = _roster(browser, live_server, world, 390, 844)
    cards = page.locator(".gp-roster-cards").first
    assert cards.is_visible()
    assert not page.locator(".gp-roster-wide").first.is_visible()
    card = cards.locator(".gp-roster-card").first
    box = card.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    assert card.locator(".gp-roster-card__first").inner_text().strip()
    assert "Toestemming" in card.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.context.close()


def test_at_desktop_width_the_roster_stays_a_table(
    browser: Any, live_server: Any, world: Any
) -> None:
    page = _roster(browser, live_server, world, 1280, 900)
    assert page.locator(".gp-roster-wide").first.is_visible()
    assert not page.locator(".gp-roster-cards").first.is_visible()
    page.context.close()
