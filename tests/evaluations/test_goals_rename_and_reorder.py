"""The programme manager renames, reorders and removes a programme's goals on the composer
page: a refusal (an empty or a duplicate name, a goal a question measures) shows its
message and changes nothing; the order shows on the page and in the outcome figures; only
the programme manager, and only a goal of the questionnaire's programme."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluations import composing
from evaluations.models import EvaluationSettings, Goal, Respondent
from evaluations.selectors import current_questionnaire
from tests import factories
from tests.clock import on_day
from tests.evaluations.world import completed_group, kies_programme

pytestmark = [pytest.mark.django_db, on_day("2026-11-02")]


def goals_of(programme: Any) -> list[str]:
    return list(
        Goal.objects.filter(programme=programme)
        .order_by("position", "pk")
        .values_list("name_nl", flat=True)
    )


def draft_of(client: Client, programme: Any) -> Any:
    answer = client.post(
        reverse("evaluation-compose-draft", args=[programme.pk, Respondent.GUARDIAN])
    )
    assert answer.status_code == 302
    return int(answer["Location"].rstrip("/").split("/")[-1])


def shown_order(page: Any, names: list[str]) -> list[str]:
    """The goals in the order the page's goals section lists them."""
    html = page.content.decode()
    section = html[html.index('id="doelen"') :]
    return sorted(names, key=section.index)


@pytest.fixture
def world(as_alice: Client) -> Any:
    programme = kies_programme()
    return programme, draft_of(as_alice, programme)


def test_the_manager_renames_a_goal_a_version_in_use_measures(world: Any, as_alice: Client) -> None:
    programme, draft = world
    goal = Goal.objects.filter(programme=programme).order_by("position").first()
    published = current_questionnaire(programme, Respondent.CHILD)
    assert published.questions.filter(goal=goal).exists()
    url = reverse("evaluation-compose-goal", args=[draft, goal.pk])
    form = as_alice.get(url)
    assert form.status_code == 200
    assert "in gebruik het meet" in form.content.decode()
    saved = as_alice.post(url, {"name_nl": "  Ik voel me sterker ", "name_en": "I feel stronger"})
    assert saved.status_code == 302 and saved["Location"].endswith(f"#doel-{goal.pk}")
    goal.refresh_from_db()
    assert (goal.name_nl, goal.name_en) == ("Ik voel me sterker", "I feel stronger")
    assert published.questions.filter(goal=goal).exists()
    page = as_alice.get(reverse("evaluation-compose-edit", args=[draft]))
    assert "Ik voel me sterker" in page.content.decode()


def test_a_goal_keeps_its_own_name_in_other_capitals(world: Any, as_alice: Client) -> None:
    programme, draft = world
    goal = Goal.objects.filter(programme=programme).first()
    saved = as_alice.post(
        reverse("evaluation-compose-goal", args=[draft, goal.pk]),
        {"name_nl": goal.name_nl.upper(), "name_en": ""},
    )
    assert saved.status_code == 302
    goal.refresh_from_db()
    assert (goal.name_nl, goal.name_en) == (goal.name_nl.upper(), "")


@pytest.mark.parametrize(
    ("name", "message"),
    [("   ", "Geef het doel een naam."), ("ik VOEL me beter", "Dit programma heeft dit doel al.")],
)
def test_an_empty_or_duplicate_name_is_refused_on_the_form_and_nothing_changes(
    world: Any, as_alice: Client, name: str, message: str
) -> None:
    programme, draft = world
    goal = Goal.objects.get(programme=programme, name_nl__startswith="Ik kan met")
    before = goals_of(programme)
    answer = as_alice.post(
        reverse("evaluation-compose-goal", args=[draft, goal.pk]),
        {"name_nl": name, "name_en": "Changed"},
    )
    assert answer.status_code == 400
    assert message in answer.content.decode()
    goal.refresh_from_db()
    assert goals_of(programme) == before and goal.name_en != "Changed"


def test_the_service_refuses_a_duplicate_name_with_a_field_message() -> None:
    programme = kies_programme()
    first, second = Goal.objects.filter(programme=programme).order_by("position")[:2]
    with pytest.raises(ValidationError) as refused:
        composing.goal_update(goal=second, name_nl=f" {first.name_nl} ", name_en="")
    assert refused.value.message_dict == {"name_nl": ["Dit programma heeft dit doel al."]}
    other = kies_programme("ander")
    twin = Goal.objects.get(programme=other, name_nl=second.name_nl)
    assert composing.goal_update(goal=twin, name_nl=first.name_nl + "!").name_nl.endswith("!")


def test_moving_goals_up_and_down_changes_the_order_on_the_page(
    world: Any, as_alice: Client
) -> None:
    programme, draft = world
    first, second, third = goals_of(programme)
    goal = Goal.objects.get(programme=programme, name_nl=third)
    move = reverse("evaluation-compose-goal-move", args=[draft, goal.pk])
    moved = as_alice.post(move, {"direction": "up"})
    assert moved.status_code == 302 and moved["Location"].endswith(f"#doel-{goal.pk}")
    assert goals_of(programme) == [first, third, second]
    as_alice.post(move, {"direction": "up"})
    as_alice.post(move, {"direction": "up"})  # the first stays first
    assert goals_of(programme) == [third, first, second]
    page = as_alice.get(reverse("evaluation-compose-edit", args=[draft]))
    assert shown_order(page, [first, second, third]) == [third, first, second]
    as_alice.post(move, {"direction": "down"})
    assert goals_of(programme) == [first, third, second]
    as_alice.post(move, {"direction": "sideways"})
    assert goals_of(programme) == [first, third, second]


def test_each_goal_has_buttons_named_for_screen_readers(world: Any, as_alice: Client) -> None:
    programme, draft = world
    html = as_alice.get(reverse("evaluation-compose-edit", args=[draft])).content.decode()
    first, _second, last = goals_of(programme)
    hidden = '<span class="gp-visually-hidden">: {}</span>'
    assert f"Wijzigen{hidden.format(first)}" in html
    assert f"Omlaag{hidden.format(first)}" in html
    assert f"Omhoog{hidden.format(first)}" not in html
    assert f"Omhoog{hidden.format(last)}" in html
    assert f"Omlaag{hidden.format(last)}" not in html


def test_a_goal_no_question_measures_can_be_removed_a_measured_one_stays(
    world: Any, as_alice: Client
) -> None:
    programme, draft = world
    measured = Goal.objects.filter(programme=programme).first()
    refused = as_alice.post(
        reverse("evaluation-compose-goal-remove", args=[draft, measured.pk]), follow=True
    )
    assert "Een vraag meet dit doel" in refused.content.decode()
    assert Goal.objects.filter(pk=measured.pk).exists()
    spare = composing.goal_add(programme=programme, name_nl="Ik slaap beter")
    page = as_alice.get(reverse("evaluation-compose-edit", args=[draft])).content.decode()
    assert 'Verwijderen<span class="gp-visually-hidden">: Ik slaap beter</span>' in page
    assert f'Verwijderen<span class="gp-visually-hidden">: {measured.name_nl}</span>' not in page
    removed = as_alice.post(reverse("evaluation-compose-goal-remove", args=[draft, spare.pk]))
    assert removed.status_code == 302
    assert not Goal.objects.filter(pk=spare.pk).exists()


def test_only_the_manager_and_only_a_goal_of_the_questionnaires_programme(
    world: Any, as_alice: Client, as_bob: Client, as_dave: Client
) -> None:
    programme, draft = world
    goal = Goal.objects.filter(programme=programme).first()
    name = goal.name_nl
    urls = [
        ("get", reverse("evaluation-compose-goal", args=[draft, goal.pk]), {}),
        ("post", reverse("evaluation-compose-goal", args=[draft, goal.pk]), {"name_nl": "X"}),
        (
            "post",
            reverse("evaluation-compose-goal-move", args=[draft, goal.pk]),
            {"direction": "down"},
        ),
        ("post", reverse("evaluation-compose-goal-remove", args=[draft, goal.pk]), {}),
    ]
    for client in (as_bob, as_dave):
        for method, url, data in urls:
            assert getattr(client, method)(url, data).status_code == 403
    other = kies_programme("ander")
    stranger = Goal.objects.filter(programme=other).first()
    assert (
        as_alice.get(reverse("evaluation-compose-goal", args=[draft, stranger.pk])).status_code
        == 404
    )
    assert (
        as_alice.post(
            reverse("evaluation-compose-goal-move", args=[draft, stranger.pk]),
            {"direction": "down"},
        ).status_code
        == 404
    )
    goal.refresh_from_db()
    assert goal.name_nl == name and goals_of(programme)[0] == name


def test_the_rename_page_is_in_english_for_an_english_reader(world: Any, as_alice: Client) -> None:
    programme, draft = world
    goal = Goal.objects.filter(programme=programme).first()
    page = as_alice.get(
        reverse("evaluation-compose-goal", args=[draft, goal.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Change goal" in page and "questionnaire in use measures it" in page


def test_the_outcome_figures_show_the_goals_in_the_managers_order(
    alice: Any, time_machine: Any
) -> None:
    programme = kies_programme()
    EvaluationSettings.objects.filter(programme=programme).update(min_sessions=0)
    host = factories.SchoolFactory(name="Basisschool De Horizon", brin="33CC")
    group = completed_group(programme, host, time_machine)
    last = Goal.objects.filter(programme=programme).order_by("position").last()
    composing.goal_move(goal=last, direction="up")
    composing.goal_move(goal=last, direction="up")
    composing.goal_update(goal=last, name_nl="Het is niet mijn schuld", name_en="")
    client = Client()
    client.force_login(alice)  # after the clock moved on
    page = client.get(reverse("outcomes-report"), {"school_year": group.school_year_id})
    sections = {s["name"]: s["rows"] for s in page.context["programmes"][0]["sections"]}
    labels = [item["row"].label for item in sections["goal"]]
    assert labels == goals_of(programme)
    assert labels[0] == "Het is niet mijn schuld"


def test_the_composer_pages_query_count_does_not_grow_with_goals(
    world: Any, as_alice: Client
) -> None:
    programme, draft = world
    url = reverse("evaluation-compose-edit", args=[draft])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert as_alice.get(url).status_code == 200
        return len(captured)

    as_alice.get(url)
    three = queries()
    for name in ("Ik slaap beter", "Ik lach vaker", "Ik vraag om hulp"):
        composing.goal_add(programme=programme, name_nl=name)
    assert queries() == three
