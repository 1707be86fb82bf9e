"""/agenda/abonnementen/: staff list their feeds, make a link (shown once) and revoke it."""

# The fixtures imported from calendar_support are requested by name as parameters.
# ruff: noqa: F811

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from notifications.models import CalendarFeedToken, FeedKind
from tests.notifications.calendar_support import (
    autumn_group,
    discreet_kies,  # noqa: F401
    frozen_before_the_groups,  # noqa: F401
)

PAGE = "/agenda/abonnementen/"


@pytest.fixture(autouse=True)
def _site(settings: Any) -> None:
    settings.SITE_URL = "https://zwolle.example.org"


def shown_link(response: Any) -> str:
    """The https address of the new link on the page, as a path."""
    [url] = re.findall(r'data-feed-url="https">([^<]+)<', response.content.decode())
    return url.removeprefix("https://zwolle.example.org")


def test_an_anonymous_visitor_is_sent_to_the_login_page(client: Client) -> None:
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith("/inloggen/") or "login" in response["Location"]


def test_a_user_without_a_role_gets_403(as_eve: Client) -> None:
    assert as_eve.get(PAGE).status_code == 403
    assert (
        as_eve.post("/agenda/abonnementen/nieuw/", {"kind": "trainer", "target": "1"}).status_code
        == 403
    )


def test_a_trainer_sees_their_schedule_and_their_groups(
    as_dave: Client,
    dave: Any,
    discreet_kies: Any,
) -> None:
    group = autumn_group(discreet_kies)
    group.trainers.add(dave)
    page = as_dave.get(PAGE).content.decode()
    assert "Mijn rooster" in page
    assert str(group) in page
    assert "Geen link" in page


def test_making_a_link_shows_it_once_and_it_works(as_dave: Client, dave: Any) -> None:
    response = as_dave.post("/agenda/abonnementen/nieuw/", {"kind": "trainer", "target": dave.pk})

    assert response.status_code == 200
    page = response.content.decode()
    assert "webcal://zwolle.example.org/agenda/feed/" in page
    path = shown_link(response)
    assert Client().get(path).status_code == 200
    # The list page afterwards shows the link is active, but never the link itself.
    later = as_dave.get(PAGE).content.decode()
    assert "Actief sinds" in later
    assert path not in later


def test_a_new_link_replaces_the_old_one(as_dave: Client, dave: Any) -> None:
    old = shown_link(
        as_dave.post("/agenda/abonnementen/nieuw/", {"kind": "trainer", "target": dave.pk})
    )
    new = shown_link(
        as_dave.post("/agenda/abonnementen/nieuw/", {"kind": "trainer", "target": dave.pk})
    )
    assert Client().get(old).status_code == 404
    assert Client().get(new).status_code == 200
    assert CalendarFeedToken.objects.filter(owner=dave.user, revoked_at__isnull=True).count() == 1


def test_revoking_a_link_makes_it_404(as_dave: Client, dave: Any) -> None:
    path = shown_link(
        as_dave.post("/agenda/abonnementen/nieuw/", {"kind": "trainer", "target": dave.pk})
    )

    response = as_dave.post(
        "/agenda/abonnementen/intrekken/", {"kind": "trainer", "target": dave.pk}
    )

    assert response.status_code == 302
    assert Client().get(path).status_code == 404


def test_a_coordinator_gets_404_for_another_schools_feed(
    as_bob: Client,
    school_b: Any,
    discreet_kies: Any,
) -> None:
    group = autumn_group(discreet_kies, school=school_b)
    for kind, target in (("school", school_b.pk), ("group", group.pk), ("trainer", 1)):
        for action in ("nieuw", "intrekken"):
            response = as_bob.post(
                f"/agenda/abonnementen/{action}/", {"kind": kind, "target": target}
            )
            assert response.status_code == 404
    assert not CalendarFeedToken.objects.exists()


def test_a_coordinator_can_subscribe_to_their_school(as_bob: Client, school_a: Any) -> None:
    response = as_bob.post("/agenda/abonnementen/nieuw/", {"kind": "school", "target": school_a.pk})
    assert response.status_code == 200
    token = CalendarFeedToken.objects.get()
    assert (token.kind, token.school_id) == (FeedKind.SCHOOL, school_a.pk)
    assert Client().get(shown_link(response)).status_code == 200


def test_the_page_needs_a_post_to_change_anything(as_dave: Client, dave: Any) -> None:
    assert as_dave.get("/agenda/abonnementen/nieuw/").status_code == 405
    assert not CalendarFeedToken.objects.exists()


def _page_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(PAGE).status_code == 200
    return len(queries.captured_queries)


def test_the_page_query_count_does_not_grow_with_the_number_of_groups(
    as_alice: Client,
    alice: Any,
    discreet_kies: Any,
) -> None:
    from tests import factories

    school = factories.SchoolFactory(name="Vast")
    autumn_group(discreet_kies, school=school)
    autumn_group(discreet_kies, school=school, weekday=1, first_date=dt.date(2026, 9, 29))
    few = _page_queries(as_alice)
    for n in range(18):
        autumn_group(discreet_kies, school_name=f"School {n}")
    as_alice.post("/agenda/abonnementen/nieuw/", {"kind": "school", "target": school.pk})
    many = _page_queries(as_alice)
    assert many == few
