"""The default questionnaires of the demo programmes, written for this product.

Plain Dutch and English; the children's versions in words a 7-year-old understands ("je").
No licensed instrument (such as the SDQ) is shipped: a municipality that holds a licence can
enter such an instrument itself as a new version of a questionnaire.

`questionnaires_install` puts them in place through the services (goals, a first version per
respondent group, published); a programme that already has a questionnaire for a respondent
group keeps it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from evaluations.models import (
    EvaluationSettings,
    Goal,
    Measures,
    Question,
    QuestionKind,
    Questionnaire,
    Respondent,
)
from evaluations.services import questionnaire_publish
from programmes.models import Programme

S, SM, YN, CH, OP = (
    QuestionKind.SCALE,
    QuestionKind.SMILEY,
    QuestionKind.YES_NO,
    QuestionKind.CHOICE,
    QuestionKind.OPEN,
)
SAT, GOAL = Measures.SATISFACTION, Measures.GOAL


@dataclass(frozen=True)
class Q:
    kind: str
    nl: str
    en: str
    measures: str = ""
    goal: int | None = None  # index into the programme's goals
    options_nl: str = ""
    options_en: str = ""


@dataclass(frozen=True)
class Form:
    title_nl: str
    title_en: str
    intro_nl: str
    intro_en: str
    questions: tuple[Q, ...]
    follow_up_months: int | None = None


def _child_divorce(follow_up: int | None) -> Form:
    return Form(
        "Hoe gaat het met jou?",
        "How are you doing?",
        "Er zijn geen goede of foute antwoorden. Kies wat bij jou past. "
        "Je mag een vraag overslaan.",
        "There are no right or wrong answers. Pick what fits you. You may skip a question.",
        (
            Q(SM, "Hoe voel je je de laatste tijd?", "How have you been feeling lately?", GOAL, 0),
            Q(
                SM,
                "Kun je met iemand praten over wat er thuis gebeurt?",
                "Can you talk to someone about what happens at home?",
                GOAL,
                1,
            ),
            Q(
                SM,
                "Weet je dat het niet jouw schuld is dat je ouders uit elkaar gaan?",
                "Do you know it is not your fault that your parents split up?",
                GOAL,
                2,
            ),
            Q(SM, "Hoe vond je de groep?", "What did you think of the group?", SAT),
            Q(
                YN,
                "Zou je een vriend of vriendin vertellen dat de groep leuk is?",
                "Would you tell a friend the group is nice?",
                SAT,
            ),
        ),
        follow_up,
    )


def _guardian_divorce(follow_up: int | None) -> Form:
    return Form(
        "Vragenlijst voor ouders",
        "Questionnaire for parents",
        "Uw antwoorden helpen ons de groepen beter te maken. Ze worden apart van uw naam bewaard. "
        "U mag vragen overslaan.",
        "Your answers help us improve the groups. They are kept apart from your name. "
        "You may skip questions.",
        (
            Q(
                S,
                "Mijn kind praat met mij over hoe het zich voelt.",
                "My child talks to me about how they feel.",
                GOAL,
                1,
            ),
            Q(
                S,
                "Mijn kind lijkt zich rustig en veilig te voelen.",
                "My child seems calm and safe.",
                GOAL,
                0,
            ),
            Q(
                S,
                "Hoe tevreden bent u over de groep?",
                "How satisfied are you with the group?",
                SAT,
            ),
            Q(
                YN,
                "Zou u de groep aanraden aan andere ouders?",
                "Would you recommend the group to other parents?",
                SAT,
            ),
            Q(
                CH,
                "Hoe hoorde u van de groep?",
                "How did you hear about the group?",
                options_nl="Via school\nVia het wijkteam\nVia internet\nAnders",
                options_en="Through the school\nThrough the neighbourhood team\nOnline\nOther",
            ),
            Q(OP, "Wat wilt u ons nog zeggen?", "Anything else you would like to tell us?"),
        ),
        follow_up,
    )


def _teacher() -> Form:
    return Form(
        "Vragenlijst voor de leerkracht of mentor",
        "Questionnaire for the teacher or mentor",
        "Het gaat om de groep als geheel, niet om één leerling.",
        "This is about the group as a whole, not about one pupil.",
        (
            Q(
                S,
                "De leerlingen praten makkelijker over wat hen bezighoudt.",
                "The pupils talk more easily about what is on their minds.",
            ),
            Q(
                S,
                "Hoe tevreden bent u over de samenwerking met de trainers?",
                "How satisfied are you with the cooperation with the trainers?",
                SAT,
            ),
            Q(OP, "Wat kan beter?", "What could be better?"),
        ),
    )


DIVORCE_GOALS = (
    ("Ik voel me beter", "I feel better"),
    ("Ik kan met iemand praten over de scheiding", "I can talk to someone about the divorce"),
    ("Ik weet dat de scheiding niet mijn schuld is", "I know the divorce is not my fault"),
)
RESILIENCE_GOALS = (
    ("Ik durf nee te zeggen", "I dare to say no"),
    (
        "Ik weet wat ik kan doen als iets niet goed voelt",
        "I know what to do if something feels wrong",
    ),
)


def _child_resilience() -> Form:
    return Form(
        "Wat vind jij?",
        "What do you think?",
        "Er zijn geen goede of foute antwoorden. Je mag een vraag overslaan.",
        "There are no right or wrong answers. You may skip a question.",
        (
            Q(
                SM,
                "Durf je nee te zeggen als je iets niet wilt?",
                "Do you dare to say no when you don't want something?",
                GOAL,
                0,
            ),
            Q(
                SM,
                "Weet je wat je kunt doen als iets niet goed voelt?",
                "Do you know what to do if something feels wrong?",
                GOAL,
                1,
            ),
            Q(SM, "Hoe vond je de lessen?", "What did you think of the lessons?", SAT),
        ),
    )


def _guardian_resilience() -> Form:
    return Form(
        "Vragenlijst voor ouders",
        "Questionnaire for parents",
        "U mag vragen overslaan. Uw antwoorden worden apart van uw naam bewaard.",
        "You may skip questions. Your answers are kept apart from your name.",
        (
            Q(S, "Mijn kind komt voor zichzelf op.", "My child stands up for themselves.", GOAL, 0),
            Q(
                S,
                "Hoe tevreden bent u over de lessen?",
                "How satisfied are you with the lessons?",
                SAT,
            ),
            Q(OP, "Wat wilt u ons nog zeggen?", "Anything else you would like to tell us?"),
        ),
    )


DEFAULTS: dict[str, dict[str, object]] = {
    "kies": {
        "goals": DIVORCE_GOALS,
        Respondent.CHILD: _child_divorce(3),
        Respondent.GUARDIAN: _guardian_divorce(3),
        Respondent.TEACHER: _teacher(),
    },
    "jes": {
        "goals": DIVORCE_GOALS,
        Respondent.CHILD: _child_divorce(3),
        Respondent.GUARDIAN: _guardian_divorce(3),
        Respondent.TEACHER: _teacher(),
    },
    "think": {
        "goals": RESILIENCE_GOALS,
        Respondent.CHILD: _child_resilience(),
        Respondent.TEACHER: _teacher(),
    },
    "mkp": {
        "goals": RESILIENCE_GOALS,
        Respondent.CHILD: _child_resilience(),
        Respondent.GUARDIAN: _guardian_resilience(),
        Respondent.TEACHER: _teacher(),
    },
}


def _default_min_sessions(programme: Programme) -> int:
    # Three quarters of the child sessions, rounded up: the usual bar for "took part".
    return max(1, -(-programme.child_sessions * 3 // 4))


@transaction.atomic
def questionnaires_install(*, programme: Programme, template: str | None = None) -> int:
    """Install the default goals, settings and questionnaires of `template` (default: the
    programme's code) for `programme`; returns how many questionnaires were made. A
    respondent group that already has a questionnaire is left alone."""
    spec = DEFAULTS.get(template or programme.code)
    if spec is None:
        return 0
    EvaluationSettings.objects.get_or_create(
        programme=programme, defaults={"min_sessions": _default_min_sessions(programme)}
    )
    goals = list(Goal.objects.filter(programme=programme).order_by("position", "pk"))
    if not goals:
        goals = [
            Goal.objects.create(programme=programme, position=i, name_nl=nl, name_en=en)
            for i, (nl, en) in enumerate(spec["goals"])  # type: ignore[arg-type]
        ]
    made = 0
    for respondent in Respondent.values:
        form = spec.get(respondent)
        if (
            form is None
            or Questionnaire.objects.filter(programme=programme, respondent=respondent).exists()
        ):
            continue
        assert isinstance(form, Form)
        questionnaire = Questionnaire.objects.create(
            programme=programme,
            respondent=respondent,
            version=1,
            title_nl=form.title_nl,
            title_en=form.title_en,
            intro_nl=form.intro_nl,
            intro_en=form.intro_en,
            follow_up_months=form.follow_up_months,
        )
        Question.objects.bulk_create(
            Question(
                questionnaire=questionnaire,
                position=position,
                kind=q.kind,
                text_nl=q.nl,
                text_en=q.en,
                options_nl=q.options_nl,
                options_en=q.options_en,
                measures=q.measures,
                goal=goals[q.goal] if q.goal is not None and q.goal < len(goals) else None,
            )
            for position, q in enumerate(form.questions)
        )
        questionnaire_publish(questionnaire=questionnaire)
        made += 1
    return made
