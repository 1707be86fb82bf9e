"""Finding a group: search the school, see its open groups, or register interest."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from enrolment.models import Interest
from enrolment.services import submission_create
from scheduler.models import Group, GroupStatus
from scheduler.services import group_cancel
from tests import factories
from tests.enrolment.world import FATHER, MOTHER, child, make_published_group

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limit() -> Any:
    cache.clear()
    yield
    cache.clear()


def test_a_school_is_found_by_name_or_place(client: Client, host: Any) -> None:
    factories.SchoolFactory(name="Kindcentrum Het Palet", city="Kampen")
    by_name = client.get("/aanmelden/", {"q": "Horizon"}).content.decode()
    assert "Basisschool De Horizon" in by_name and "Het Palet" not in by_name
    by_place = client.get("/aanmelden/", {"q": "kampen"}).content.decode()
    assert "Het Palet" in by_place and "Basisschool De Horizon" not in by_place
    nothing = client.get("/aanmelden/", {"q": "Atlantis"}).content.decode()
    assert "We vinden geen school met deze naam of plaats" in nothing


def test_the_start_page_works_without_a_search_and_lists_no_inactive_schools(
    client: Client,
) -> None:
    factories.SchoolFactory(name="Oude School", active=False)
    assert client.get("/aanmelden/").status_code == 200
    assert "Oude School" not in client.get("/aanmelden/", {"q": "oude"}).content.decode()


def test_the_group_list_shows_what_a_parent_needs_and_the_seats_left(
    client: Client, group: Any, host: Any, consent_text: Any
) -> None:
    submission_create(
        children=[child(group, host)],
        enroller=MOTHER,
        other_guardians=[FATHER],
        consent_text=consent_text,
    )
    page = client.get(f"/aanmelden/school/{host.pk}/").content.decode()
    assert "KIES" in page
    assert "Elke maandag om 13:00 uur" in page
    assert "De eerste keer is op maandag 2 november 2026" in page
    assert "8 bijeenkomsten voor de kinderen" in page
    assert "Basisschool De Horizon, Schoolstraat 1" in page
    assert "Nog 7 plaatsen" in page


def test_pupils_of_an_admitted_school_see_the_group_and_others_do_not(
    client: Client, group: Any, host: Any, school_a: Any, school_b: Any
) -> None:
    group.admitted_schools.add(school_a)
    admitted = client.get(f"/aanmelden/school/{school_a.pk}/").content.decode()
    assert f"/aanmelden/groep/{group.pk}/?school={school_a.pk}" in admitted
    other = client.get(f"/aanmelden/school/{school_b.pk}/").content.decode()
    assert f"/aanmelden/groep/{group.pk}/" not in other
    assert "Op dit moment is er geen groep" in other


def test_groups_that_are_not_open_are_not_listed(
    client: Client, kies: Any, host: Any, _today: Any
) -> None:
    draft = make_published_group(kies, host)
    Group.objects.filter(pk=draft.pk).update(status=GroupStatus.DRAFT)
    later = make_published_group(kies, host)
    Group.objects.filter(pk=later.pk).update(enrolment_opens_on=dt.date(2026, 10, 20))
    page = client.get(f"/aanmelden/school/{host.pk}/").content.decode()
    assert f"/aanmelden/groep/{draft.pk}/" not in page
    assert f"/aanmelden/groep/{later.pk}/" not in page


def test_the_group_list_query_count_does_not_grow_with_the_number_of_groups(
    client: Client, kies: Any, host: Any
) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(f"/aanmelden/school/{host.pk}/").status_code == 200
        return len(context.captured_queries)

    make_published_group(kies, host)
    make_published_group(kies, host)
    few = queries()
    for _ in range(6):
        make_published_group(kies, host)
    assert Group.objects.count() == 8
    assert queries() == few


def test_the_group_list_never_joins_sessions_with_enrolments(
    client: Client, kies: Any, host: Any
) -> None:
    """Counting sessions and seats in one query multiplies every session by every
    enrolment of the group: the list counts them in queries of their own."""
    make_published_group(kies, host)
    with CaptureQueriesContext(connection) as context:
        assert client.get(f"/aanmelden/school/{host.pk}/").status_code == 200
    joined = [
        q["sql"]
        for q in context.captured_queries
        if '"scheduler_session"' in q["sql"] and '"enrolment_enrolment"' in q["sql"]
    ]
    assert joined == []


def test_where_no_group_is_open_a_parent_registers_interest(
    client: Client, kies: Any, school_a: Any
) -> None:
    page = client.get(f"/aanmelden/school/{school_a.pk}/").content.decode()
    assert "Wilt u dat er een groep komt?" in page
    assert f'<option value="{kies.pk}">KIES</option>' in page
    response = client.post(
        f"/aanmelden/school/{school_a.pk}/belangstelling/",
        {"programme": kies.pk, "email": "ouder@example.org"},
    )
    assert response["Location"] == f"/aanmelden/school/{school_a.pk}/belangstelling/bedankt/"
    assert (
        "We hebben uw belangstelling ontvangen" in client.get(response["Location"]).content.decode()
    )
    interest = Interest.objects.get()
    assert (interest.school, interest.programme, interest.email) == (
        school_a,
        kies,
        "ouder@example.org",
    )


def test_interest_without_an_email_address_is_fine_and_a_bad_one_is_explained(
    client: Client, kies: Any, school_a: Any
) -> None:
    url = f"/aanmelden/school/{school_a.pk}/belangstelling/"
    bad = client.post(url, {"programme": kies.pk, "email": "nope"})
    assert bad.status_code == 200 and "Vul een geldig e-mailadres in" in bad.content.decode()
    missing = client.post(url, {"email": ""})
    assert "Kies een programma." in missing.content.decode()
    assert Interest.objects.count() == 0
    assert client.post(url, {"programme": kies.pk}).status_code == 302
    assert Interest.objects.get().email == ""


def test_an_unknown_school_is_not_found(client: Client, db: None) -> None:
    assert client.get("/aanmelden/school/999999/").status_code == 404


def test_the_school_search_query_count_does_not_grow_with_the_number_of_schools(
    client: Client, db: None
) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            page = client.get("/aanmelden/", {"q": "Zwolle"}).content.decode()
        assert "Basisschool De Linde" in page
        return len(context.captured_queries)

    factories.SchoolFactory.create_batch(2)
    few = queries()
    factories.SchoolFactory.create_batch(18)
    assert queries() == few


def test_the_school_page_follows_new_cancelled_and_filling_groups_at_once(
    client: Client, kies: Any, host: Any, consent_text: Any
) -> None:
    """The groups come from the public cache; the seats are counted on every view."""
    first = make_published_group(kies, host, capacity=1)
    url = f"/aanmelden/school/{host.pk}/"
    assert f"/aanmelden/groep/{first.pk}/" in client.get(url).content.decode()
    second = make_published_group(kies, host)
    page = client.get(url).content.decode()
    assert f"/aanmelden/groep/{second.pk}/" in page
    assert "Nog 1 plaats" in page
    submission_create(
        children=[child(first, host)],
        enroller=MOTHER,
        other_guardians=[FATHER],
        consent_text=consent_text,
    )
    assert "Nog 1 plaats" not in client.get(url).content.decode()
    group_cancel(group=second)
    assert f"/aanmelden/groep/{second.pk}/" not in client.get(url).content.decode()
