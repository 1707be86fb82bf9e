"""A visitor's menu leads to the relatiedesk's help and information (issue 18, item 3),
marked as the current section on its pages; staff menus are about their work."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_a_visitor_finds_help_and_information_in_the_menu(client: Client) -> None:
    home = client.get("/").content.decode()
    assert 'href="/relatiedesk/">Hulp en informatie</a>' in home
    page = client.get("/relatiedesk/ouders/").content.decode()
    assert 'href="/relatiedesk/" aria-current="true">Hulp en informatie</a>' in page


def test_staff_menus_leave_it_out(as_bob: Client) -> None:
    assert "Hulp en informatie" not in as_bob.get("/start/coordinator/").content.decode()
