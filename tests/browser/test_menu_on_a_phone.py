"""The menu on a phone is one button (issue 17, item 2): below 768 px the staff menu is a
`<details>` disclosure that opens without JavaScript, by keyboard, with its focus visible;
at desktop width the items stand in a row. Each role sees only its own work."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db(transaction=True)

MENU = "nav[aria-label=Hoofdmenu]"


def _open(browser: Any, live_server: Any, user: Any, width: int, height: int) -> Any:
    context = browser.new_context(
        locale="nl-NL", viewport={"width": width, "height": height}, java_script_enabled=True
    )
    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    context.add_cookies(
        [{"name": name, "value": client.cookies[name].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/start/")
    return page


def _visible_links(page: Any) -> list[str]:
    return [
        link.inner_text().strip() for link in page.locator(f"{MENU} a").all() if link.is_visible()
    ]


def test_on_a_phone_the_menu_is_one_button_that_opens_by_keyboard(
    browser: Any, live_server: Any, world: Any
) -> None:
    page = _open(browser, live_server, world.users["trainer"], 390, 844)
    toggle = page.locator(f"{MENU} summary")
    assert toggle.is_visible()
    assert _visible_links(page) == []
    box = page.locator(MENU).bounding_box()
    assert box is not None and box["height"] < 80, box  # one row: the button (four rows before)

    for _ in range(12):  # skip link, language switch, log-out, then the menu
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "SUMMARY":
            break
    assert page.evaluate("document.activeElement.matches(':focus-visible')")
    page.keyboard.press("Enter")
    links = _visible_links(page)
    assert links[:2] == ["Start", "Mijn rooster"], links
    assert "Programmabeheer" not in links and "Kind aanmelden" not in links
    outline = page.evaluate(
        "() => getComputedStyle(document.querySelector('nav[aria-label=Hoofdmenu] summary'))"
        ".outlineStyle"
    )
    assert outline != "none"
    page.context.close()


def test_the_phone_menu_opens_without_javascript(
    browser: Any, live_server: Any, world: Any
) -> None:
    context = browser.new_context(
        locale="nl-NL", viewport={"width": 390, "height": 844}, java_script_enabled=False
    )
    client = Client()
    client.force_login(world.users["coordinator"])
    name = settings.SESSION_COOKIE_NAME
    context.add_cookies(
        [{"name": name, "value": client.cookies[name].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/start/")
    page.locator(f"{MENU} summary").click()
    assert "Planning" in _visible_links(page)
    context.close()


def test_at_desktop_width_the_items_stand_in_a_row(
    browser: Any, live_server: Any, world: Any
) -> None:
    page = _open(browser, live_server, world.users["manager"], 1280, 900)
    assert not page.locator(f"{MENU} summary").is_visible()
    links = _visible_links(page)
    assert {"Start", "Programmabeheer", "Planning", "Deelname"} <= set(links), links
    assert "Mijn rooster" not in links
    page.context.close()
