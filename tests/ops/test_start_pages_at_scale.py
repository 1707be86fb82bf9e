"""Issue 17: the start pages make as many queries in the demo of `make demo-data` (Zwolle plus
the large municipality Vechtstede: 75 schools, ~300 groups, ~2,500 enrolments) as in the
Zwolle demo of `make run` alone.

The Zwolle demo log-ins must not notice the other municipality; the manager sees all of it,
so their page is the one that meets the large data. A Vechtstede coordinator (one school, a
few groups) and trainer (many sessions ahead, open questionnaires) make as many queries as
their Zwolle counterparts. The day lies just before Vechtstede's spring round, so some of its
coordinators have a group starting soon with seats left, as the Zwolle coordinator has: the
sections that query only when they have rows are filled on both pages."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from enrolment.selectors import start as start_selectors
from enrolment.services.retention import enrolments_due_for_erasure
from evaluations.services import moment_open
from programmes.models import Trainer
from reports.management.commands.seed_large_municipality import USERNAME_PREFIX
from scheduler import selectors as scheduler_selectors
from scheduler.models import GroupStatus, Session, SessionStatus
from tests.clock import on_day

# Seeding both demos takes about 20 s: slow, which CI still runs.
pytestmark = [pytest.mark.django_db, pytest.mark.slow, on_day("2027-01-12", tick=False)]

# The Zwolle demo log-ins (seed_demo's DEMO_ACCOUNTS) and their start pages.
ZWOLLE = {
    "beheerder": "start-manager",
    "coordinator": "start-coordinator",
    "trainer": "start-trainer",
    "wijkteam": "start-wijkteam",
}


def start_page_queries(user: Any, page: str) -> tuple[int, str]:
    """The number of queries of the user's start page (after a first visit warmed the
    caches), and the page."""
    client = Client()
    client.force_login(user)
    client.get(reverse(page))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(page))
    assert response.status_code == 200, (user, page)
    return len(queries), response.content.decode()


def zwolle_counts() -> dict[str, int]:
    users = get_user_model().objects.in_bulk(list(ZWOLLE), field_name="username")
    return {name: start_page_queries(users[name], page)[0] for name, page in ZWOLLE.items()}


def busiest_vechtstede_coordinator() -> Any:
    """The Vechtstede coordinator with the most groups this year among those with a group
    starting soon with seats left (as the Zwolle coordinator has)."""
    candidates = [
        (len(scheduler_selectors.school_groups_this_year(user)), -user.pk, user)
        for user in get_user_model().objects.filter(
            username__startswith=f"{USERNAME_PREFIX}coordinator"
        )
        if start_selectors.groups_starting_with_seats(user)
    ]
    assert candidates, "no Vechtstede coordinator has a group starting soon"
    return max(candidates)[2]


def busiest_vechtstede_trainer() -> Trainer:
    """The Vechtstede trainer of the most running groups, with the questionnaires of those
    groups open (as the Zwolle trainer's are), so every section of the page is filled."""
    trainer = max(
        Trainer.objects.filter(user__username__startswith=f"{USERNAME_PREFIX}trainer"),
        key=lambda t: (t.groups.filter(status=GroupStatus.RUNNING).count(), -t.pk),
    )
    for group in trainer.groups.filter(status=GroupStatus.RUNNING):
        moment_open(group=group, moment="before")
    return trainer


def test_no_start_page_makes_more_queries_when_the_large_municipality_joins_the_demo() -> None:
    for command in ("seed_demo", "seed_demo_groups", "seed_demo_referrals"):
        call_command(command, "--demo", stdout=StringIO())
    call_command("seed_demo_evaluations", stdout=StringIO())
    small = zwolle_counts()

    call_command("seed_large_municipality", "--demo", stdout=StringIO())
    large = zwolle_counts()
    coordinator = busiest_vechtstede_coordinator()
    trainer = busiest_vechtstede_trainer()
    large_coordinator, coordinator_page = start_page_queries(coordinator, "start-coordinator")
    large_trainer, trainer_page = start_page_queries(trainer.user, "start-trainer")

    assert large == small
    assert {"coordinator": large_coordinator, "trainer": large_trainer} == {
        "coordinator": small["coordinator"],
        "trainer": small["trainer"],
    }
    # The Vechtstede pages list many rows: their counts are not those of empty pages.
    school_groups = scheduler_selectors.school_groups_this_year(coordinator)
    assert len(school_groups) >= 3
    assert all(str(group.programme) in coordinator_page for group in school_groups)
    ahead = Session.objects.filter(
        group__trainers=trainer, status=SessionStatus.SCHEDULED, starts_at__gte=timezone.now()
    ).count()
    assert ahead >= 5
    assert "Kinderen: 0 van " in trainer_page  # the open questionnaires, with their counts
    # The manager's page counts the enrolments past their retention time in one query; it
    # shows the number the retention sweep would erase.
    due = len(enrolments_due_for_erasure())
    assert due > 0
    _, manager_page = start_page_queries(
        get_user_model().objects.get(username="beheerder"), "start-manager"
    )
    assert f"De gegevens van {due} inschrijvingen zijn over hun bewaartermijn" in manager_page
