"""A trainer gets their calendar link from their start page (issue 17, item 1): one button
makes it, the page shows the webcal:// link (in a notice read as one column, not
squeezed into three), and a copy button puts the address on the
clipboard (a script from our own origin, so the Content Security Policy allows it)."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_trainer_makes_and_copies_their_calendar_link_on_a_phone(
    browser: Any, live_server: Any, world: Any
) -> None:
    context = browser.new_context(locale="nl-NL", viewport={"width": 390, "height": 844})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    client = Client()
    client.force_login(world.users["trainer"])
    name = settings.SESSION_COOKIE_NAME
    cookie = {"name": name, "value": client.cookies[name].value, "url": live_server.url}
    context.add_cookies([cookie])
    page = context.new_page()
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.goto(f"{live_server.url}/start/")
    page.get_by_role("button", name="Agendalink maken").click()

    heading = page.locator("#nieuwe-link").bounding_box()
    assert heading is not None and heading["height"] < 60, heading  # one line, not a column
    webcal = page.locator("a[data-feed-url=webcal]")
    assert webcal.get_attribute("href").startswith("webcal://")
    https = page.locator("code[data-feed-url]").inner_text().strip()
    copy = page.locator("button[data-copy]")
    assert copy.inner_text() == "Kopieer de link"
    copy.click()
    assert page.evaluate("navigator.clipboard.readText()") == https
    assert copy.inner_text() == "De link is gekopieerd."
    assert errors == []
    context.close()
