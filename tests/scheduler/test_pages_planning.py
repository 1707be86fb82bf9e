"""The planning page: coordinators ask for programmes; the manager sees every request,
runs the year planner and accepts its proposals."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from scheduler.models import (
    Group,
    GroupStatus,
    PlannerRun,
    PlanningRequest,
    PlanningRequestStatus,
)
from scheduler.services import planning_request_create
from tests import factories
from tests.clock import on_day

pytestmark = [pytest.mark.django_db, on_day("2026-12-06")]


def make_request(school: Any, programme: Any, year: Any, **extra: Any) -> PlanningRequest:
    fields: dict[str, Any] = {
        "school": school,
        "programme": programme,
        "school_year": year,
        "round_label": "najaar 2026",
        "window_start": dt.date(2026, 9, 1),
        "window_end": dt.date(2027, 1, 31),
        "preferred_weekdays": [0, 2],
        "expected_children": 8,
        "requested_by": factories.UserFactory(username="requester"),
    }
    fields.update(extra)
    return planning_request_create(**fields)


def request_data(school: Any, programme: Any, year: Any, **extra: Any) -> dict[str, Any]:
    data = {
        "school": school.pk,
        "programme": programme.pk,
        "school_year": year.pk,
        "round_label": "voorjaar 2027",
        "window_start": "2027-02-01",
        "window_end": "2027-06-30",
        "preferred_weekdays": ["1", "3"],
        "earliest_start": "09:00",
        "latest_start": "14:00",
        "expected_children": "7",
        "notes": "Liefst na de pauze.",
    }
    data.update(extra)
    return data


def test_a_coordinator_sees_only_their_schools_requests(
    as_bob: Client, kies: Any, year: Any, school_a: Any, school_b: Any
) -> None:
    make_request(school_a, kies, year, round_label="ronde Esch")
    make_request(school_b, kies, year, round_label="ronde Anker")

    response = as_bob.get(reverse("planning-home"))

    assert response.status_code == 200
    assert "ronde Esch" in response.text and "ronde Anker" not in response.text
    assert "Planner starten" not in response.text
    assert 'style="' not in response.text and "<script" not in response.text


def test_the_request_form_offers_a_coordinator_only_their_own_school(
    as_bob: Client, school_a: Any, school_b: Any
) -> None:
    form = as_bob.get(reverse("planning-home")).context["request_form"]

    assert list(form.fields["school"].queryset) == [school_a]


def test_a_coordinator_files_a_request_for_their_school(
    as_bob: Client, bob: Any, kies: Any, year: Any, school_a: Any
) -> None:
    response = as_bob.post(reverse("planning-request-create"), request_data(school_a, kies, year))

    assert response.status_code == 302
    created = PlanningRequest.objects.get()
    assert created.school == school_a and created.requested_by == bob
    assert created.preferred_weekdays == [1, 3]
    assert created.latest_start == dt.time(14, 0)
    assert created.status == PlanningRequestStatus.OPEN


def test_a_coordinator_cannot_file_a_request_for_another_school(
    as_bob: Client, kies: Any, year: Any, school_b: Any
) -> None:
    response = as_bob.post(reverse("planning-request-create"), request_data(school_b, kies, year))

    assert response.status_code == 200
    assert "school" in response.context["form"].errors
    assert not PlanningRequest.objects.exists()


def test_a_class_programme_needs_the_class_in_the_request(
    as_bob: Client, think: Any, year: Any, school_a: Any
) -> None:
    response = as_bob.post(reverse("planning-request-create"), request_data(school_a, think, year))

    assert response.status_code == 200
    assert "Vul de klas in" in response.text
    assert not PlanningRequest.objects.exists()


def test_a_coordinator_withdraws_an_open_request_after_confirming(
    as_bob: Client, kies: Any, year: Any, school_a: Any
) -> None:
    planning_request = make_request(school_a, kies, year)
    url = reverse("planning-request-withdraw", args=[planning_request.pk])

    confirm = as_bob.get(url)
    response = as_bob.post(url)

    assert confirm.status_code == 200 and "Ja, intrekken" in confirm.text
    assert response.status_code == 302
    planning_request.refresh_from_db()
    assert planning_request.status == PlanningRequestStatus.WITHDRAWN


def test_a_coordinator_gets_404_on_withdrawing_another_schools_request(
    as_bob: Client, kies: Any, year: Any, school_b: Any
) -> None:
    planning_request = make_request(school_b, kies, year)

    response = as_bob.post(reverse("planning-request-withdraw", args=[planning_request.pk]))

    assert response.status_code == 404
    planning_request.refresh_from_db()
    assert planning_request.status == PlanningRequestStatus.OPEN


def test_the_manager_sees_every_request_and_filters_them(
    as_alice: Client, kies: Any, think: Any, year: Any, school_a: Any, school_b: Any
) -> None:
    make_request(school_a, kies, year, round_label="ronde Esch")
    make_request(school_b, think, year, round_label="ronde Anker", class_name="1B")

    everything = as_alice.get(reverse("planning-home")).text
    filtered = as_alice.get(reverse("planning-home"), {"programme": think.pk}).text

    assert "ronde Esch" in everything and "ronde Anker" in everything
    assert "ronde Esch" not in filtered and "ronde Anker" in filtered
    assert "Planner starten" in everything


def test_trainers_and_users_without_a_role_get_403_on_the_planning_page(
    as_dave: Client, as_eve: Client
) -> None:
    for client in (as_dave, as_eve):
        assert client.get(reverse("planning-home")).status_code == 403
        assert client.post(reverse("planning-request-create"), {}).status_code == 403


def test_only_the_manager_may_start_the_planner(as_bob: Client, year: Any) -> None:
    response = as_bob.post(reverse("planning-planner-start"), {"school_year": year.pk})

    assert response.status_code == 403
    assert not PlannerRun.objects.exists()


def test_a_planner_run_that_is_not_done_shows_its_progress(
    as_alice: Client, alice: Any, year: Any
) -> None:
    run = PlannerRun.objects.create(
        school_year=year, status="running", progress=40, started_by=alice
    )

    text = as_alice.get(reverse("planning-home"), {"run": run.pk}).text

    assert "40%" in text and "Laad deze pagina" in text
    assert "Geselecteerde voorstellen accepteren" not in text


# --- the year planner --------------------------------------------------------------------


@pytest.fixture
def plannable(kies: Any, year: Any, school_a: Any, trainer_pair: Any) -> PlanningRequest:
    """One request the planner can serve with the two qualified KIES coaches, one it cannot."""
    served = make_request(school_a, kies, year, round_label="najaar Esch")
    lonely = factories.ProgrammeFactory(code="lonely", name_nl="Zonder trainers")
    make_request(school_a, lonely, year, round_label="geen trainer")
    return served


def test_the_manager_runs_the_planner_and_accepts_a_proposal(
    as_alice: Client,
    year: Any,
    plannable: PlanningRequest,
    school_a: Any,
    time_machine: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # The planner plans from tomorrow on; the request's window is autumn 2026.
    time_machine.move_to(dt.datetime(2026, 8, 20, 10, 0, tzinfo=dt.UTC))
    with django_capture_on_commit_callbacks(execute=True):
        started = as_alice.post(reverse("planning-planner-start"), {"school_year": year.pk})
    run = PlannerRun.objects.get()

    assert started.status_code == 302
    text = as_alice.get(started["Location"]).text
    assert run.status == "done"
    assert "Voorgestelde groepen" in text and f'value="{plannable.pk}"' in text
    assert "Verzoeken zonder voorstel" in text and "Zonder trainers" in text
    assert "Tessa Kok" in text

    accepted = as_alice.post(
        reverse("planning-planner-accept", args=[run.pk]),
        {"voorstel": [plannable.pk], "accept": "selected"},
    )

    assert accepted.status_code == 302
    plannable.refresh_from_db()
    group = Group.objects.get()
    assert plannable.status == PlanningRequestStatus.PLANNED and plannable.group == group
    assert group.status == GroupStatus.DRAFT and group.host_school == school_a
    assert group.sessions.count() == 10
    after = as_alice.get(accepted["Location"]).text
    assert "al ingepland" in after


def test_a_coordinator_cannot_accept_a_proposal(
    as_bob: Client, alice: Any, year: Any, plannable: PlanningRequest
) -> None:
    run = PlannerRun.objects.create(
        school_year=year,
        status="done",
        started_by=alice,
        result={"proposals": [{"request_id": plannable.pk}], "unsatisfied": []},
    )

    response = as_bob.post(reverse("planning-planner-accept", args=[run.pk]), {"accept": "all"})

    assert response.status_code == 403
    assert not Group.objects.exists()
