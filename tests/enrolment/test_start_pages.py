"""Each role starts where its work is (issue 17, item 1): log-in lands on the role's start
page, every item links to where it is done, and the pages' query counts do not grow with the
data."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client
from django.urls import reverse

from notifications.models import OutboxMessage, OutboxStatus
from scheduler.models import GroupStatus
from scheduler.services import group_create, group_transition
from tests import factories
from tests.enrolment.staff_support import enrol, query_count


def _log_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _another_group(group: Any, weeks_later: int) -> Any:
    """A published group like `group`, starting `weeks_later` weeks after it."""
    made = group_create(
        programme=group.programme,
        host_school=group.host_school,
        school_year=group.school_year,
        round_label=f"ronde {factories.letters(weeks_later)}",
        weekday=group.weekday,
        start_time=dt.time(8 + weeks_later, 0),
        first_date=group.first_date + dt.timedelta(weeks=weeks_later),
        trainers=list(group.trainers.all()),
        capacity=8,
        enrolment_opens_on=group.enrolment_opens_on,
        enrolment_closes_on=group.enrolment_closes_on,
    ).group
    return group_transition(group=made, to=GroupStatus.PUBLISHED)


def _move_to(traveller: Any, day: dt.date, hour: int = 8) -> None:
    traveller.move_to(dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.UTC))


# --- landing -------------------------------------------------------------------------------


def test_each_role_lands_on_its_own_start_page_after_log_in(
    alice: Any, bob: Any, dave: Any
) -> None:
    for user, page in [
        (alice, "/start/programmabeheer/"),
        (bob, "/start/coordinator/"),
        (dave.user, "/start/trainer/"),
    ]:
        client = Client()
        response = client.post(
            "/inloggen/",
            {"username": user.username, "password": factories.PASSWORD},
            follow=True,
        )
        assert response.redirect_chain[-1][0] == page, user.username
        assert response.status_code == 200


def test_a_log_in_with_a_next_page_still_goes_there(bob: Any) -> None:
    response = Client().post(
        "/inloggen/?next=/inschrijvingen/",
        {"username": "bob", "password": factories.PASSWORD},
    )
    assert response["Location"] == "/inschrijvingen/"


def test_a_user_with_two_roles_switches_between_their_start_pages(bob: Any) -> None:
    factories.TrainerFactory(user=bob)
    client = _log_in(bob)
    page = client.get("/start/coordinator/").content.decode()
    assert 'href="/start/trainer/"' in page
    assert client.get("/start/trainer/").status_code == 200
    assert client.get("/start/programmabeheer/").status_code == 403


def test_a_user_with_one_role_gets_no_switch(as_bob: Client) -> None:
    assert 'href="/start/trainer/"' not in as_bob.get("/start/coordinator/").content.decode()
    assert as_bob.get("/start/trainer/").status_code == 403


# --- the coordinator ------------------------------------------------------------------------


def test_the_coordinator_sees_missing_consents_with_days_waiting_and_seats_left(
    bob: Any, group: Any, consent_text: Any, emitted: list[Any], _today: Any
) -> None:
    group.host_school.coordinators.add(bob)
    noor = enrol(group, group.host_school, consent_text, emitted, first="Noor", confirm=False)
    enrol(group, group.host_school, consent_text, emitted, first="Daan")
    _move_to(_today, group.first_date - dt.timedelta(days=10))
    waited = (group.first_date - dt.timedelta(days=10) - noor.created_at.date()).days
    page = _log_in(bob).get("/start/coordinator/").content.decode()
    roster = reverse("staff-roster", args=[group.pk])
    consents = page.split('id="toestemming"')[1].split("</section>")[0]
    assert "Noor" in consents and "Daan" not in consents
    assert f'href="{roster}"' in consents
    assert f"wacht {waited} dagen" in consents
    seats = page.split('id="plaatsen"')[1].split("</section>")[0]
    assert "nog 6 plaatsen vrij" in seats


def test_the_coordinators_start_page_says_so_when_nothing_waits(bob: Any) -> None:
    page = _log_in(bob).get("/start/coordinator/").content.decode()
    assert "Alle ouders hebben toestemming gegeven of geweigerd." in page
    assert "Er wacht geen intake op u." in page


def test_the_coordinators_start_page_takes_as_many_queries_for_many_pupils_as_for_few(
    bob: Any, group: Any, consent_text: Any, emitted: list[Any], _today: Any
) -> None:
    group.host_school.coordinators.add(bob)
    enrol(group, group.host_school, consent_text, emitted, first="Noor", confirm=False)
    _move_to(_today, group.first_date - dt.timedelta(days=10))
    client = _log_in(bob)
    assert client.get("/start/coordinator/").status_code == 200
    few = query_count(lambda: client.get("/start/coordinator/"))
    second = _another_group(group, 1)
    for index in range(4):
        name = f"Kind{factories.letters(index)}"
        enrol(second, group.host_school, consent_text, emitted, first=name, confirm=False)
        enrol(group, group.host_school, consent_text, emitted, first=f"{name}b")
    assert query_count(lambda: client.get("/start/coordinator/")) == few


# --- the trainer ----------------------------------------------------------------------------


def test_the_trainer_opens_todays_attendance_list_from_the_start_page(
    group: Any, _today: Any
) -> None:
    trainer = group.trainers.get()
    session = group.sessions.order_by("starts_at").first()
    _move_to(_today, session.starts_at.date())
    page = _log_in(trainer.user).get("/start/trainer/").content.decode()
    today = page.split("<h1")[1].split('id="deze-week"')[0]
    assert reverse("staff-attendance", args=[group.pk, session.pk]) in today
    assert "Aanwezigheid opnemen" in today


def test_the_trainers_start_page_says_so_on_a_day_without_sessions(dave: Any) -> None:
    page = _log_in(dave.user).get("/start/trainer/").content.decode()
    assert "U heeft vandaag geen bijeenkomsten." in page
    assert "Agendalink maken" in page


def test_the_trainers_start_page_takes_as_many_queries_for_many_groups_as_for_one(
    group: Any, _today: Any
) -> None:
    trainer = group.trainers.get()
    _move_to(_today, group.first_date)
    client = _log_in(trainer.user)
    assert client.get("/start/trainer/").status_code == 200
    few = query_count(lambda: client.get("/start/trainer/"))
    for weeks in (1, 2, 3):
        _another_group(group, weeks)
    for index in range(3):
        factories.TrainerUnavailabilityFactory(
            trainer=trainer,
            starts_at=group.sessions.first().starts_at + dt.timedelta(weeks=20 + index),
            ends_at=group.sessions.first().starts_at + dt.timedelta(weeks=20 + index, days=1),
        )
    assert query_count(lambda: client.get("/start/trainer/")) == few


# --- the manager ----------------------------------------------------------------------------


def test_the_manager_sees_the_year_failed_mail_and_schools_without_a_coordinator(
    as_alice: Client, group: Any, consent_text: Any, emitted: list[Any]
) -> None:
    enrol(group, group.host_school, consent_text, emitted, first="Noor")
    OutboxMessage.objects.create(
        key="failed-1",
        kind="test",
        status=OutboxStatus.FAILED,
        to_email="x@example.org",
        subject="Onderwerp",
    )
    page = as_alice.get("/start/programmabeheer/").content.decode()
    assert "1 van 8 plaatsen bezet" in page
    assert "1 gepubliceerd" in page
    assert 'href="/berichten/mislukt/"' in page and "1 e-mail kwam niet aan" in page
    schools = page.split('id="zonder-coordinator"')[1].split("</section>")[0]
    assert group.host_school.name in schools


def test_the_managers_start_page_takes_as_many_queries_for_a_busy_year_as_for_a_quiet_one(
    as_alice: Client, group: Any, consent_text: Any, emitted: list[Any]
) -> None:
    enrol(group, group.host_school, consent_text, emitted, first="Noor")
    assert as_alice.get("/start/programmabeheer/").status_code == 200
    few = query_count(lambda: as_alice.get("/start/programmabeheer/"))
    for weeks in (1, 2):
        _another_group(group, weeks)
    for index in range(3):
        enrol(
            group, group.host_school, consent_text, emitted, first=f"Kind{factories.letters(index)}"
        )
        factories.SchoolFactory()
    assert query_count(lambda: as_alice.get("/start/programmabeheer/")) == few
