"""Before they enrol, parents read on the enrolment form (as on the school page) that the
group starts with at least the programme's minimum of children and by which day they hear
whether it does; a programme without a decision day promises nothing of the kind."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.clock import on_day
from tests.enrolment.world import make_published_group

pytestmark = [pytest.mark.django_db, on_day("2026-10-01")]


def _form(client: Client, group: Any) -> str:
    return client.get(reverse("enrol-form", args=[group.pk])).content.decode()


def test_the_enrolment_form_says_the_minimum_and_when_parents_hear(kies: Any, host: Any) -> None:
    kies.group_size_min = 6
    kies.decision_days = 14
    kies.save(update_fields=["group_size_min", "decision_days"])
    group = make_published_group(kies, host)  # first day Monday 2 November 2026
    html = _form(Client(), group)
    assert "Gaat de groep door?" in html
    assert "De groep start met minstens 6 kinderen." in html
    assert "Uiterlijk 19 oktober 2026 hoort u of de groep doorgaat." in html
    # The school page says the same in the same words.
    school_page = Client().get(reverse("enrol-school", args=[host.pk])).content.decode()
    assert "Uiterlijk 19 oktober 2026 hoort u of de groep doorgaat." in school_page


def test_a_programme_without_a_decision_day_promises_no_minimum(kies: Any, host: Any) -> None:
    kies.decision_days = None
    kies.save(update_fields=["decision_days"])
    html = _form(Client(), make_published_group(kies, host))
    assert "Gaat de groep door?" not in html
    assert "Uw kind aanmelden voor" in html  # the form itself is there
