"""The calendar (month and week, per school and per trainer), the programme colours and
a trainer's own schedule."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from scheduler.models import Group
from tests import factories
from tests.clock import on_day

pytestmark = [pytest.mark.django_db, on_day("2026-09-01")]


@pytest.fixture
def solo(kies: Any) -> Any:
    kies.parent_meetings_before = kies.parent_meetings_after = 0
    kies.trainers_per_group = 1
    kies.calendar_colour = "#A1B2C3"
    kies.save()
    return kies


@pytest.fixture
def group_a(solo: Any, year: Any, school_a: Any, trainer_pair: Any) -> Group:
    return factories.make_group(
        solo,
        year=year,
        school=school_a,
        trainers=[trainer_pair[0]],
        first_date=dt.date(2026, 10, 5),
        room="Lokaal 7",
    )


def test_the_month_view_shades_the_autumn_holiday_with_its_reason_and_lists_sessions(
    as_bob: Client, group_a: Group, school_a: Any
) -> None:
    response = as_bob.get(
        reverse("planning-calendar"), {"jaar": 2026, "maand": 10, "school": school_a.pk}
    )

    assert response.status_code == 200
    text = response.text
    assert "Oktober 2026" in text
    assert "gp-cal__day--closed" in text and "Dicht: Herfstvakantie" in text
    assert f"programme-{group_a.programme_id}" in text
    assert "13:00</span> KIES" in text
    assert reverse("planning-programme-colours") in text
    assert "?jaar=2026&amp;maand=9&amp;school=" in text  # previous month, same school
    assert "?jaar=2026&amp;maand=11&amp;school=" in text
    assert 'style="' not in text and "<script" not in text


def test_the_week_view_shows_one_week_with_links_to_the_weeks_around_it(
    as_alice: Client, group_a: Group
) -> None:
    response = as_alice.get(reverse("planning-calendar"), {"week": "2026-10-07"})

    assert response.status_code == 200
    text = response.text
    assert "Week 41" in text
    assert "week=2026-09-28" in text and "week=2026-10-12" in text
    assert text.count("gp-cal__session ") == 1  # Monday 5 October


def test_a_coordinator_gets_404_on_another_schools_calendar(as_bob: Client, school_b: Any) -> None:
    response = as_bob.get(reverse("planning-calendar"), {"school": school_b.pk})

    assert response.status_code == 404


def test_a_coordinator_does_not_see_other_schools_sessions_in_the_calendar(
    as_bob: Client, solo: Any, year: Any, school_b: Any, trainer_pair: Any
) -> None:
    factories.make_group(
        solo,
        year=year,
        school=school_b,
        trainers=[trainer_pair[0]],
        first_date=dt.date(2026, 10, 5),
        room="Lokaal 7",
    )

    text = as_bob.get(reverse("planning-calendar"), {"jaar": 2026, "maand": 10}).text

    assert "gp-cal__session " not in text


def test_a_trainer_sees_only_their_own_calendar(
    solo: Any, year: Any, school_a: Any, dave: Any, trainer_pair: Any
) -> None:
    dave.qualifications.add(solo)
    factories.make_group(
        solo,
        year=year,
        school=school_a,
        trainers=[dave],
        first_date=dt.date(2026, 10, 5),
        room="Lokaal 7",
    )
    client = Client()
    client.force_login(dave.user)

    own = client.get(reverse("planning-calendar"), {"trainer": dave.pk, "jaar": 2026, "maand": 10})
    other = client.get(reverse("planning-calendar"), {"trainer": trainer_pair[0].pk})

    assert own.status_code == 200 and "gp-cal__session " in own.text
    assert other.status_code == 404


def test_the_colour_stylesheet_holds_each_programmes_colour(
    client: Client, solo: Any, think: Any
) -> None:
    think.calendar_colour = "#123456"
    think.save()

    response = client.get(reverse("planning-programme-colours"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    css = response.content.decode()
    assert f".programme-{solo.pk} {{ border-left-color: #a1b2c3; }}" in css
    assert f".programme-{think.pk} {{ border-left-color: #123456; }}" in css


def test_the_colour_stylesheet_leaves_out_a_colour_that_is_not_a_hex_value(
    client: Client, solo: Any
) -> None:
    type(solo).objects.filter(pk=solo.pk).update(calendar_colour="red;}")

    css = client.get(reverse("planning-programme-colours")).content.decode()

    assert f".programme-{solo.pk}" not in css and "red" not in css


# --- a trainer's own schedule ------------------------------------------------------------


def test_a_trainer_sees_this_week_upcoming_and_past_sessions(
    solo: Any, year: Any, school_a: Any, dave: Any, time_machine: Any
) -> None:
    dave.qualifications.add(solo)
    factories.make_group(
        solo,
        year=year,
        school=school_a,
        trainers=[dave],
        first_date=dt.date(2026, 10, 5),
        room="Lokaal 7",
    )
    time_machine.move_to(dt.datetime(2026, 11, 4, 12, 0, tzinfo=dt.UTC))
    client = Client()
    client.force_login(dave.user)

    response = client.get(reverse("planning-my-schedule"))

    assert response.status_code == 200
    schedule = response.context["schedule"]
    assert [s.starts_at.date() for s in schedule.this_week] == [dt.date(2026, 11, 2)]
    assert schedule.upcoming and schedule.past
    text = response.text
    assert "Deze week" in text and "Binnenkort" in text and "Geweest" in text
    assert "maandag 2 november, 13:00–14:00" in text
    assert "Lokaal 7" in text and school_a.name in text


def test_someone_who_is_not_a_trainer_gets_403_on_my_schedule(
    as_eve: Client, as_bob: Client
) -> None:
    assert as_eve.get(reverse("planning-my-schedule")).status_code == 403
    assert as_bob.get(reverse("planning-my-schedule")).status_code == 403


def test_the_navigation_shows_the_scheduler_pages_per_role(
    as_alice: Client, as_dave: Client
) -> None:
    manager = as_alice.get(reverse("planning-group-list")).text
    trainer = as_dave.get(reverse("planning-my-schedule")).text

    def link(name: str) -> str:
        return f'href="{reverse(name)}"'

    assert link("planning-home") in manager and link("planning-my-schedule") not in manager
    assert link("planning-my-schedule") in trainer and link("planning-home") not in trainer
    assert link("planning-calendar") in trainer


def test_the_calendar_speaks_english_after_the_language_switch(as_alice: Client) -> None:
    locale = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
    compiled, source = locale / "django.mo", locale / "django.po"
    if not compiled.exists() or compiled.stat().st_mtime < source.stat().st_mtime:
        call_command("compilemessages", locale=["en", "nl"], verbosity=0)
    as_alice.post(reverse("set_language"), {"language": "en", "next": "/"})

    text = as_alice.get(reverse("planning-calendar"), {"jaar": 2026, "maand": 10}).text

    assert "Previous month" in text and "Vorige maand" not in text
    assert "My schedule" not in text  # alice is no trainer
    assert ">Calendar<" in text
