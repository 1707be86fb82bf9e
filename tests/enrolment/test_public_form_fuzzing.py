"""Property-based fuzzing of the enrolment form POST: never a 500, never half-saved.

Every field may be kept, left out, or replaced by random text, numbers or dates. Whatever
arrives, the page either redirects after saving one complete submission (every child with
its enrolment, the guardians) or shows the form again with an error and saves nothing.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from enrolment.models import Child, Enrolment, EnrolmentStatus, Guardian, Submission
from tests.enrolment.test_public_enrolment_form import form_data

pytestmark = pytest.mark.django_db

MISSING = object()

junk = st.one_of(
    st.text(max_size=30),
    st.text(min_size=150, max_size=400),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)).map(
        lambda d: f"{d.day:02d}-{d.month:02d}-{d.year:04d}"
    ),
    st.dates().map(dt.date.isoformat),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "0",
            "-1",
            "9",
            "joint",
            "sole",
            "none",
            "nl",
            "en",
            "on",
            "mother",
            "2026-1",
            "31-02-2017",
            "01-03-2017",
            "Sam",
            "anna@example.org",
            "<script>alert(1)</script>",
        ]
    ),
)


def rows() -> tuple[int, int, int, int]:
    return (
        Submission.objects.count(),
        Guardian.objects.count(),
        Child.objects.count(),
        Enrolment.objects.count(),
    )


@pytest.fixture
def no_rate_limit(settings: Any) -> None:
    settings.ENROLMENT_RATE_LIMITS = {
        **settings.ENROLMENT_RATE_LIMITS,
        "submit-per-address": 10**9,
        "submit-per-email": 10**9,
    }


def test_any_post_of_the_enrolment_form_saves_everything_or_nothing(
    group: Any, host: Any, consent_text: Any, no_rate_limit: None
) -> None:
    names = list(form_data(group, host))
    outcomes: list[int] = []

    @settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(data=st.data())
    def post_is_all_or_nothing(data: Any) -> None:
        valid = form_data(group, host, idempotency_key=uuid.uuid4().hex)
        # Mostly a few broken fields (so some posts succeed), sometimes every field random.
        if data.draw(st.booleans(), label="break everything"):
            broken = set(names)
        else:
            broken = data.draw(st.sets(st.sampled_from(names), max_size=4), label="broken")
        post: dict[str, str] = {}
        for name, value in valid.items():
            if name not in broken:
                post[name] = value
                continue
            choice = data.draw(st.one_of(st.just(MISSING), junk), label=name)
            if choice is not MISSING:
                post[name] = choice
        # Each post comes from a fresh browser, so whatever key it carries is bound to a new
        # session (views_public._session_bound_key) and never replays: a success is new rows.
        before = rows()

        response = Client().post(f"/aanmelden/groep/{group.pk}/?school={host.pk}", post)

        after = rows()
        outcomes.append(response.status_code)
        assert response.status_code in (200, 302)
        if response.status_code == 200:
            assert "Er gaat nog iets mis" in response.content.decode()
            assert after == before
            return
        assert response["Location"] == "/aanmelden/ontvangen/"
        submission = Submission.objects.order_by("-pk").first()
        children = submission.children.count()
        assert after[0] == before[0] + 1
        assert after[1] - before[1] == submission.guardians.count() in (1, 2)
        assert after[2] - before[2] == children >= 1
        assert after[3] - before[3] == children == submission.enrolments.count()
        assert set(submission.enrolments.values_list("status", flat=True)) <= {
            EnrolmentStatus.AWAITING_CONSENT,
            EnrolmentStatus.WAITLISTED,
        }

    post_is_all_or_nothing()
    # The property held on both sides: some posts were saved, some were refused.
    assert {200, 302} <= set(outcomes)
