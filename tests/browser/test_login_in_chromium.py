from __future__ import annotations

from typing import Any

import pytest

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_coordinator_logs_in_with_the_keyboard_and_sees_only_their_school(
    page: Any, live_server: Any, bob: Any, school_a: Any, school_b: Any
) -> None:
    page.goto(f"{live_server.url}/")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "[document.activeElement.tagName, document.activeElement.getAttribute('href')]"
    )
    assert focused == ["A", "#main"]  # the skip link comes first
    page.goto(f"{live_server.url}/inloggen/")
    page.get_by_label("Gebruikersnaam").fill("bob")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_label("Wachtwoord").press("Enter")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/beheer/scholen/")
    body = page.inner_text("main")
    assert school_a.name in body
    assert school_b.name not in body
