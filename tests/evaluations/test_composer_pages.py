"""The programme manager composes a questionnaire on pages: a draft copied from the version
in use, questions added, changed, moved and removed, a preview, and publishing; a refusal
shows on the form and changes nothing, and a version in use never changes."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluations.models import Goal, Question, QuestionKind, Questionnaire, Respondent
from evaluations.selectors import current_questionnaire
from tests.clock import on_day
from tests.evaluations.world import kies_programme

pytestmark = [pytest.mark.django_db, on_day("2026-10-01")]


def start_draft(client: Client, programme: Any, respondent: str = Respondent.GUARDIAN) -> Any:
    answer = client.post(reverse("evaluation-compose-draft", args=[programme.pk, respondent]))
    assert answer.status_code == 302
    return Questionnaire.objects.get(pk=int(answer["Location"].rstrip("/").split("/")[-1]))


def question_data(**given: Any) -> dict[str, Any]:
    data = {"kind": "scale", "text_nl": "Hoe gaat het?", "text_en": "How are you?"}
    data.update(given)
    return {f"question-{k}": v for k, v in data.items()}


def test_a_draft_is_a_copy_of_the_version_in_use_and_a_second_click_opens_the_same(
    as_alice: Client,
) -> None:
    programme = kies_programme()
    published = current_questionnaire(programme, Respondent.GUARDIAN)
    draft = start_draft(as_alice, programme)
    assert (draft.version, draft.published_at) == (published.version + 1, None)
    assert draft.questions.count() == published.questions.count()
    assert start_draft(as_alice, programme).pk == draft.pk
    page = as_alice.get(reverse("evaluation-compose-edit", args=[draft.pk]))
    assert page.status_code == 200 and "Vraag toevoegen" in page.content.decode()


def test_a_choice_question_without_choices_is_refused_on_the_form(as_alice: Client) -> None:
    draft = start_draft(as_alice, kies_programme())
    before = draft.questions.count()
    answer = as_alice.post(
        reverse("evaluation-compose-question-add", args=[draft.pk]),
        question_data(kind="choice", options_nl="Alleen deze"),
    )
    assert answer.status_code == 400
    assert "minstens twee keuzes" in answer.content.decode()
    assert draft.questions.count() == before


def test_the_manager_adds_moves_changes_and_removes_a_goal_question(as_alice: Client) -> None:
    programme = kies_programme()
    draft = start_draft(as_alice, programme)
    goal = Goal.objects.filter(programme=programme).first()
    added = as_alice.post(
        reverse("evaluation-compose-question-add", args=[draft.pk]),
        question_data(measures="goal", goal=goal.pk),
    )
    assert added.status_code == 302
    question = draft.questions.order_by("-position").first()
    assert (question.text_nl, question.goal_id) == ("Hoe gaat het?", goal.pk)
    last = question.position
    as_alice.post(
        reverse("evaluation-compose-question-move", args=[question.pk]), {"direction": "up"}
    )
    question.refresh_from_db()
    assert question.position == last - 1
    changed = as_alice.post(
        reverse("evaluation-compose-question", args=[question.pk]),
        {"kind": "yes_no", "text_nl": "Praat je erover?", "measures": "goal", "goal": goal.pk},
    )
    assert changed.status_code == 302
    question.refresh_from_db()
    assert (question.kind, question.text_nl) == (QuestionKind.YES_NO, "Praat je erover?")
    as_alice.post(reverse("evaluation-compose-question-remove", args=[question.pk]))
    assert not Question.objects.filter(pk=question.pk).exists()


def test_an_open_question_cannot_measure_satisfaction(as_alice: Client) -> None:
    draft = start_draft(as_alice, kies_programme())
    answer = as_alice.post(
        reverse("evaluation-compose-question-add", args=[draft.pk]),
        question_data(kind="open", measures="satisfaction"),
    )
    assert answer.status_code == 400
    assert "meet tevredenheid of een doel" in answer.content.decode()


def test_a_version_in_use_never_changes(as_alice: Client) -> None:
    programme = kies_programme()
    published = current_questionnaire(programme, Respondent.GUARDIAN)
    question = published.questions.first()
    answer = as_alice.post(
        reverse("evaluation-compose-question", args=[question.pk]),
        {"kind": "scale", "text_nl": "Anders"},
    )
    assert answer.status_code == 400
    question.refresh_from_db()
    assert question.text_nl != "Anders"
    as_alice.post(reverse("evaluation-compose-question-remove", args=[question.pk]))
    assert Question.objects.filter(pk=question.pk).exists()


def test_the_preview_shows_the_questions_and_publishing_puts_the_draft_in_use(
    as_alice: Client,
) -> None:
    programme = kies_programme()
    draft = start_draft(as_alice, programme, Respondent.CHILD)
    preview = as_alice.get(reverse("evaluation-compose-preview", args=[draft.pk]))
    first = draft.questions.order_by("position").first()
    assert preview.status_code == 200 and first.text_nl in preview.content.decode()
    assert as_alice.post(reverse("evaluation-compose-publish", args=[draft.pk])).status_code == 302
    assert current_questionnaire(programme, Respondent.CHILD).pk == draft.pk


def test_the_composer_list_query_count_does_not_grow_with_programmes(alice: Any) -> None:
    client = Client()
    client.force_login(alice)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("evaluation-compose-list")).status_code == 200
        return len(captured)

    kies_programme("een")
    client.get(reverse("evaluation-compose-list"))
    one = queries()
    for code in ("twee", "drie"):
        kies_programme(code)
    assert queries() == one


def test_the_manager_names_a_new_goal_and_a_question_can_measure_it(as_alice: Client) -> None:
    programme = kies_programme()
    draft = start_draft(as_alice, programme)
    url = reverse("evaluation-compose-goal-add", args=[draft.pk])
    named = as_alice.post(url, {"goal-name_nl": "Ik weet wat ik kan doen als ik boos ben"})
    assert named.status_code == 302
    goal = Goal.objects.get(programme=programme, name_nl__startswith="Ik weet wat")
    again = as_alice.post(url, {"goal-name_nl": "ik weet wat ik kan doen als ik boos ben"})
    assert again.status_code == 400 and "heeft dit doel al" in again.content.decode()
    added = as_alice.post(
        reverse("evaluation-compose-question-add", args=[draft.pk]),
        question_data(measures="goal", goal=goal.pk),
    )
    assert added.status_code == 302
    assert draft.questions.filter(goal=goal).exists()
