"""A child's teacher is invited by the coordinator of the child's school (or the manager)
while a moment of the group is open: one mail, a personal link, an answer about that child
that pairs before and after; the address stays on the invitation and goes with the
child's data."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from enrolment.models import AuditEntry
from enrolment.services.retention import ErasureReason, enrolment_erase
from evaluations.models import Goal, Invitation, PairKey, Question, Questionnaire, Response
from evaluations.selectors import current_questionnaire, pair_outcomes
from evaluations.services import moment_open, teacher_invite
from notifications.models import OutboxMessage
from notifications.outbox import message_send
from tests import factories
from tests.clock import on_day
from tests.enrolment.world import make_published_group
from tests.evaluations.world import add_child, kies_programme

pytestmark = [pytest.mark.django_db, on_day("2026-11-02")]

TEACHER = "juf.jansen@school.example"


@pytest.fixture
def group(school_a: Any, school_b: Any) -> Any:
    """A KIES group at another school, with Sam (school A, bob's) and Noor (school B,
    carol's); the teacher's questionnaire has a goal question, so its answers pair."""
    programme = kies_programme()
    host = factories.SchoolFactory(name="Basisschool De Horizon", brin="33CC")
    group = make_published_group(programme, host)
    add_child(group, first="Sam", school=school_a)
    add_child(group, first="Noor", school=school_b)
    teacher = current_questionnaire(programme, "teacher")
    first = teacher.questions.order_by("position", "pk").first()
    Question.objects.filter(pk=first.pk).update(
        measures="goal", goal=Goal.objects.filter(programme=programme).first()
    )
    return group


def _sam(group: Any) -> Any:
    return group.enrolments.get(child__first_name="Sam")


def _invite_url(group: Any, enrolment: Any) -> str:
    return reverse("evaluation-teacher-invite", args=[group.pk, enrolment.public_id])


def _field(enrolment: Any) -> str:
    return f"leerkracht-{enrolment.pk}-email"


def _stored() -> tuple[int, int, int, int]:
    return (
        Invitation.objects.filter(pair_key__respondent="teacher").count(),
        PairKey.objects.filter(respondent="teacher").count(),
        OutboxMessage.objects.filter(key__contains=":teacher-").count(),
        AuditEntry.objects.filter(action="teacher_invited").count(),
    )


def _teacher_link(mailoutbox: list[Any]) -> str:
    for row in OutboxMessage.objects.filter(to_email=TEACHER, status="queued"):
        message_send(message_id=row.pk)
    mail = [m for m in mailoutbox if m.to == [TEACHER]][-1]
    link = re.search(r"https?://\S+/evaluaties/vragenlijst/\S+/", mail.body).group()
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


def _goal_field(group: Any) -> str:
    teacher = current_questionnaire(group.programme, "teacher")
    return next(f"q{q.pk}" for q in teacher.questions.all() if q.measures == "goal")


def test_the_coordinator_invites_a_teacher_who_answers_about_the_child_before_and_after(
    group: Any,
    bob: Any,
    as_bob: Client,
    client: Client,
    mailoutbox: list[Any],
    time_machine: Any,
) -> None:
    sam = _sam(group)
    moment_open(group=group, moment="before")
    page = as_bob.get(reverse("evaluation-group", args=[group.pk])).content.decode()
    assert "Leerkracht uitnodigen" in page and "E-mailadres van de leerkracht" in page
    assert _field(sam) in page and "Noor" not in page  # only bob's own pupil
    assert "Tik op je naam" not in page  # the children's tablet is not the coordinator's

    sent = as_bob.post(_invite_url(group, sam), {_field(sam): TEACHER})
    assert sent.status_code == 302
    invitation = Invitation.objects.get(pair_key__respondent="teacher")
    assert (invitation.email, invitation.pair_key.enrolment_id, invitation.moment) == (
        TEACHER,
        sam.pk,
        "before",
    )
    assert OutboxMessage.objects.filter(to_email=TEACHER).count() == 1
    assert AuditEntry.objects.filter(
        action="teacher_invited", target=f"enrolment {sam.pk}", actor_label="bob"
    ).exists()
    after = as_bob.get(reverse("evaluation-group", args=[group.pk])).content.decode()
    assert "uitgenodigd op 2 november 2026" in after and TEACHER not in after
    assert _field(sam) not in after

    path = _teacher_link(mailoutbox)
    mail = next(m for m in mailoutbox if m.to == [TEACHER])
    assert "Beste leerkracht" in mail.body and "Uw leerling Sam begint met" in mail.body
    assert sam.child.last_name not in mail.body and "Noor" not in mail.body
    assert "KIES" in mail.subject
    form = client.get(path).content.decode()
    assert "over uw leerling Sam" in form
    assert client.post(path, {_goal_field(group): "2"}).status_code == 200

    time_machine.move_to(dt.datetime(2026, 12, 21, 10, tzinfo=dt.UTC))
    moment_open(group=group, moment="after")
    as_bob.force_login(bob)  # the session of seven weeks ago has expired
    assert as_bob.post(_invite_url(group, sam), {_field(sam): TEACHER}).status_code == 302
    client.post(_teacher_link(mailoutbox), {_goal_field(group): "4"})

    before, after_answer = Response.objects.filter(respondent="teacher").order_by("moment")
    assert {before.moment, after_answer.moment} == {"before", "after"}
    assert before.pair_key == after_answer.pair_key != ""
    assert before.school_id == sam.child.school_id
    pairs = pair_outcomes(Response.objects.all())
    assert [(p.respondent, p.improved) for p in pairs] == [("teacher", True)]


def test_a_second_invitation_for_the_same_child_and_moment_is_refused_with_when(
    group: Any, bob: Any, as_bob: Client
) -> None:
    sam = _sam(group)
    moment_open(group=group, moment="before")
    as_bob.post(_invite_url(group, sam), {_field(sam): TEACHER})
    stored = _stored()
    with pytest.raises(ValidationError) as refused:
        teacher_invite(group=group, enrolment=sam, email="ander@school.example", invited_by=bob)
    assert "al uitgenodigd op 2 november 2026" in refused.value.message_dict["email"][0]
    assert _stored() == stored
    assert OutboxMessage.objects.filter(to_email="ander@school.example").count() == 0


def test_a_bad_address_is_a_form_error_in_the_error_summary_and_stores_nothing(
    group: Any, as_bob: Client
) -> None:
    sam = _sam(group)
    moment_open(group=group, moment="before")
    refused = as_bob.post(_invite_url(group, sam), {_field(sam): "juf jansen"})
    assert refused.status_code == 400
    html = refused.content.decode()
    assert f'id="leerkracht-{sam.pk}-errors"' in html
    assert f'href="#id_{_field(sam)}"' in html and "Vul een geldig e-mailadres in" in html
    empty = as_bob.post(_invite_url(group, sam), {_field(sam): ""})
    assert "Vul het e-mailadres van de leerkracht in" in empty.content.decode()
    assert _stored() == (0, 0, 0, 0)


@pytest.mark.parametrize("case", ["no open moment", "no teacher questionnaire", "not in group"])
def test_a_refused_invitation_stores_nothing(group: Any, bob: Any, case: str) -> None:
    sam = _sam(group)
    enrolment = sam
    if case != "no open moment":
        moment_open(group=group, moment="before")
    if case == "no teacher questionnaire":
        Questionnaire.objects.filter(programme=group.programme, respondent="teacher").update(
            before=False
        )
    if case == "not in group":
        other = make_published_group(group.programme, group.host_school)
        enrolment = add_child(other, first="Mo", school=sam.child.school)
    with pytest.raises(ValidationError):
        teacher_invite(group=group, enrolment=enrolment, email=TEACHER, invited_by=bob)
    assert _stored() == (0, 0, 0, 0)


def test_a_trainer_can_not_invite_and_never_sees_the_address(group: Any, as_bob: Client) -> None:
    sam = _sam(group)
    trainer = group.trainers.get().user
    as_trainer = Client()
    as_trainer.force_login(trainer)
    moment_open(group=group, moment="before")
    page = as_trainer.get(reverse("evaluation-group", args=[group.pk])).content.decode()
    assert "Tik op je naam" in page and "Leerkracht uitnodigen" not in page
    assert as_trainer.post(_invite_url(group, sam), {_field(sam): TEACHER}).status_code == 403
    with pytest.raises(PermissionDenied):
        teacher_invite(group=group, enrolment=sam, email=TEACHER, invited_by=trainer)
    assert _stored() == (0, 0, 0, 0)

    as_bob.post(_invite_url(group, sam), {_field(sam): TEACHER})
    for url in (reverse("evaluation-group", args=[group.pk]), reverse("start-trainer")):
        assert TEACHER not in as_trainer.get(url).content.decode()


def test_a_coordinator_invites_only_for_the_pupils_of_their_own_school(
    group: Any, as_carol: Client, as_alice: Client
) -> None:
    sam = _sam(group)
    noor = group.enrolments.get(child__first_name="Noor")
    moment_open(group=group, moment="before")
    page = as_carol.get(reverse("evaluation-group", args=[group.pk])).content.decode()
    assert _field(noor) in page and _field(sam) not in page
    assert as_carol.post(_invite_url(group, sam), {_field(sam): TEACHER}).status_code == 404
    assert _stored() == (0, 0, 0, 0)
    manager_page = as_alice.get(reverse("evaluation-group", args=[group.pk])).content.decode()
    assert _field(noor) in manager_page and _field(sam) in manager_page


def test_the_coordinators_start_page_leads_to_the_teachers_forms(
    group: Any, as_bob: Client
) -> None:
    start = as_bob.get(reverse("start-coordinator")).content.decode()
    assert reverse("evaluation-group", args=[group.pk]) not in start  # nothing open yet
    moment_open(group=group, moment="before")
    start = as_bob.get(reverse("start-coordinator")).content.decode()
    assert f"{reverse('evaluation-group', args=[group.pk])}#leerkrachten" in start
    assert "0 van 1 leerkrachten uitgenodigd" in start


def test_the_teachers_address_goes_with_the_childs_data(
    group: Any, as_bob: Client, mailoutbox: list[Any]
) -> None:
    sam = _sam(group)
    moment_open(group=group, moment="before")
    as_bob.post(_invite_url(group, sam), {_field(sam): TEACHER})
    _teacher_link(mailoutbox)
    enrolment_erase(enrolment=sam, reason=ErasureReason.RETENTION)
    assert not Invitation.objects.filter(email=TEACHER).exists()
    assert not OutboxMessage.objects.filter(to_email=TEACHER).exists()
    row = OutboxMessage.objects.get(key__contains=f":teacher-{sam.pk}:")
    assert row.erased_at is not None and "Sam" not in row.body_text


def test_the_group_page_with_a_form_per_child_takes_the_same_queries_for_more_children(
    group: Any, as_alice: Client, school_a: Any
) -> None:
    moment_open(group=group, moment="before")
    url = reverse("evaluation-group", args=[group.pk])
    as_alice.get(url)
    with CaptureQueriesContext(connection) as few:
        assert as_alice.get(url).status_code == 200
    for index in range(5):
        add_child(group, first=f"Kind{index}", school=school_a)
    teacher_invite(
        group=group,
        enrolment=group.enrolments.get(child__first_name="Kind0"),
        email=TEACHER,
        invited_by=factories.make_manager(username="beheer2"),
    )
    with CaptureQueriesContext(connection) as many:
        page = as_alice.get(url)
    assert page.content.decode().count("Leerkracht uitnodigen") == 6
    assert len(many) == len(few)
