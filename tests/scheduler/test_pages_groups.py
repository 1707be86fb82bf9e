"""The group pages: list, detail, the create form with its preview, and the actions on a group."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from scheduler.models import ConflictOverride, Group, GroupStatus, Session, SessionStatus
from scheduler.series import at_amsterdam
from tests import factories
from tests.clock import on_day

pytestmark = [pytest.mark.django_db, on_day("2026-09-01")]

MON_2_NOV = dt.date(2026, 11, 2)


@pytest.fixture
def solo(kies: Any) -> Any:
    """KIES with one trainer and no parent evenings, so groups meet only in school hours."""
    kies.parent_meetings_before = kies.parent_meetings_after = 0
    kies.trainers_per_group = 1
    kies.save()
    return kies


@pytest.fixture
def group_a(solo: Any, year: Any, school_a: Any, trainer_pair: Any) -> Group:
    return factories.make_group(
        solo, year=year, school=school_a, trainers=[trainer_pair[0]], first_date=MON_2_NOV
    )


@pytest.fixture
def group_b(solo: Any, year: Any, school_b: Any, trainer_pair: Any) -> Group:
    """At school B on Tuesdays 13:00, with the same trainer as group A."""
    return factories.make_group(
        solo,
        year=year,
        school=school_b,
        trainers=[trainer_pair[0]],
        weekday=1,
        first_date=dt.date(2026, 11, 3),
    )


def first_session(group: Group) -> Session:
    return group.sessions.order_by("starts_at").first()


# --- who sees what -----------------------------------------------------------------------


def test_a_coordinator_sees_only_their_schools_groups_in_the_list(
    as_bob: Client, group_a: Group, group_b: Group
) -> None:
    text = as_bob.get(reverse("planning-group-list")).text

    assert reverse("planning-group-detail", args=[group_a.pk]) in text
    assert reverse("planning-group-detail", args=[group_b.pk]) not in text


def test_the_manager_sees_every_group_and_can_filter_by_school(
    as_alice: Client, group_a: Group, group_b: Group, school_b: Any
) -> None:
    url = reverse("planning-group-list")
    everything = as_alice.get(url).text
    filtered = as_alice.get(url, {"school": school_b.pk}).text

    assert reverse("planning-group-detail", args=[group_a.pk]) in everything
    assert reverse("planning-group-detail", args=[group_b.pk]) in everything
    assert reverse("planning-group-detail", args=[group_a.pk]) not in filtered
    assert reverse("planning-group-detail", args=[group_b.pk]) in filtered


def test_the_group_detail_shows_its_sessions_and_trainers(as_bob: Client, group_a: Group) -> None:
    response = as_bob.get(reverse("planning-group-detail", args=[group_a.pk]))

    assert response.status_code == 200
    text = response.text
    assert "Tessa Kok" in text
    assert "02-11-2026" in text and "13:00–14:00" in text
    assert text.count(reverse("planning-session-move", args=[first_session(group_a).pk])) == 1
    assert "Publiceren" in text and "Afronden" not in text
    assert 'style="' not in text and "<script" not in text


def test_a_coordinator_gets_404_on_another_schools_group_and_its_actions(
    as_bob: Client, group_b: Group
) -> None:
    session = first_session(group_b)
    urls = [
        reverse("planning-group-detail", args=[group_b.pk]),
        reverse("planning-group-cancel", args=[group_b.pk]),
        reverse("planning-trainer-replace", args=[group_b.pk]),
        reverse("planning-session-move", args=[session.pk]),
        reverse("planning-session-cancel", args=[session.pk]),
    ]
    for url in urls:
        assert as_bob.get(url).status_code == 404, url
    for url in [*urls[1:], reverse("planning-group-status", args=[group_b.pk])]:
        assert as_bob.post(url, {"to": "published", "reason": "x"}).status_code == 404, url
    group_b.refresh_from_db()
    assert group_b.status == GroupStatus.DRAFT
    assert not Session.objects.filter(group=group_b, status=SessionStatus.CANCELLED).exists()


def test_a_trainer_sees_their_group_but_no_actions_and_gets_403_on_posting_one(
    solo: Any, year: Any, school_a: Any, dave: Any
) -> None:
    dave.qualifications.add(solo)
    group = factories.make_group(
        solo, year=year, school=school_a, trainers=[dave], first_date=MON_2_NOV
    )
    client = Client()
    client.force_login(dave.user)
    session = first_session(group)

    text = client.get(reverse("planning-group-detail", args=[group.pk])).text
    move = client.post(
        reverse("planning-session-move", args=[session.pk]), {"date": "2026-11-04", "time": "10:00"}
    )
    status = client.post(reverse("planning-group-status", args=[group.pk]), {"to": "published"})

    assert reverse("planning-session-move", args=[session.pk]) not in text
    assert "Publiceren" not in text
    assert move.status_code == 403 and status.status_code == 403
    session.refresh_from_db()
    assert session.revision == 0


def test_someone_without_a_role_gets_403_on_the_group_pages(as_eve: Client) -> None:
    assert as_eve.get(reverse("planning-group-list")).status_code == 403
    assert as_eve.get(reverse("planning-group-create")).status_code == 403


# --- creating a group --------------------------------------------------------------------


def _create_data(programme: Any, school: Any, year: Any, trainers: list[Any], **extra: Any):
    data = {
        "programme": programme.pk,
        "host_school": school.pk,
        "school_year": year.pk,
        "round_label": "najaar 2026",
        "weekday": 0,
        "start_time": "13:00",
        "first_date": "2026-10-05",
        "parent_meeting_time": "19:30",
        "trainers": [t.pk for t in trainers],
        "room": "Lokaal 3",
    }
    data.update(extra)
    return data


def test_the_preview_shows_the_dates_and_the_skipped_holiday_with_its_reason(
    as_bob: Client, solo: Any, year: Any, school_a: Any, trainer_pair: Any
) -> None:
    data = _create_data(solo, school_a, year, [trainer_pair[0]], action="preview")

    response = as_bob.post(reverse("planning-group-create"), data)

    assert response.status_code == 200
    text = response.text
    assert "12-10-2026 overgeslagen: Herfstvakantie" in text
    assert "05-10-2026" in text and "19-10-2026" in text
    assert "Groep aanmaken" in text
    assert not Group.objects.exists()


def test_creating_a_group_makes_a_draft_with_its_sessions(
    as_bob: Client, solo: Any, year: Any, school_a: Any, trainer_pair: Any, bob: Any
) -> None:
    data = _create_data(solo, school_a, year, [trainer_pair[0]], action="create")

    response = as_bob.post(reverse("planning-group-create"), data)

    group = Group.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("planning-group-detail", args=[group.pk])
    assert group.status == GroupStatus.DRAFT and group.created_by == bob
    assert group.sessions.count() == 8
    assert not group.sessions.filter(starts_at__date=dt.date(2026, 10, 12)).exists()


def test_a_coordinator_cannot_create_a_group_at_another_school(
    as_bob: Client, solo: Any, year: Any, school_b: Any, trainer_pair: Any
) -> None:
    data = _create_data(solo, school_b, year, [trainer_pair[0]], action="create")

    response = as_bob.post(reverse("planning-group-create"), data)

    assert response.status_code == 200
    assert "host_school" in response.context["form"].errors
    assert not Group.objects.exists()


def test_the_preview_shows_conflicts_with_other_groups_inline(
    as_alice: Client, solo: Any, year: Any, school_a: Any, trainer_pair: Any, group_b: Group
) -> None:
    data = _create_data(
        solo,
        school_a,
        year,
        [trainer_pair[0]],
        weekday=1,
        first_date="2026-11-03",
        start_time="13:30",
        action="create",
    )

    response = as_alice.post(reverse("planning-group-create"), data)

    assert response.status_code == 200
    assert "Tessa Kok geeft op dinsdag 3 november 2026 13:00 al" in response.text
    assert Group.objects.count() == 1


# --- moving and cancelling sessions ------------------------------------------------------


def test_moving_a_session_onto_a_conflicting_time_shows_the_conflict_and_changes_nothing(
    as_bob: Client, group_a: Group, group_b: Group
) -> None:
    session = first_session(group_a)
    before = session.starts_at

    response = as_bob.post(
        reverse("planning-session-move", args=[session.pk]), {"date": "2026-11-03", "time": "13:30"}
    )

    assert response.status_code == 200
    assert "Tessa Kok geeft op dinsdag 3 november 2026 13:00 al" in response.text
    assert "Toch opslaan" not in response.text
    session.refresh_from_db()
    assert session.starts_at == before and session.revision == 0


def test_moving_a_session_to_a_free_time_saves_it(as_bob: Client, group_a: Group) -> None:
    session = first_session(group_a)

    response = as_bob.post(
        reverse("planning-session-move", args=[session.pk]), {"date": "2026-11-04", "time": "10:00"}
    )

    assert response.status_code == 302
    session.refresh_from_db()
    assert session.starts_at == at_amsterdam(dt.date(2026, 11, 4), dt.time(10, 0))
    assert session.revision == 1


def _move_into_travel_buffer(client: Client, session: Session, **extra: str) -> Any:
    # Group B ends at 14:00 at another school; 14:15 leaves 15 of the 30 minutes of travel.
    data = {"date": "2026-11-03", "time": "14:15", **extra}
    return client.post(reverse("planning-session-move", args=[session.pk]), data)


def test_the_manager_may_accept_a_soft_conflict_and_the_override_is_recorded(
    as_alice: Client, alice: Any, group_a: Group, group_b: Group
) -> None:
    session = first_session(group_a)

    warned = _move_into_travel_buffer(as_alice, session)
    accepted = _move_into_travel_buffer(as_alice, session, toch_opslaan="1")

    assert warned.status_code == 200
    assert "30 minuten" in warned.text and "Toch opslaan (wordt vastgelegd)" in warned.text
    assert accepted.status_code == 302
    session.refresh_from_db()
    assert session.starts_at == at_amsterdam(dt.date(2026, 11, 3), dt.time(14, 15))
    override = ConflictOverride.objects.get(session=session)
    assert override.overridden_by == alice and override.kind == "travel_buffer"


def test_a_coordinator_cannot_accept_a_soft_conflict(
    as_bob: Client, group_a: Group, group_b: Group
) -> None:
    session = first_session(group_a)
    before = session.starts_at

    response = _move_into_travel_buffer(as_bob, session, toch_opslaan="1")

    assert response.status_code == 200
    assert "30 minuten" in response.text
    assert "Toch opslaan (wordt vastgelegd)" not in response.text
    session.refresh_from_db()
    assert session.starts_at == before
    assert not ConflictOverride.objects.exists()


def test_cancelling_a_session_asks_first_and_can_add_a_replacement(
    as_bob: Client, group_a: Group
) -> None:
    session = first_session(group_a)
    url = reverse("planning-session-cancel", args=[session.pk])

    confirm = as_bob.get(url)
    response = as_bob.post(url, {"add_replacement": "on"})

    assert "Vervangende bijeenkomst aan het eind toevoegen" in confirm.text
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED and session.revision == 1
    replacement = Session.objects.get(replaces=session)
    last_before = group_a.sessions.exclude(pk=replacement.pk).order_by("starts_at").last()
    assert replacement.starts_at > last_before.starts_at
    assert group_a.sessions.filter(status=SessionStatus.SCHEDULED).count() == 8


def test_cancelling_a_group_needs_a_reason_and_cancels_its_sessions(
    as_bob: Client, group_a: Group
) -> None:
    url = reverse("planning-group-cancel", args=[group_a.pk])

    refused = as_bob.post(url, {"reason": ""})
    done = as_bob.post(url, {"reason": "Te weinig aanmeldingen"})

    assert refused.status_code == 200 and "reason" in refused.context["form"].errors
    assert done.status_code == 302
    group_a.refresh_from_db()
    assert group_a.status == GroupStatus.CANCELLED
    assert not group_a.sessions.filter(status=SessionStatus.SCHEDULED).exists()


def test_the_status_buttons_follow_the_allowed_transitions(as_bob: Client, group_a: Group) -> None:
    url = reverse("planning-group-status", args=[group_a.pk])

    skipped = as_bob.post(url, {"to": "completed"})
    group_a.refresh_from_db()
    assert skipped.status_code == 302 and group_a.status == GroupStatus.DRAFT

    as_bob.post(url, {"to": "published"})
    group_a.refresh_from_db()
    assert group_a.status == GroupStatus.PUBLISHED
    text = as_bob.get(reverse("planning-group-detail", args=[group_a.pk])).text
    assert "Aanmelding sluiten" in text and "Publiceren" not in text


def test_replacing_a_trainer_offers_only_qualified_trainers(
    as_bob: Client, group_a: Group, trainer_pair: Any
) -> None:
    factories.TrainerFactory(
        user=factories.UserFactory(username="zoe", first_name="Zoë", last_name="Zwart")
    )
    url = reverse("planning-trainer-replace", args=[group_a.pk])

    form_page = as_bob.get(url).text
    response = as_bob.post(url, {"old": trainer_pair[0].pk, "new": trainer_pair[1].pk})

    assert "Umar Ali" in form_page and "Zoë Zwart" not in form_page
    assert response.status_code == 302
    assert list(group_a.trainers.all()) == [trainer_pair[1]]
