"""Composing a questionnaire: the programme manager's draft version and its questions.

A published version is never changed (answers point at its questions); the manager edits a
draft, made as a copy of the published version (`services.questionnaire_new_version`) or
empty when a respondent group has no questionnaire yet, and publishes it
(`services.questionnaire_publish`). Every service here refuses a published version and
gives a ValidationError with field messages, changing nothing.

The programme's goals belong to no version: the manager names, renames, reorders and
removes them (`goal_*`) whatever is in use, since a question points at a goal, not at its
name; only a goal something measures or kept results for stays.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from evaluations.models import (
    SCORED_KINDS,
    Goal,
    Measures,
    PairOutcome,
    Question,
    QuestionKind,
    Questionnaire,
    Respondent,
)
from evaluations.services import questionnaire_new_version
from programmes.models import Programme

MOVES = ("up", "down")


def questionnaire_draft(programme: Programme, respondent: str) -> Questionnaire | None:
    """The draft a manager is composing: an unpublished version newer than every published
    one, if any."""
    latest = (
        Questionnaire.objects.filter(programme=programme, respondent=respondent)
        .order_by("-version")
        .first()
    )
    return latest if latest is not None and latest.published_at is None else None


@transaction.atomic
def questionnaire_draft_start(*, programme: Programme, respondent: str) -> Questionnaire:
    """The draft to edit: the existing one, else a copy of the newest version (questions
    included, the next version number), else an empty first version. Refuses an unknown
    respondent group."""
    if respondent not in Respondent.values:
        raise ValidationError({"respondent": _("Kies wie de vragenlijst invult.")})
    # Lock the programme so two clicks make one draft, not two versions.
    Programme.objects.select_for_update().filter(pk=programme.pk).first()
    draft = questionnaire_draft(programme, respondent)
    if draft is not None:
        return draft
    latest = (
        Questionnaire.objects.filter(programme=programme, respondent=respondent)
        .order_by("-version")
        .first()
    )
    if latest is not None:
        return questionnaire_new_version(questionnaire=latest)
    return Questionnaire.objects.create(
        programme=programme,
        respondent=respondent,
        version=1,
        title_nl=_("Vragenlijst %(programme)s") % {"programme": programme.name_nl},
    )


def _refuse_published(questionnaire: Questionnaire) -> None:
    if questionnaire.published_at is not None:
        raise ValidationError(
            _("Deze versie is in gebruik en verandert niet meer; maak een nieuwe versie.")
        )


@transaction.atomic
def questionnaire_update(
    *,
    questionnaire: Questionnaire,
    title_nl: str,
    title_en: str = "",
    intro_nl: str = "",
    intro_en: str = "",
    before: bool,
    after: bool,
    follow_up_months: int | None = None,
) -> Questionnaire:
    """Change a draft's titles, introductions and moments. Refuses a published version, an
    empty Dutch title, no moment at all and a follow-up outside 1 to 24 months."""
    _refuse_published(questionnaire)
    errors: dict[str, str] = {}
    if not title_nl.strip():
        errors["title_nl"] = _("Geef de vragenlijst een titel.")
    if not (before or after or follow_up_months):
        errors["before"] = _("Kies minstens één moment.")
    if follow_up_months is not None and not 1 <= follow_up_months <= 24:
        errors["follow_up_months"] = _("Kies 1 tot en met 24 maanden, of laat het leeg.")
    if errors:
        raise ValidationError(errors)
    questionnaire.title_nl = title_nl.strip()
    questionnaire.title_en = title_en.strip()
    questionnaire.intro_nl = intro_nl.strip()
    questionnaire.intro_en = intro_en.strip()
    questionnaire.before = before
    questionnaire.after = after
    questionnaire.follow_up_months = follow_up_months
    questionnaire.save()
    return questionnaire


@transaction.atomic
def goal_add(*, programme: Programme, name_nl: str, name_en: str = "") -> Goal:
    """Name a new goal of a programme (a question can then measure it). Refuses an empty
    Dutch name and a name the programme already has."""
    name_nl, name_en = name_nl.strip(), name_en.strip()
    _refuse_goal_name(name_nl, programme=programme, other_than=None)
    last = Goal.objects.filter(programme=programme).aggregate(p=Max("position"))["p"]
    return Goal.objects.create(
        programme=programme,
        name_nl=name_nl,
        name_en=name_en,
        position=0 if last is None else last + 1,
    )


def _refuse_goal_name(goal_name: str, *, programme: Programme, other_than: Goal | None) -> None:
    """The one home of a goal name's rules: a Dutch name, not one the programme already has
    (whatever its capitals)."""
    if not goal_name:
        raise ValidationError({"name_nl": _("Geef het doel een naam.")})
    same = Goal.objects.filter(programme=programme, name_nl__iexact=goal_name)
    if other_than is not None:
        same = same.exclude(pk=other_than.pk)
    if same.exists():
        raise ValidationError({"name_nl": _("Dit programma heeft dit doel al.")})


@transaction.atomic
def goal_update(*, goal: Goal, name_nl: str, name_en: str = "") -> Goal:
    """Rename a goal (Dutch and English). The same refusals as `goal_add`, its own name
    excepted. Allowed also when a version in use measures it: the name is the goal's, not
    a question's text, so answers keep meaning the same."""
    name_nl, name_en = name_nl.strip(), name_en.strip()
    _refuse_goal_name(name_nl, programme=goal.programme, other_than=goal)
    goal.name_nl, goal.name_en = name_nl, name_en
    goal.save(update_fields=["name_nl", "name_en"])
    return goal


@transaction.atomic
def goal_move(*, goal: Goal, direction: str) -> Goal:
    """Move a goal one place up or down among its programme's goals (the first stays first,
    the last last); the positions are renumbered 0, 1, 2, ... The composer and the outcome
    figures show the goals in this order. Refuses an unknown direction."""
    if direction not in MOVES:
        raise ValidationError({"direction": _("Kies omhoog of omlaag.")})
    goals = list(
        Goal.objects.select_for_update()
        .filter(programme_id=goal.programme_id)
        .order_by("position", "pk")
    )
    index = next(i for i, g in enumerate(goals) if g.pk == goal.pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(goals):
        goals[index], goals[other] = goals[other], goals[index]
    for position, item in enumerate(goals):
        item.position = position
    Goal.objects.bulk_update(goals, ["position"])
    goal.position = goals.index(goal)
    return goal


@transaction.atomic
def goal_remove(*, goal: Goal) -> None:
    """Remove a goal no question measures, in any version. Refuses a goal a question
    measures and one whose before/after results were kept when answers were erased."""
    if goal.questions.exists():
        raise ValidationError(
            _(
                "Een vraag meet dit doel; het doel blijft. Laat eerst geen vraag het doel meer "
                "meten."
            )
        )
    if PairOutcome.objects.filter(goal=goal).exists():
        raise ValidationError(
            _("Er zijn uitkomsten van dit doel bewaard; het doel blijft voor de cijfers.")
        )
    goal.delete()


@dataclass(frozen=True)
class QuestionInput:
    kind: str
    text_nl: str
    text_en: str = ""
    options_nl: str = ""
    options_en: str = ""
    measures: str = ""
    goal: Goal | None = None


def _options(raw: str) -> list[str]:
    return [line.strip() for line in raw.splitlines() if line.strip()]


def _clean_question(questionnaire: Questionnaire, given: QuestionInput) -> QuestionInput:
    """The question as stored, or a ValidationError per field (the one home of these rules)."""
    errors: dict[str, str] = {}
    if given.kind not in QuestionKind.values:
        errors["kind"] = _("Kies een soort vraag.")
    if not given.text_nl.strip():
        errors["text_nl"] = _("Schrijf de vraag in het Nederlands.")
    options_nl, options_en = _options(given.options_nl), _options(given.options_en)
    if given.kind == QuestionKind.CHOICE:
        if len(options_nl) < 2:
            errors["options_nl"] = _("Een keuzevraag heeft minstens twee keuzes.")
        if options_en and len(options_en) != len(options_nl):
            errors["options_en"] = _("Geef evenveel Engelse als Nederlandse keuzes.")
    elif options_nl or options_en:
        errors["options_nl"] = _("Alleen een keuzevraag heeft keuzes.")
    if given.measures not in Measures.values:
        errors["measures"] = _("Kies wat de vraag meet.")
    elif given.measures and given.kind not in SCORED_KINDS:
        errors["measures"] = _(
            "Alleen een schaal, smileys of ja/nee meet tevredenheid of een doel."
        )
    if given.measures == Measures.GOAL and given.goal is None:
        errors["goal"] = _("Kies het doel dat de vraag meet.")
    if given.goal is not None and given.measures != Measures.GOAL:
        errors["goal"] = _("Kies alleen een doel als de vraag een doel meet.")
    if given.goal is not None and given.goal.programme_id != questionnaire.programme_id:
        errors["goal"] = _("Dit doel hoort bij een ander programma.")
    if errors:
        raise ValidationError(errors)
    return QuestionInput(
        kind=given.kind,
        text_nl=given.text_nl.strip(),
        text_en=given.text_en.strip(),
        options_nl="\n".join(options_nl),
        options_en="\n".join(options_en),
        measures=given.measures,
        goal=given.goal if given.measures == Measures.GOAL else None,
    )


@transaction.atomic
def question_add(*, questionnaire: Questionnaire, question: QuestionInput) -> Question:
    """Add a question at the end of a draft. Refuses a published version and a question
    that breaks a rule of `_clean_question` (choices only for a choice, at least two of
    them; only a scored kind measures; a goal question names a goal of the programme)."""
    _refuse_published(questionnaire)
    clean = _clean_question(questionnaire, question)
    last = questionnaire.questions.aggregate(p=Max("position"))["p"]
    return Question.objects.create(
        questionnaire=questionnaire,
        position=0 if last is None else last + 1,
        **clean.__dict__,
    )


@transaction.atomic
def question_update(*, question: Question, changes: QuestionInput) -> Question:
    """Change a question of a draft; the same refusals as `question_add`."""
    _refuse_published(question.questionnaire)
    clean = _clean_question(question.questionnaire, changes)
    for name, value in clean.__dict__.items():
        setattr(question, name, value)
    question.save()
    return question


@transaction.atomic
def question_remove(*, question: Question) -> None:
    """Take a question out of a draft (a draft's questions have no answers yet)."""
    _refuse_published(question.questionnaire)
    question.delete()


@transaction.atomic
def question_move(*, question: Question, direction: str) -> Question:
    """Move a question of a draft one place up or down (the first stays first, the last
    last); the positions are renumbered 0, 1, 2, ... Refuses an unknown direction."""
    _refuse_published(question.questionnaire)
    if direction not in MOVES:
        raise ValidationError({"direction": _("Kies omhoog of omlaag.")})
    questions = list(question.questionnaire.questions.order_by("position", "pk"))
    index = next(i for i, q in enumerate(questions) if q.pk == question.pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(questions):
        questions[index], questions[other] = questions[other], questions[index]
    for position, item in enumerate(questions):
        item.position = position
    Question.objects.bulk_update(questions, ["position"])
    return question
