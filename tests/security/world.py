"""One small, complete world for the security tests: an object behind every URL kwarg.

Everything of interest lies at school A (bob's school) and in dave's groups, so each persona
meets the same objects: alice manages them, bob coordinates their school, dave trains the
groups, carol coordinates another school and eve has no role. The values are what a URL
needs (a pk, a public id, a raw token), keyed by the names the access matrix uses.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from core import domain_events
from enrolment import events as enrolment_events
from enrolment.models import Authority, ConsentText
from enrolment.services import ChildInput, GuardianInput, submission_create
from evaluations.defaults import questionnaires_install
from evaluations.models import Questionnaire
from evaluations.services import questionnaire_new_version
from notifications.feed_tokens import feed_token_regenerate
from notifications.models import FeedKind, OutboxMessage, OutboxStatus
from notifications.outbox import message_enqueue
from programmes.models import ChildConsent, CostBasis, EnrolmentMode, GuardianConsent
from programmes.services import agreement_create, invoice_create
from referrals.models import hash_token
from scheduler.models import GroupStatus
from scheduler.services import (
    group_create,
    group_transition,
    planner_run_start,
    planning_request_create,
)
from tests import factories

# Enrolment for the autumn group is open; its first session is Monday 2 November 2026.
TODAY = dt.datetime(2026, 10, 1, 10, 0, tzinfo=dt.UTC)


def build_world(*, school_a: Any, bob: Any, dave: Any, worker: Any | None = None) -> dict[str, Any]:
    """Make the objects and return the values URL kwargs need, by name. `worker`: the
    wijkteammedewerker whose talk slot the world holds (a new one when not given)."""
    year = factories.SchoolYearFactory(label="2026-2027")
    kies = factories.ProgrammeFactory(
        code="kies-matrix",
        name_nl="KIES",
        age_min=7,
        age_max=17,
        grade_min=1,
        grade_max=8,
        parent_meetings_before=0,
        parent_meetings_after=0,
        trainers_per_group=1,
        requires_intake=True,
    )
    think = factories.ProgrammeFactory(
        code="think-matrix",
        name_nl="THINK op school",
        audience="vo",
        grade_min=1,
        grade_max=2,
        age_min=11,
        age_max=15,
        enrolment_mode=EnrolmentMode.CLASS,
        consent_guardians=GuardianConsent.NONE,
        consent_child=ChildConsent.NONE,
        trainers_per_group=1,
        group_size_max=32,
        co_financed=True,
    )
    dave.qualifications.add(kies, think)
    # Bob's second school, a VO school: co-financing agreements are made with VO schools.
    vo_school = factories.SchoolFactory(name="Greijdanus", school_type="vo", coordinators=[bob])

    group = group_create(
        programme=kies,
        host_school=school_a,
        school_year=year,
        round_label="najaar 2026",
        weekday=0,
        start_time=dt.time(13, 0),
        first_date=dt.date(2026, 11, 2),
        trainers=[dave],
        capacity=8,
        enrolment_opens_on=dt.date(2026, 9, 1),
        enrolment_closes_on=dt.date(2026, 10, 30),
        as_of=dt.date(2026, 9, 1),  # history: planned before enrolment opened
    ).group
    group = group_transition(group=group, to=GroupStatus.PUBLISHED)
    class_group = group_create(
        programme=think,
        host_school=vo_school,  # THINK is for secondary schools
        school_year=year,
        round_label="najaar 2026",
        weekday=2,
        start_time=dt.time(10, 0),
        first_date=dt.date(2026, 11, 4),
        trainers=[dave],
        class_name="1A",
        class_size=20,
        mentor_name="Dhr. Eerder",
        as_of=dt.date(2026, 9, 1),
    ).group
    session = group.sessions.order_by("starts_at").first()

    planning_request = planning_request_create(
        school=school_a,
        programme=kies,
        school_year=year,
        round_label="voorjaar 2027",
        window_start=dt.date(2027, 2, 1),
        window_end=dt.date(2027, 4, 30),
        preferred_weekdays=[1, 3],
        expected_children=7,
        requested_by=bob,
    )
    planner_run = planner_run_start(school_year=year, started_by=None)

    closure = factories.SchoolClosureFactory(school=school_a)
    holiday = factories.SchoolHolidayFactory(school_year=year)
    unavailability = factories.TrainerUnavailabilityFactory(trainer=dave)

    enrolment, link_token = _enrolment(group, school_a)

    failed_message = message_enqueue(
        key="matrix:failed",
        kind="enrolment_confirmed",
        to="ouder@example.org",
        language="nl",
        subject="Bevestiging",
        text="Beste ouder",
        html="<p>Beste ouder</p>",
    )
    OutboxMessage.objects.filter(pk=failed_message.pk).update(
        status=OutboxStatus.FAILED, attempts=1, last_error="550 5.1.1 Mailbox unknown"
    )
    feed = feed_token_regenerate(owner=dave.user, kind=FeedKind.TRAINER, trainer=dave)

    agreement = agreement_create(
        school=vo_school,
        school_year=year,
        programme=think,
        cost_basis=CostBasis.PER_CLASS,
        price=Decimal("800.00"),
        school_share_percentage=Decimal("50"),
        units_agreed=4,
    )
    invoice = invoice_create(agreement=agreement, reference="ZW-2026-001", amount=Decimal("1600"))

    # Questionnaires (issue 19): the published defaults and a draft with its questions.
    questionnaires_install(programme=kies, template="kies")
    published = Questionnaire.objects.get(programme=kies, respondent="child")
    draft = questionnaire_new_version(questionnaire=published)

    referral, referral_token, booking, talk_token = _referral_and_talk(bob, kies, school_a, worker)

    return {
        "questionnaire": published.pk,
        "draft": draft.pk,
        "question": draft.questions.order_by("position").first().pk,
        "goal": draft.questions.exclude(goal=None).first().goal_id,
        "respondent": "guardian",
        "referral": referral.public_id,
        "referral_token": referral_token,
        "slot": booking.slot_id,
        "slot_uid": booking.slot.uid,
        "worker": booking.slot.worker_id,
        "booking": booking.pk,
        "talk_token": talk_token,
        "programme": kies.pk,
        "code": kies.code,
        "school": school_a.pk,
        "trainer": dave.pk,
        "year": year.pk,
        "holiday": holiday.pk,
        "closure": closure.pk,
        "absence": unavailability.pk,
        "group": group.pk,
        "class_group": class_group.pk,
        "session": session.pk,
        "request": planning_request.pk,
        "run": planner_run.pk,
        "enrolment": enrolment.public_id,
        "link": link_token,
        "message": failed_message.pk,
        "feed": feed.raw,
        "agreement": agreement.pk,
        "invoice": invoice.pk,
    }


def _referral_and_talk(
    bob: Any, programme: Any, school: Any, worker: Any | None
) -> tuple[Any, str, Any, str]:
    """bob's referral of a family to school A, and a wijkteammedewerker's slot there with a
    parent's booking (who holds the talk's link)."""
    referral_token, talk_token = "matrix-referral-token", "matrix-talk-token"
    referral = factories.ReferralFactory(
        referrer=bob, programme=programme, school=school, token_hash=hash_token(referral_token)
    )
    worker = worker or factories.WijkteamWorkerFactory()
    worker.schools.add(school)
    slot = factories.TalkSlotFactory(worker=worker)
    booking = factories.TalkBookingFactory(slot=slot, token_hash=hash_token(talk_token))
    return referral, referral_token, booking, talk_token


def _enrolment(group: Any, school: Any) -> tuple[Any, str]:
    """One child of school A in the group, and the enrolling parent's e-mail link."""
    consent_text, _ = ConsentText.objects.get_or_create(
        version="2026-1",
        defaults={
            "text_nl": "Ik geef toestemming voor deelname.",
            "text_en": "I consent to taking part.",
            "active_from": dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        },
    )
    seen: list[Any] = []
    domain_events.subscribe(enrolment_events.EnrolmentReceived, seen.append)
    try:
        result = submission_create(
            children=[
                ChildInput(
                    first_name="Sam",
                    last_name="de Boer",
                    date_of_birth=dt.date(2017, 3, 1),
                    school=school,
                    grade=4,
                    group=group,
                )
            ],
            enroller=GuardianInput(
                name="Carla Smit", email="carla@example.org", authority=Authority.SOLE
            ),
            consent_text=consent_text,
        )
    finally:
        domain_events.unsubscribe(enrolment_events.EnrolmentReceived, seen.append)
    return result.enrolments[0], seen[0].confirm_token
