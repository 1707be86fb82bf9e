"""A programme's questionnaires: the defaults, versions, and what a question measures."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from evaluations.models import Measures, Question, QuestionKind, Questionnaire, Respondent
from evaluations.selectors import current_questionnaire
from evaluations.services import questionnaire_new_version, questionnaire_publish
from tests.clock import on_day
from tests.evaluations.world import kies_programme

pytestmark = [pytest.mark.django_db, on_day("2026-10-01")]


def test_the_defaults_give_each_respondent_group_a_published_questionnaire_with_goals() -> None:
    programme = kies_programme()
    for respondent in Respondent.values:
        questionnaire = current_questionnaire(programme, respondent)
        assert questionnaire is not None and questionnaire.published_at is not None
    child = current_questionnaire(programme, Respondent.CHILD)
    assert child.moments() == ["before", "after", "follow_up"]
    kinds = {q.kind for q in child.questions.all()}
    assert QuestionKind.OPEN not in kinds  # children answer without typing
    goals = {q.goal.name_nl for q in child.questions.all() if q.measures == Measures.GOAL}
    assert "Ik kan met iemand praten over de scheiding" in goals
    assert any(q.measures == Measures.SATISFACTION for q in child.questions.all())


def test_the_childrens_questions_speak_to_the_child_as_je_in_both_languages() -> None:
    child = current_questionnaire(kies_programme(), Respondent.CHILD)
    for question in child.questions.all():
        assert " je " in f" {question.text_nl.lower()} " or "jij" in question.text_nl.lower()
        assert question.text_en


def test_a_new_version_copies_the_questions_and_is_current_only_once_published() -> None:
    programme = kies_programme()
    first = current_questionnaire(programme, Respondent.GUARDIAN)
    draft = questionnaire_new_version(questionnaire=first)
    assert draft.version == 2 and draft.published_at is None
    assert draft.questions.count() == first.questions.count()
    assert current_questionnaire(programme, Respondent.GUARDIAN).pk == first.pk
    questionnaire_publish(questionnaire=draft)
    assert current_questionnaire(programme, Respondent.GUARDIAN).pk == draft.pk
    assert first.questions.count() == draft.questions.count()  # the old version is untouched


def test_a_questionnaire_without_questions_cannot_be_published() -> None:
    programme = kies_programme()
    empty = Questionnaire.objects.create(
        programme=programme, respondent=Respondent.TEACHER, version=9, title_nl="Leeg"
    )
    with pytest.raises(ValidationError) as error:
        questionnaire_publish(questionnaire=empty)
    assert "questions" in error.value.message_dict
    empty.refresh_from_db()
    assert empty.published_at is None


def test_a_goal_question_names_its_goal_and_an_open_question_measures_nothing() -> None:
    programme = kies_programme()
    questionnaire = current_questionnaire(programme, Respondent.GUARDIAN)
    with pytest.raises(IntegrityError), transaction.atomic():
        Question.objects.create(
            questionnaire=questionnaire, kind=QuestionKind.SCALE, text_nl="?", measures="goal"
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Question.objects.create(
            questionnaire=questionnaire,
            kind=QuestionKind.OPEN,
            text_nl="?",
            measures=Measures.SATISFACTION,
        )
