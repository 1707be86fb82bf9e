"""A populated site for the tests that walk every endpoint or page: the Zwolle demo data
(`seed_demo` and `seed_demo_groups`, made through the services) plus what the demo leaves
out: a finished planner run, a trainer's unavailable week, a school's closed day, a confirmed seat
(Daan Meijer, after his intake) and an open consent link (the Visser family).

The roles are the demo log-ins: `beheerder` (programme manager), `coordinator` (two primary
schools, 24RB and 27VB) and `trainer` (the KIES and !JES groups), plus a user without a role.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from core import domain_events
from enrolment import events as enrolment_events
from enrolment.models import ConsentText, Enrolment, IntakeOutcome
from enrolment.services import email_confirm, intake_record
from evaluations.defaults import questionnaires_install
from evaluations.models import Questionnaire
from programmes import services as programme_services
from programmes.models import (
    CoFinancingAgreement,
    HolidayKind,
    HolidayRegion,
    Programme,
    School,
    SchoolClosure,
    SchoolHoliday,
    Trainer,
)
from scheduler.models import Group, PlannerRun, PlanningRequest, Session, SessionKind
from scheduler.services import planner_run_execute, planner_run_start
from tests import factories

ROLES = ("anonymous", "no-role", "trainer", "coordinator", "manager")
USERNAMES = {"trainer": "trainer", "coordinator": "coordinator", "manager": "beheerder"}


@dataclass
class World:
    users: dict[str, Any]
    kies: Group  # individual enrolment, hosted by the coordinator's school, the trainer's group
    class_group: Group  # class mode (Marietje Kessels Project) at the coordinator's school
    session: Session  # the KIES group's first child session
    enrolment: Enrolment
    school: School
    programme: Programme
    trainer: Trainer
    planning_request: PlanningRequest
    planner_run: PlannerRun
    confirm_token: str  # the Visser family's enroller, who has confirmed and consented
    consent_token: str  # the other Visser parent's consent link, not answered yet
    ids: dict[str, Any] = field(default_factory=dict)

    def user(self, role: str) -> Any | None:
        return self.users.get(role)


def seed_world() -> World:
    """Make the world in the current database (a few seconds) and say where things are."""
    # Shipped by a data migration, but a transactional test before this one flushed it.
    ConsentText.objects.get_or_create(
        version="2026-1",
        defaults={
            "text_nl": "Ik geef toestemming voor deelname.",
            "text_en": "I consent to taking part.",
            "active_from": timezone.now() - dt.timedelta(days=365),
        },
    )
    emitted: list[Any] = []
    domain_events.subscribe(object, emitted.append)
    try:
        call_command("seed_demo", "--demo", verbosity=0)
        call_command("seed_demo_groups", "--demo", verbosity=0)
        # The first family (Visser, joint authority) confirms: the other parent is asked.
        # The second (Meijer, sole authority) confirms and so has a confirmed seat.
        confirm_token, sole_token = [
            e.confirm_token for e in emitted if isinstance(e, enrolment_events.EnrolmentReceived)
        ][:2]
        email_confirm(token=confirm_token, consent_given=True)
        email_confirm(token=sole_token, consent_given=True)
        consent_token = next(
            e.token for e in emitted if isinstance(e, enrolment_events.ConsentRequested)
        )
    finally:
        domain_events.unsubscribe(object, emitted.append)
    user_model = get_user_model()
    users = {role: user_model.objects.get(username=name) for role, name in USERNAMES.items()}
    users["no-role"] = user_model.objects.create_user(username="eve", email="eve@example.org")
    # Daan Meijer's intake went well: his seat is confirmed, so rosters and attendance
    # sheets have a participant.
    intake_record(
        enrolment=Enrolment.objects.get(child__first_name="Daan"),
        outcome=IntakeOutcome.SUITABLE,
        recorded_by=users["trainer"],
    )

    kies = Group.objects.select_related("school_year").get(
        programme__code="kies", round_label__startswith="demo"
    )
    class_group = Group.objects.get(programme__code="mkp", round_label__startswith="demo")
    trainer = Trainer.objects.get(user__username="trainer")
    school = kies.host_school
    year = kies.school_year
    unavailability = programme_services.trainer_unavailability_create(
        trainer=trainer,
        starts_at=timezone.now() + dt.timedelta(days=60),
        ends_at=timezone.now() + dt.timedelta(days=64),
        reason="Cursus",
    )
    closure = SchoolClosure.objects.filter(school=school).first() or (
        programme_services.school_closure_create(
            school=school,
            start_date=year.end_date - dt.timedelta(days=40),
            end_date=year.end_date - dt.timedelta(days=40),
            reason="Studiedag",
        )
    )
    holiday = SchoolHoliday.objects.filter(school_year=year).first() or (
        programme_services.school_holiday_create(
            school_year=year,
            region=HolidayRegion.NOORD,
            kind=HolidayKind.OTHER,
            name="Extra vrije dagen",
            start_date=year.end_date - dt.timedelta(days=20),
            end_date=year.end_date - dt.timedelta(days=19),
        )
    )
    # seed_demo_groups records the THINK agreement of 43IJ with a concept invoice.
    agreement = CoFinancingAgreement.objects.get(school__brin="43IJ", programme__code="think")
    invoice = agreement.invoices.get()
    run = planner_run_start(school_year=year, started_by=users["manager"], time_limit_seconds=5)
    planner_run_execute(run_id=run.pk)
    run.refresh_from_db()
    session = kies.sessions.filter(kind=SessionKind.CHILD).order_by("starts_at").first()
    enrolment = Enrolment.objects.filter(group=kies).order_by("pk").first()
    planning_request = (
        PlanningRequest.objects.filter(school__coordinators=users["coordinator"])
        .order_by("pk")
        .first()
    )
    world = World(
        users=users,
        kies=kies,
        class_group=class_group,
        session=session,
        enrolment=enrolment,
        school=school,
        programme=kies.programme,
        trainer=trainer,
        planning_request=planning_request,
        planner_run=run,
        confirm_token=confirm_token,
        consent_token=consent_token,
    )
    # Questionnaires (evaluations), a referral and a worker's talk slot with a booking
    # (referrals): the demo seeds them in other commands than this world's. The referral is
    # the manager's own, as the API shows a referrer only their own invitations.
    if not Questionnaire.objects.filter(programme=kies.programme).exists():
        questionnaires_install(programme=kies.programme, template="kies")
    questionnaire = Questionnaire.objects.filter(programme=kies.programme).order_by("pk").first()
    referral = factories.ReferralFactory(
        referrer=users["manager"], programme=kies.programme, school=school
    )
    worker = factories.WijkteamWorkerFactory()
    worker.schools.add(school)
    booking = factories.TalkBookingFactory(slot=factories.TalkSlotFactory(worker=worker))
    # The object each path parameter names, by the path segment in front of it. All but the
    # co-financing ones are in the scope of the coordinator and the trainer too.
    world.ids = {
        "schools": school.pk,
        "programmes": kies.programme_id,
        "trainers": trainer.pk,
        "trainer-unavailabilities": unavailability.pk,
        "school-years": year.pk,
        "school-holidays": holiday.pk,
        "school-closures": closure.pk,
        "groups": kies.pk,
        "sessions": session.pk,
        "planning-requests": planning_request.pk,
        "planner-runs": run.pk,
        "enrolments": enrolment.public_id,
        "waitlists": kies.pk,
        "rosters": kies.pk,
        "attendance": session.pk,
        "class-bookings": class_group.pk,
        "public/schools": school.pk,
        "agreements": agreement.pk,
        "invoices": invoice.pk,
        "questionnaires": questionnaire.pk,
        "referrals": referral.public_id,
        "talk-slots": booking.slot_id,
        "talk-bookings": booking.pk,
        "wijkteam-workers": worker.pk,
    }
    return world
