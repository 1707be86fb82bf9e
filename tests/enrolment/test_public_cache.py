"""The public reads every parent makes (school search, a school's open groups, the consent
text) are cached, answer exactly as without the cache, and show every change at once:
seats on every request, everything else as soon as staff change it."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from unittest import mock

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from enrolment import public_cache
from enrolment.catalogue import open_groups
from enrolment.models import ConsentText
from enrolment.selectors import seats_taken
from enrolment.serializers import PublicGroupSerializer
from enrolment.services import (
    GuardianInput,
    consent_text_current,
    consent_text_save,
    submission_create,
)
from programmes.services import programme_update, school_update
from scheduler.models import GroupStatus, Session, SessionKind, SessionStatus
from scheduler.services import group_cancel, group_transition, session_cancel, session_move
from tests import factories
from tests.enrolment.world import TODAY, child, make_published_group

pytestmark = pytest.mark.django_db

API = "/api/v1/public"
CONSENT = f"{API}/consent-text/"


@pytest.fixture(autouse=True)
def _no_throttle(settings: Any) -> None:
    # The clock stands still in these tests, so the throttle's window would never pass.
    settings.ENROLMENT_RATE_LIMITS = {**settings.ENROLMENT_RATE_LIMITS, "read-per-address": 10**6}


def get(client: Client, url: str, **extra: Any) -> tuple[Any, int, int]:
    """The answer (JSON), its status and the number of database queries it took."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **extra)
    return response.json(), response.status_code, len(captured)


def groups_url(school: Any) -> str:
    return f"{API}/schools/{school.pk}/groups/"


def uncached_groups(school: Any) -> Any:
    """The answer worked out from the database alone, as the API gave it before any cache."""
    groups = open_groups(school.pk, timezone.localdate())
    taken = seats_taken([g.pk for g in groups])
    for group in groups:
        group.seats_left = max(0, group.capacity - taken.get(group.pk, 0))
        group.waitlist = group.seats_left == 0
    return json.loads(JSONRenderer().render(PublicGroupSerializer(groups, many=True).data))


def enrol_one(group: Any, consent_text: Any, first: str = "Sam") -> None:
    submission_create(
        children=[child(group, group.host_school, first=first)],
        enroller=GuardianInput(
            name=f"Ouder {first}", email=f"{first.lower()}@example.org", authority="sole"
        ),
        consent_text=consent_text,
    )


# --- the same answers -------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        {"search": "Zoekschool"},
        {"search": "zoekschool", "page": "2"},
        {"search": "Zoekschool", "page": "last", "other": "x"},
        {"search": " Zwolle,  Zoekschool 1 "},
        {},
    ],
)
def test_a_cached_school_search_answers_as_the_database_does(client: Client, query: Any) -> None:
    for n in range(55):  # more than one page of 50
        factories.SchoolFactory(name=f"Zoekschool {n}", city="Zwolle")
    url = f"{API}/schools/"

    cold, status, cold_queries = get(client, url, data=query)
    warm, _status, warm_queries = get(client, url, data=query)
    public_cache.reset()
    cold_https, _status, _queries = get(client, url, data=query, secure=True)
    warm_https, _status, _queries = get(client, url, data=query, secure=True)

    assert status == 200
    assert warm == cold
    assert warm_https == cold_https
    assert warm_queries == 0 < cold_queries
    if cold["next"] or cold["previous"]:  # links are made from the request, not the cache
        assert (cold_https["next"] or cold_https["previous"]).startswith("https://")


def test_a_page_that_does_not_exist_stays_a_404(client: Client) -> None:
    factories.SchoolFactory(name="Zoekschool")
    url = f"{API}/schools/?search=Zoekschool&page=3"

    first, first_status, _queries = get(client, url)
    second, second_status, _queries = get(client, url)

    assert first_status == second_status == 404
    assert first == second


def test_the_cached_groups_of_a_school_are_the_uncached_answer(
    client: Client, group: Any, host: Any, kies: Any
) -> None:
    make_published_group(kies, host, capacity=5)
    expected = uncached_groups(host)

    cold, _status, cold_queries = get(client, groups_url(host))
    warm, _status, warm_queries = get(client, groups_url(host))

    assert len(expected) == 2
    assert cold == warm == expected
    assert cold_queries == 4  # school, groups, sessions, seats
    assert warm_queries == 1  # seats only


def test_groups_cached_in_dutch_are_not_served_in_english(
    client: Client, group: Any, host: Any, kies: Any
) -> None:
    programme_update(programme=kies, name_nl="KIES nl", name_en="KIES en")

    dutch, _status, _queries = get(client, groups_url(host))
    english, _status, _queries = get(client, groups_url(host), HTTP_ACCEPT_LANGUAGE="en")

    assert dutch[0]["programme"]["name"] == "KIES nl"
    assert english[0]["programme"]["name"] == "KIES en"
    assert english[0]["weekday_display"] != dutch[0]["weekday_display"]


def test_an_unknown_school_is_a_404_cached_or_not(client: Client) -> None:
    url = f"{API}/schools/999999/groups/"

    first, first_status, _queries = get(client, url)
    second, second_status, second_queries = get(client, url)

    assert first_status == second_status == 404
    assert first == second == {"detail": "Niet gevonden."}
    assert second_queries == 0


def test_a_school_without_open_groups_costs_no_query_when_warm(
    client: Client, school_a: Any
) -> None:
    get(client, groups_url(school_a))

    answer, _status, queries = get(client, groups_url(school_a))

    assert answer == []
    assert queries == 0


def test_the_consent_text_is_read_once(client: Client, consent_text: ConsentText) -> None:
    cold, _status, cold_queries = get(client, CONSENT)
    warm, _status, warm_queries = get(client, CONSENT)

    assert cold == warm
    assert (warm["version"], warm["text_nl"], warm["text_en"]) == (
        consent_text.version,
        consent_text.text_nl,
        consent_text.text_en,
    )
    assert cold_queries == 2  # the text in force, and when the next one starts
    assert warm_queries == 0


# --- seats are never stale --------------------------------------------------------------


def test_taking_the_last_seat_shows_at_once(
    client: Client, kies: Any, host: Any, consent_text: ConsentText
) -> None:
    group = make_published_group(kies, host, capacity=2)
    enrol_one(group, consent_text, "Sam")
    before, _status, _queries = get(client, groups_url(host))

    enrol_one(group, consent_text, "Kim")
    after, _status, queries = get(client, groups_url(host))

    assert (before[0]["seats_left"], before[0]["waitlist"]) == (1, False)
    assert (after[0]["seats_left"], after[0]["waitlist"]) == (0, True)
    assert queries == 1  # still from the cache: only the seats were counted


def test_a_seat_taken_through_the_api_shows_in_the_next_list(
    client: Client, kies: Any, host: Any, consent_text: ConsentText
) -> None:
    group = make_published_group(kies, host, capacity=1)
    get(client, groups_url(host))
    payload = {
        "children": [
            {
                "first_name": "Sam",
                "last_name": "de Boer",
                "date_of_birth": "2017-03-01",
                "school": host.pk,
                "grade": 4,
                "group": group.pk,
            }
        ],
        "enroller": {"name": "Anna de Boer", "email": "anna@example.org", "authority": "sole"},
        "consent_text_version": consent_text_current().version,
    }
    assert (
        client.post(f"{API}/enrolments/", payload, content_type="application/json").status_code
        == 201
    )

    after, _status, _queries = get(client, groups_url(host))

    assert (after[0]["seats_left"], after[0]["waitlist"]) == (0, True)


# --- changes staff make -----------------------------------------------------------------


def child_sessions(group: Any) -> list[Session]:
    return list(
        group.sessions.filter(kind=SessionKind.CHILD, status=SessionStatus.SCHEDULED).order_by(
            "starts_at"
        )
    )


def test_a_moved_session_shows_in_the_dates(client: Client, group: Any, host: Any) -> None:
    first = child_sessions(group)[0]
    before, _status, _queries = get(client, groups_url(host))

    session_move(session=first, starts_at=first.starts_at - dt.timedelta(days=7))
    after, _status, _queries = get(client, groups_url(host))

    assert before[0]["first_session_date"] == "2026-11-02"
    assert after[0]["first_session_date"] == "2026-10-26"
    assert after == uncached_groups(host)


def test_a_cancelled_session_shows_in_the_count(client: Client, group: Any, host: Any) -> None:
    before, _status, _queries = get(client, groups_url(host))

    session_cancel(session=child_sessions(group)[-1])
    after, _status, _queries = get(client, groups_url(host))

    assert after[0]["sessions"] == before[0]["sessions"] - 1
    assert after == uncached_groups(host)


def test_an_edited_group_shows_at_once(client: Client, group: Any, host: Any) -> None:
    get(client, groups_url(host))

    group.location = "Gymzaal De Horizon"
    group.capacity = 6
    group.save()
    after, _status, _queries = get(client, groups_url(host))

    assert after[0]["location"] == "Gymzaal De Horizon"
    assert after[0]["seats_left"] == 6


@pytest.mark.parametrize("change", ["cancel", "unpublish"])
def test_a_cancelled_or_unpublished_group_disappears(
    client: Client, group: Any, host: Any, change: str
) -> None:
    before, _status, _queries = get(client, groups_url(host))

    if change == "cancel":
        group_cancel(group=group, reason="te weinig aanmeldingen")
    else:
        group_transition(group=group, to=GroupStatus.DRAFT)
    after, _status, _queries = get(client, groups_url(host))

    assert [g["id"] for g in before] == [group.pk]
    assert after == []


def test_a_newly_published_group_appears(client: Client, kies: Any, host: Any) -> None:
    assert get(client, groups_url(host))[0] == []

    group = make_published_group(kies, host)

    assert [g["id"] for g in get(client, groups_url(host))[0]] == [group.pk]


def test_a_school_admitted_later_sees_the_group(client: Client, group: Any, school_b: Any) -> None:
    assert get(client, groups_url(school_b))[0] == []

    group.admitted_schools.add(school_b)

    assert [g["id"] for g in get(client, groups_url(school_b))[0]] == [group.pk]


def test_a_deactivated_school_is_gone_from_search_and_groups(
    client: Client, group: Any, host: Any
) -> None:
    search = f"{API}/schools/?search=Horizon"
    assert get(client, search)[0]["count"] == 1
    assert get(client, groups_url(host))[1] == 200

    school_update(school=host, active=False)

    assert get(client, search)[0]["count"] == 0
    assert get(client, groups_url(host))[1] == 404


def test_a_renamed_school_is_found_by_its_new_name(client: Client, group: Any, host: Any) -> None:
    assert get(client, f"{API}/schools/?search=Horizon")[0]["count"] == 1
    get(client, groups_url(host))

    school_update(school=host, name="Basisschool Het Kompas")

    assert get(client, f"{API}/schools/?search=Horizon")[0]["count"] == 0
    found = get(client, f"{API}/schools/?search=Kompas")[0]["results"]
    assert [s["name"] for s in found] == ["Basisschool Het Kompas"]
    assert get(client, groups_url(host))[0][0]["host_school"]["name"] == "Basisschool Het Kompas"


def test_a_change_nobody_announces_shows_within_a_minute(
    client: Client, group: Any, host: Any, _today: Any
) -> None:
    get(client, groups_url(host))

    Session.objects.filter(group=group).update(status=SessionStatus.CANCELLED)  # no signal
    stale, _status, _queries = get(client, groups_url(host))
    _today.shift(dt.timedelta(seconds=public_cache.CATALOGUE_TTL + 1))
    fresh, _status, _queries = get(client, groups_url(host))

    assert stale[0]["sessions"] > 0
    assert fresh[0]["sessions"] == 0


# --- the consent text -------------------------------------------------------------------


def new_text(version: str, active_from: dt.datetime) -> ConsentText:
    return consent_text_save(
        consent_text=ConsentText(
            version=version,
            text_nl=f"Tekst {version}",
            text_en=f"Text {version}",
            active_from=active_from,
        )
    )


def test_a_new_consent_text_shows_at_once(client: Client, consent_text: ConsentText) -> None:
    assert get(client, CONSENT)[0]["version"] == "2026-1"

    new_text("2026-2", TODAY)

    assert get(client, CONSENT)[0]["version"] == "2026-2"
    assert consent_text_current().version == "2026-2"


def test_a_corrected_or_deleted_consent_text_shows_at_once(
    client: Client, consent_text: ConsentText
) -> None:
    draft = new_text("2026-2", TODAY)
    get(client, CONSENT)

    draft.text_nl = "Verbeterde tekst"
    consent_text_save(consent_text=draft)
    assert get(client, CONSENT)[0]["text_nl"] == "Verbeterde tekst"

    draft.delete()
    assert get(client, CONSENT)[0]["version"] == "2026-1"


def test_a_future_consent_text_takes_over_at_its_time(
    client: Client, consent_text: ConsentText, _today: Any
) -> None:
    new_text("2027-1", TODAY + dt.timedelta(seconds=30))

    before, _status, _queries = get(client, CONSENT)
    again, _status, warm_queries = get(client, CONSENT)
    _today.shift(dt.timedelta(seconds=31))
    after, _status, _queries = get(client, CONSENT)

    assert before["version"] == again["version"] == "2026-1"
    assert warm_queries == 0
    assert after["version"] == "2027-1"


def test_with_no_consent_text_yet_the_service_refuses(client: Client) -> None:
    from django.core.exceptions import ValidationError

    ConsentText.objects.all().delete()
    with pytest.raises(ValidationError):
        consent_text_current()

    new_text("2026-9", TODAY)

    assert consent_text_current().version == "2026-9"


# --- transactions -----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_an_answer_built_before_the_commit_is_not_used_after_it(
    client: Client, group: Any, host: Any
) -> None:
    with transaction.atomic():
        group.location = "Gymzaal"
        group.save()
        group.save()
        pending = [f for _ids, f, *_rest in connection.run_on_commit]
        # A request before the commit caches the old rows under the new version.
        get(client, groups_url(host))
    _answer, _status, queries = get(client, groups_url(host))

    assert pending == [public_cache._reset_quietly]  # once per transaction, however many saves
    assert queries == 4  # the commit made that entry unusable: built anew


def test_a_staff_change_is_saved_while_the_cache_is_unreachable(
    host: Any, caplog: pytest.LogCaptureFixture
) -> None:
    with mock.patch.object(public_cache.cache, "set", side_effect=ConnectionError("down")):
        school_update(school=host, name="Basisschool Het Kompas")

    host.refresh_from_db()
    assert host.name == "Basisschool Het Kompas"
    assert "catalogue version could not be changed" in caplog.text
