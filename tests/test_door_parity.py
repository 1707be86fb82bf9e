"""Door parity: every rule gives the same answer through the page and through the API.

Each row of the table names a situation and two doors onto it: the page's form post (as a
browser sends it) and the API call (as a client sends it). Each door is a callable that
makes its request and reads the answer as (verdict, message): "refused" with the words the
door shows, or what it accepted. Both run from the same database state (each in a savepoint
that is rolled back afterwards) and must agree on the verdict, the words and whether
anything was stored: a refusal stores nothing. A rule that lives in a service answers both
doors alike; a door that checks on its own would differ here.

The clock stands on 1 October 2026 (the enrolment tests' world, tests/enrolment/world.py):
enrolment for the groups starting on Monday 2 November 2026 is open.
"""

# ruff: noqa: F811 (the imported fixtures are used as arguments)
from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from enrolment import events
from enrolment.models import (
    AccessLink,
    Consent,
    ConsentText,
    Enrolment,
    Guardian,
    Submission,
)
from enrolment.services import email_confirm, enrolment_withdraw, submission_create
from enrolment.views_public import RECEIVED_COOKIE
from programmes.models import ChildConsent, EnrolmentMode, GuardianConsent
from scheduler.models import Group, Session
from scheduler.series import at_amsterdam
from scheduler.services import group_create, group_transition
from tests import factories
from tests.enrolment.world import (  # noqa: F401 (fixtures)
    FATHER,
    MOTHER,
    SOLE,
    _today,
    child,
    group,
    host,
    kies,
    make_published_group,
)

pytestmark = pytest.mark.django_db

API = "/api/v1"
ROUND_START = dt.date(2026, 11, 2)  # a Monday: the first day of the world's groups


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Any:
    """Both doors post from one address; no row may meet a rate limit left by another."""
    cache.clear()
    yield
    cache.clear()


@dataclasses.dataclass(frozen=True)
class Answer:
    verdict: str  # "refused", or what the door accepted
    message: str  # the words the door shows (refused), or what it tells (accepted)
    stored: bool = False  # whether anything changed in the database


Door = Callable[["World"], tuple[str, str]]


class World:
    """The fixtures the doors use, by name (`request.getfixturevalue`). The test makes a
    row's `needs` before either door runs, so they stand outside the doors' savepoints."""

    def __init__(self, request: pytest.FixtureRequest) -> None:
        self._request = request

    def __getattr__(self, name: str) -> Any:
        return self._request.getfixturevalue(name)


def stored() -> tuple[Any, ...]:
    """What either door could change: groups, sessions, submissions and their enrolments,
    consents, confirmed addresses."""
    return (
        tuple(
            Group.objects.order_by("pk").values_list(
                "pk", "status", "class_name", "class_size", "capacity", "mentor_name"
            )
        ),
        tuple(Session.objects.order_by("pk").values_list("pk", "starts_at", "revision", "status")),
        Submission.objects.count(),
        tuple(Enrolment.objects.order_by("pk").values_list("pk", "status")),
        Consent.objects.count(),
        Guardian.objects.filter(email_confirmed_at__isnull=False).count(),
    )


def through(door: Door, world: World) -> Answer:
    """The door's answer, and whether it stored anything; then the database as it was, and
    an empty cache (rate limits, and public answers built from rows now rolled back)."""
    with transaction.atomic():
        before = stored()
        verdict, message = door(world)
        answer = Answer(verdict, message, stored() != before)
        transaction.set_rollback(True)
    cache.clear()
    return answer


def words(messages: Any) -> str:
    return " | ".join(str(m) for m in messages)


def api_refusal(response: Any, field: str) -> tuple[str, str]:
    """A 400 with the messages under `field`."""
    assert response.status_code == 400, response.content
    return "refused", words(response.json()[field])


def page_refusal(response: Any, messages: Any) -> tuple[str, str]:
    """The form shown again (200) with the messages."""
    assert response.status_code == 200, response.status_code
    return "refused", words(messages)


def api_post(client: Client, path: str, body: dict[str, Any], **headers: Any) -> Any:
    return client.post(f"{API}/{path}", body, content_type="application/json", **headers)


# --- the scheduler's doors: a group at bob's school ------------------------------------------


@pytest.fixture
def planned(kies: Any, school_a: Any) -> Group:
    """A KIES group at school A (bob's), its first session on Monday 2 November 2026."""
    return group_create(
        programme=kies,
        host_school=school_a,
        school_year=factories.SchoolYearFactory(label="2026-2027"),
        round_label="ronde",
        weekday=0,
        start_time=dt.time(13, 0),
        first_date=ROUND_START,
        trainers=[factories.TrainerFactory(qualifications=[kies])],
    ).group


def second_session(world: World) -> Session:
    return world.planned.sessions.get(kind="child", sequence=2)


def page_move(world: World, when: dt.datetime) -> Any:
    return world.as_bob.post(
        reverse("planning-session-move", args=[second_session(world).pk]),
        {"date": when.date().isoformat(), "time": when.strftime("%H:%M")},
    )


def api_move(world: World, when: dt.datetime) -> Any:
    return api_post(
        world.as_bob, f"sessions/{second_session(world).pk}/move/", {"starts_at": when.isoformat()}
    )


def two_days_ago() -> dt.datetime:
    return at_amsterdam(timezone.localdate() - dt.timedelta(days=2), dt.time(13, 0))


def page_move_to_the_past(world: World) -> tuple[str, str]:
    response = page_move(world, two_days_ago())
    return page_refusal(response, response.context["form"].non_field_errors())


def api_move_to_the_past(world: World) -> tuple[str, str]:
    return api_refusal(api_move(world, two_days_ago()), "starts_at")


@pytest.fixture
def study_day(school_a: Any) -> dt.datetime:
    """13:00 on the Wednesday after the first session: a study day at school A."""
    day = ROUND_START + dt.timedelta(days=2)
    factories.SchoolClosureFactory(school=school_a, start_date=day, reason="Studiedag")
    return at_amsterdam(day, dt.time(13, 0))


def page_move_to_a_closed_day(world: World) -> tuple[str, str]:
    response = page_move(world, world.study_day)
    return page_refusal(response, [c.message for c in response.context["hard_conflicts"]])


def api_move_to_a_closed_day(world: World) -> tuple[str, str]:
    response = api_move(world, world.study_day)
    assert response.status_code == 409, response.content
    return "refused", words(c["message"] for c in response.json()["conflicts"])


@pytest.fixture
def undecided(planned: Group) -> Group:
    """`planned`, published: a decision about too few children may be taken."""
    return group_transition(group=planned, to="published")


@pytest.fixture
def other_programme_group(school_a: Any) -> Group:
    """A published group of another programme, same round, at school A."""
    programme = factories.ProgrammeFactory(trainers_per_group=1)
    group = group_create(
        programme=programme,
        host_school=school_a,
        school_year=factories.SchoolYearFactory(label="2026-2027"),
        round_label="ronde",
        weekday=2,
        start_time=dt.time(9, 0),
        first_date=ROUND_START + dt.timedelta(days=2),
        trainers=[factories.TrainerFactory(qualifications=[programme])],
    ).group
    return group_transition(group=group, to="published")


def page_decide(world: World, decision: str, **fields: Any) -> tuple[str, str]:
    body = {"decision": decision, **{f"{decision}-{k}": v for k, v in fields.items()}}
    response = world.as_bob.post(reverse("planning-group-decide", args=[world.undecided.pk]), body)
    form = response.context["forms"][decision]
    return page_refusal(response, [m for errors in form.errors.values() for m in errors])


def api_decide(world: World, action: str, field: str, **body: Any) -> tuple[str, str]:
    response = api_post(world.as_bob, f"groups/{world.undecided.pk}/{action}/", body)
    return api_refusal(response, field)


@pytest.fixture
def think(db: None) -> Any:
    return factories.ProgrammeFactory(
        code="think-parity",
        name_nl="THINK op school",
        audience="vo",
        grade_min=1,
        grade_max=2,
        age_min=11,
        age_max=15,
        enrolment_mode=EnrolmentMode.CLASS,
        consent_guardians=GuardianConsent.NONE,
        consent_child=ChildConsent.NONE,
        parent_meetings_before=0,
        parent_meetings_after=0,
        trainers_per_group=1,
        group_size_max=32,
    )


def new_group(world: World, programme: Any, school: Any) -> dict[str, Any]:
    """The fields of a new class group, as the page's form posts them."""
    return {
        "programme": programme.pk,
        "host_school": school.pk,
        "school_year": factories.SchoolYearFactory(label="2026-2027").pk,
        "round_label": "ronde",
        "weekday": 0,
        "start_time": "10:00",
        "first_date": ROUND_START.isoformat(),
        "parent_meeting_time": "19:30",
        "trainers": [factories.TrainerFactory(qualifications=[programme]).pk],
        "class_name": "1B",
        "class_size": 27,
        "mentor_name": "M. de Jong",
    }


def page_think_at_a_primary_school(world: World) -> tuple[str, str]:
    data = new_group(world, world.think, world.school_a)
    response = world.as_bob.post(reverse("planning-group-create"), {**data, "action": "create"})
    return page_refusal(response, response.context["form"].errors["host_school"])


def api_think_at_a_primary_school(world: World) -> tuple[str, str]:
    data = new_group(world, world.think, world.school_a)
    response = api_post(world.as_bob, "groups/", {**data, "school_year": "2026-2027"})
    return api_refusal(response, "host_school")


# --- class bookings: the Marietje Kessels Project at bob's school ---------------------------


@pytest.fixture
def class_group(school_a: Any) -> Group:
    """A draft class group of a programme for groep 7 and 8, class 7A booked."""
    mkp = factories.ProgrammeFactory(
        code="mkp-parity",
        name_nl="Marietje Kessels Project",
        grade_min=7,
        grade_max=8,
        enrolment_mode=EnrolmentMode.CLASS,
        parent_meetings_before=1,
        parent_meetings_after=0,
        trainers_per_group=1,
        group_size_max=32,
    )
    return group_create(
        programme=mkp,
        host_school=school_a,
        school_year=factories.SchoolYearFactory(label="2026-2027"),
        round_label="ronde",
        weekday=0,
        start_time=dt.time(10, 0),
        first_date=ROUND_START,
        class_name="7A",
        class_size=25,
        mentor_name="Dhr. Eerder",
        mentor_email="eerder@school.example",
        trainers=[factories.TrainerFactory(qualifications=[mkp])],
    ).group


def booking(**changes: Any) -> dict[str, Any]:
    return {
        "class_name": "8B",
        "class_size": 27,
        "mentor_name": "Mevr. De Mentor",
        "mentor_email": "mentor@school.example",
        **changes,
    }


def page_book(world: World, field: str, **changes: Any) -> tuple[str, str]:
    group = world.class_group
    response = world.as_bob.post(
        reverse("staff-class-booking", args=[group.pk]), booking(**changes)
    )
    return page_refusal(response, response.context["form"].errors[field])


def api_book(world: World, field: str, **changes: Any) -> tuple[str, str]:
    group = world.class_group
    return api_refusal(
        api_post(world.as_bob, f"class-bookings/{group.pk}/", booking(**changes)), field
    )


# --- the parent's doors: the enrolment form and the public API -------------------------------


def form_fields(group: Any, school: Any, *, born: str, grade: int, version: str) -> dict[str, str]:
    """The enrolment form as a browser posts it: Sam, enrolled by her mother alone."""
    data = {
        "child-0-first_name": "Sam",
        "child-0-last_name": "de Boer",
        "child-0-date_of_birth": dt.date.fromisoformat(born).strftime("%d-%m-%Y"),
        "child-0-school": str(school.pk),
        "child-0-grade": str(grade),
        "child-0-class_name": "",
        "child-0-group": str(group.pk),
        "name": "Carla Smit",
        "email": "carla@example.org",
        "phone": "",
        "relation": "mother",
        "authority": "sole",
        "language": "nl",
        "consent": "on",
        "consent_version": version,
    }
    for index in (1, 2):  # the sibling blocks, untouched
        data.update(
            {
                f"child-{index}-school": str(school.pk),
                f"child-{index}-group": str(group.pk),
                f"child-{index}-grade": "",
            }
        )
    return data


def api_body(group: Any, school: Any, *, born: str, grade: int, version: str) -> dict[str, Any]:
    """The same enrolment as the public API takes it."""
    return {
        "children": [
            {
                "first_name": "Sam",
                "last_name": "de Boer",
                "date_of_birth": born,
                "school": school.pk,
                "grade": grade,
                "group": group.pk,
            }
        ],
        "enroller": {
            "name": "Carla Smit",
            "email": "carla@example.org",
            "relation": "mother",
            "authority": "sole",
            "language": "nl",
        },
        "consent_text_version": version,
    }


@dataclasses.dataclass(frozen=True)
class Enrolling:
    """One enrolment through either door: which group, the child, the consent text read."""

    group: str = "group"  # the World's fixture of the group
    born: str = "2017-03-01"
    grade: int = 4
    version: str = "2026-1"

    def fields(self, world: World) -> dict[str, str]:
        group = getattr(world, self.group)
        return form_fields(
            group, group.host_school, born=self.born, grade=self.grade, version=self.version
        )

    def body(self, world: World) -> dict[str, Any]:
        group = getattr(world, self.group)
        return api_body(
            group, group.host_school, born=self.born, grade=self.grade, version=self.version
        )


def form_url(world: World, enrolling: Enrolling) -> str:
    group = getattr(world, enrolling.group)
    return reverse("enrol-form", args=[group.pk]) + f"?school={group.host_school_id}"


def page_enrol(world: World, enrolling: Enrolling, **extra: str) -> Any:
    world.consent_text  # the text in force, 2026-1
    return world.client.post(form_url(world, enrolling), {**enrolling.fields(world), **extra})


def api_enrol(world: World, enrolling: Enrolling, **headers: Any) -> Any:
    world.consent_text
    return api_post(world.client, "public/enrolments/", enrolling.body(world), **headers)


def page_child_refused(enrolling: Enrolling) -> Door:
    def door(world: World) -> tuple[str, str]:
        response = page_enrol(world, enrolling)
        return page_refusal(response, response.context["formset"].children[0].non_field_errors())

    return door


def api_child_refused(enrolling: Enrolling) -> Door:
    return lambda world: api_refusal(api_enrol(world, enrolling), "children.0")


@pytest.fixture
def group_4_to_8(host: Any) -> Group:
    """An open group of a programme for groep 4 to 8 at the host school."""
    programme = factories.ProgrammeFactory(
        code="kies-4-8",
        name_nl="KIES 4-8",
        age_min=7,
        age_max=17,
        grade_min=4,
        grade_max=8,
        parent_meetings_before=0,
        parent_meetings_after=0,
        trainers_per_group=1,
    )
    return make_published_group(programme, host)


@pytest.fixture
def full_group(kies: Any, host: Any, consent_text: Any) -> Group:
    """An open group whose one seat is held by another child."""
    group = make_published_group(kies, host, capacity=1)
    submission_create(
        children=[child(group, host, first="Noor")], enroller=SOLE, consent_text=consent_text
    )
    return group


def told_on_the_received_page(world: World) -> str:
    """Per child what the thank-you page tells: the status, and the place on the waitlist."""
    page = world.client.get(reverse("enrol-received"))
    return words(
        f"{e.child.first_name}: {e.status}"
        + (f", plaats {e.position}" if getattr(e, "position", None) else "")
        for e in page.context["enrolments"]
    )


def told_in_the_api_answer(answer: dict[str, Any]) -> str:
    return words(
        f"{e['child_first_name']}: {e['status']}"
        + (f", plaats {e['waitlist_position']}" if e["waitlist_position"] else "")
        for e in answer["enrolments"]
    )


def page_enrol_in_a_full_group(world: World) -> tuple[str, str]:
    response = page_enrol(world, Enrolling(group="full_group"))
    assert response.status_code == 302, response.status_code
    return "accepted", told_on_the_received_page(world)


def api_enrol_in_a_full_group(world: World) -> tuple[str, str]:
    response = api_enrol(world, Enrolling(group="full_group"))
    assert response.status_code == 201, response.content
    return "accepted", told_in_the_api_answer(response.json())


def page_seats_of_a_full_group(world: World) -> tuple[str, str]:
    world.full_group
    page = world.client.get(reverse("enrol-school", args=[world.host.pk]))
    return "listed", words(f"{g.pk}: {g.seats_left} left" for g in page.context["groups"])


def api_seats_of_a_full_group(world: World) -> tuple[str, str]:
    world.full_group
    rows = world.client.get(f"{API}/public/schools/{world.host.pk}/groups/").json()
    return "listed", words(f"{r['id']}: {r['seats_left']} left" for r in sorted(rows, key=id_of))


def id_of(row: dict[str, Any]) -> Any:
    return row["id"]


def newer_than(text: ConsentText) -> ConsentText:
    """Version 2026-2, in force from a day after `text` (2026-1): before today."""
    return ConsentText.objects.create(
        version="2026-2",
        text_nl="Ik geef toestemming voor deelname (nieuwe tekst).",
        text_en="I consent to taking part (new text).",
        active_from=text.active_from + dt.timedelta(days=1),
    )


def newer_consent_text(world: World) -> None:
    """The consent text changes; the doors below post against 2026-1."""
    newer_than(world.consent_text)


def page_enrol_with_an_old_consent_text(world: World) -> tuple[str, str]:
    newer_consent_text(world)
    response = page_enrol(world, Enrolling())
    return page_refusal(response, response.context["form"].errors["consent"])


def api_enrol_with_an_old_consent_text(world: World) -> tuple[str, str]:
    newer_consent_text(world)
    return api_refusal(api_enrol(world, Enrolling()), "consent_text_version")


KEY = "5b0e7f3c-0d9a-4c1e-9a43-2f1f0e6d7c11"


def page_enrol_twice(world: World, *, between: Callable[[World], None] | None = None) -> str:
    """The form drawn once and sent twice (a double click, a reload): what the second
    post told, and whether it was the first one's answer."""
    drawn = world.client.get(form_url(world, Enrolling())).content.decode()
    key = re.search(r'name="idempotency_key" value="([^"]+)"', drawn).group(1)
    first = page_enrol(world, Enrolling(), idempotency_key=key)
    if between:
        between(world)
    second = page_enrol(world, Enrolling(), idempotency_key=key)
    assert first.status_code == second.status_code == 302, second.status_code
    same = first.cookies[RECEIVED_COOKIE].value == second.cookies[RECEIVED_COOKIE].value
    return f"the first answer again: {same}; {told_on_the_received_page(world)}"


def api_enrol_twice(world: World, *, between: Callable[[World], None] | None = None) -> str:
    first = api_enrol(world, Enrolling(), HTTP_IDEMPOTENCY_KEY=KEY)
    if between:
        between(world)
    second = api_enrol(world, Enrolling(), HTTP_IDEMPOTENCY_KEY=KEY)
    assert (first.status_code, second.status_code) == (201, 200), second.content
    same = first.json() == second.json()
    return f"the first answer again: {same}; {told_in_the_api_answer(second.json())}"


def one_submission(told: str) -> tuple[str, str]:
    return f"replayed, {Submission.objects.count()} submission", told


@pytest.fixture
def expired_confirm_token(group: Any, host: Any, consent_text: Any, emitted: list[Any]) -> str:
    """The enroller's confirmation link, expired a minute ago."""
    submission_create(children=[child(group, host)], enroller=SOLE, consent_text=consent_text)
    received = [e for e in emitted if isinstance(e, events.EnrolmentReceived)]
    now = timezone.now()
    AccessLink.objects.update(
        created_at=now - dt.timedelta(days=31), expires_at=now - dt.timedelta(minutes=1)
    )
    return received[0].confirm_token


def page_confirm_with_an_expired_link(world: World) -> tuple[str, str]:
    token = world.expired_confirm_token
    response = world.client.post(reverse("enrol-link", args=[token]), {"answer": "yes"})
    assert response.status_code == 410, response.status_code
    return "refused", response.context["message"]


def api_confirm_with_an_expired_link(world: World) -> tuple[str, str]:
    token = world.expired_confirm_token
    response = api_post(
        world.client, "public/links/confirm/", {"token": token, "consent_given": True}
    )
    return api_refusal(response, "token")


@pytest.fixture
def ended_enrolment_link(
    group: Any, host: Any, consent_text: Any, emitted: list[Any]
) -> tuple[str, str]:
    """The enroller's link and an enrolment of theirs that they withdrew after consenting."""
    result = submission_create(
        children=[child(group, host)], enroller=SOLE, consent_text=consent_text
    )
    token = next(e for e in emitted if isinstance(e, events.EnrolmentReceived)).confirm_token
    email_confirm(token=token, consent_given=True)
    enrolment_withdraw(enrolment=result.enrolments[0])
    return token, str(result.enrolments[0].public_id)


def page_withdraw_consent_of_an_ended_enrolment(world: World) -> tuple[str, str]:
    token, public_id = world.ended_enrolment_link
    response = world.client.post(
        reverse("enrol-link-consent-withdraw", args=[token, public_id]), follow=True
    )
    assert response.status_code == 200, response.status_code
    return "refused", words(response.context["messages"])


def api_withdraw_consent_of_an_ended_enrolment(world: World) -> tuple[str, str]:
    token, public_id = world.ended_enrolment_link
    response = api_post(
        world.client, "public/links/consent/withdraw/", {"token": token, "enrolment": public_id}
    )
    return api_refusal(response, "non_field_errors")


@pytest.fixture
def consent_asked_today(
    group: Any, host: Any, consent_text: Any, emitted: list[Any], bob: Any
) -> str:
    """A pupil of a school bob coordinates whose second parent was asked for consent today."""
    host.coordinators.add(bob)
    result = submission_create(
        children=[child(group, host)],
        enroller=MOTHER,
        other_guardians=[FATHER],
        consent_text=consent_text,
    )
    token = next(e for e in emitted if isinstance(e, events.EnrolmentReceived)).confirm_token
    email_confirm(token=token, consent_given=True)
    return str(result.enrolments[0].public_id)


def page_resend_consent_too_soon(world: World) -> tuple[str, str]:
    url = reverse("staff-consent-resend", args=[world.consent_asked_today])
    response = world.as_bob.post(url, follow=True)
    assert response.status_code == 200, response.status_code
    return "refused", words(response.context["messages"])


def api_resend_consent_too_soon(world: World) -> tuple[str, str]:
    path = f"enrolments/{world.consent_asked_today}/consent-resend/"
    return api_refusal(api_post(world.as_bob, path, {}), "non_field_errors")


# --- the table -------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Row:
    situation: str
    page: Door
    api: Door
    verdict: str  # what both doors answer: "refused", or what they accept
    needs: tuple[str, ...]  # the fixtures of the world, made before either door runs

    @property
    def stores(self) -> bool:
        """A refusal, or a read, stores nothing; an enrolment is stored, once."""
        return self.verdict not in {"refused", "listed"}


PARENT = ("client", "consent_text", "emitted", "group", "host")
PLANNER = ("as_bob", "planned", "school_a")

ROWS = [
    Row(
        "past date: a session moved to two days ago",
        page_move_to_the_past,
        api_move_to_the_past,
        "refused",
        PLANNER,
    ),
    Row(
        "closed day: a session moved to the school's study day",
        page_move_to_a_closed_day,
        api_move_to_a_closed_day,
        "refused",
        (*PLANNER, "study_day"),
    ),
    Row(
        "pooling a group below its minimum with a group of another programme",
        lambda world: page_decide(world, "pool", into=world.other_programme_group.pk),
        lambda world: api_decide(world, "pool", "into", into=world.other_programme_group.pk),
        "refused",
        (*PLANNER, "undecided", "other_programme_group"),
    ),
    Row(
        "postponing a group below its minimum into the past",
        lambda world: page_decide(world, "postpone", first_date="2026-09-28"),
        lambda world: api_decide(world, "postpone", "first_date", first_date="2026-09-28"),
        "refused",
        (*PLANNER, "undecided"),
    ),
    Row(
        "wrong school type: a secondary programme's group at a primary school",
        page_think_at_a_primary_school,
        api_think_at_a_primary_school,
        "refused",
        ("as_bob", "school_a", "think"),
    ),
    Row(
        "wrong age: a child of four",
        page_child_refused(Enrolling(born="2022-01-15")),
        api_child_refused(Enrolling(born="2022-01-15")),
        "refused",
        PARENT,
    ),
    Row(
        "wrong grade: a child in groep 2 for groep 4 to 8",
        page_child_refused(Enrolling(group="group_4_to_8", grade=2)),
        api_child_refused(Enrolling(group="group_4_to_8", grade=2)),
        "refused",
        (*PARENT, "group_4_to_8"),
    ),
    Row(
        "wrong grade: class 5B booked for groep 7 and 8",
        lambda world: page_book(world, "class_name", class_name="5B"),
        lambda world: api_book(world, "class_name", class_name="5B"),
        "refused",
        ("as_bob", "class_group"),
    ),
    Row(
        "a class of 45 pupils",
        lambda world: page_book(world, "class_size", class_size=45),
        lambda world: api_book(world, "class_size", class_size=45),
        "refused",
        ("as_bob", "class_group"),
    ),
    Row(
        "full group: listed with no seat left",
        page_seats_of_a_full_group,
        api_seats_of_a_full_group,
        "listed",
        (*PARENT, "full_group"),
    ),
    Row(
        "full group: an enrolment goes on the waitlist",
        page_enrol_in_a_full_group,
        api_enrol_in_a_full_group,
        "accepted",
        (*PARENT, "full_group"),
    ),
    Row(
        "stale consent text: posted against the text before the new one",
        page_enrol_with_an_old_consent_text,
        api_enrol_with_an_old_consent_text,
        "refused",
        PARENT,
    ),
    Row(
        "repeated submission: the same key twice",
        lambda world: one_submission(page_enrol_twice(world)),
        lambda world: one_submission(api_enrol_twice(world)),
        "replayed, 1 submission",
        PARENT,
    ),
    Row(
        "repeated submission: the same key again after the consent text changed",
        lambda world: one_submission(page_enrol_twice(world, between=newer_consent_text)),
        lambda world: one_submission(api_enrol_twice(world, between=newer_consent_text)),
        "replayed, 1 submission",
        PARENT,
    ),
    Row(
        "expired link: the enroller confirms a month too late",
        page_confirm_with_an_expired_link,
        api_confirm_with_an_expired_link,
        "refused",
        (*PARENT, "expired_confirm_token"),
    ),
    Row(
        "consent withdrawn: for an enrolment that has ended",
        page_withdraw_consent_of_an_ended_enrolment,
        api_withdraw_consent_of_an_ended_enrolment,
        "refused",
        (*PARENT, "ended_enrolment_link"),
    ),
    Row(
        "consent request resent: less than a day after the last one",
        page_resend_consent_too_soon,
        api_resend_consent_too_soon,
        "refused",
        (*PARENT, "as_bob", "consent_asked_today"),
    ),
]


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.situation)
def test_the_page_and_the_api_give_the_same_answer(
    row: Row, request: pytest.FixtureRequest
) -> None:
    world = World(request)
    for name in row.needs:
        request.getfixturevalue(name)

    through_the_page = through(row.page, world)
    through_the_api = through(row.api, world)

    assert through_the_page == through_the_api
    assert through_the_page.verdict == row.verdict
    assert through_the_page.message
    assert through_the_page.stored is row.stores


def test_the_form_refused_for_an_old_consent_text_shows_the_new_text_with_the_box_unticked(
    client: Client, group: Any, consent_text: Any
) -> None:
    newer_than(consent_text)
    url = reverse("enrol-form", args=[group.pk]) + f"?school={group.host_school_id}"

    response = client.post(
        url, form_fields(group, group.host_school, born="2017-03-01", grade=4, version="2026-1")
    )

    html = response.content.decode()
    assert "(nieuwe tekst)" in html
    assert 'name="consent_version" value="2026-2"' in html
    consent_box = re.search(r'<input[^>]*name="consent"[^>]*>', html).group(0)
    assert "checked" not in consent_box
    assert not Submission.objects.exists()


def test_a_second_seat_list_of_the_same_school_counts_the_seat_just_taken(
    client: Client, group: Any, host: Any, consent_text: Any
) -> None:
    # The selector's groups come from the cache, the seats never do: both doors show the
    # seat taken between two reads.
    page_before = client.get(reverse("enrol-school", args=[host.pk])).context["groups"]
    api_before = client.get(f"{API}/public/schools/{host.pk}/groups/").json()
    submission_create(children=[child(group, host)], enroller=SOLE, consent_text=consent_text)
    page_after = client.get(reverse("enrol-school", args=[host.pk])).context["groups"]
    api_after = client.get(f"{API}/public/schools/{host.pk}/groups/").json()

    assert [g.seats_left for g in page_before] == [r["seats_left"] for r in api_before] == [8]
    assert [g.seats_left for g in page_after] == [r["seats_left"] for r in api_after] == [7]
