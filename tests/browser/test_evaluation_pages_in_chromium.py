"""The questionnaire pages in Chromium (issue 19).

A child answers the group's questionnaire on a tablet by touch only (portrait 768x1024 and
landscape 1024x768, `has_touch`, taps; nothing typed), and the pages of the issue (the
group's names, the child's questions, a guardian's link, the outcome page, the schools'
pupils, the composer and its preview) have no serious or critical axe violation and pass the
layout check (`tools/layout_check.js`) at phone and desktop width.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from core import domain_events
from evaluations import events
from evaluations.models import Goal, Response
from evaluations.selectors import current_questionnaire
from evaluations.services import moment_open, questionnaire_new_version
from tests import factories
from tests.browser.support import log_in
from tests.browser.test_accessibility import BLOCKING, axe_violations
from tests.clock import on_day
from tests.evaluations.world import group_with_children
from tools.page_tour import LAYOUT_CHECK

pytestmark = [pytest.mark.django_db(transaction=True), on_day("2026-11-02")]

TABLET = {"portrait": (768, 1024), "landscape": (1024, 768)}
# Where screenshots go when SCREENSHOTS_DIR is set (to look at them).
SHOTS = os.environ.get("SCREENSHOTS_DIR")


def problems(page: Any, where: str) -> list[str]:
    found = [
        f"{where}: axe {v['id']} ({v['impact']}): {v['help']} {v['nodes'][:2]}"
        for v in axe_violations(page)
        if v["impact"] in BLOCKING
    ]
    found += [f"{where}: {problem}" for problem in page.evaluate(LAYOUT_CHECK)]
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        name = where.replace("/", "_").replace(" ", "_")
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)
    return found


def trainer_of(group: Any) -> Any:
    return group.trainers.select_related("user").first().user


def test_a_child_answers_on_a_tablet_by_touch_only_in_portrait_and_landscape(
    browser: Any, live_server: Any
) -> None:
    group = group_with_children(names=("Sam", "Lot"))
    moment_open(group=group, moment="before")
    found: list[str] = []
    for (orientation, (width, height)), name in zip(TABLET.items(), ("Lot", "Sam"), strict=True):
        context = browser.new_context(
            viewport={"width": width, "height": height},
            has_touch=True,
            is_mobile=True,
            locale="nl-NL",
            timezone_id="Europe/Amsterdam",
        )
        page = context.new_page()
        page.set_default_timeout(10_000)
        log_in(page, live_server, trainer_of(group))
        page.goto(live_server.url + reverse("evaluation-group", args=[group.pk]))
        found += problems(page, f"names {orientation}")
        with page.expect_navigation():
            page.get_by_role("link", name=name).tap()
        found += problems(page, f"child {orientation}")
        questions = page.locator("fieldset.gp-eval-question")
        assert questions.count() > 0
        assert page.locator("textarea, input[type=text]").count() == 0  # no typing needed
        for index in range(questions.count()):
            # The last answer on each question: the happiest face, "ja", the last choice.
            option = questions.nth(index).locator("label.gp-eval-option").last
            box = option.bounding_box()
            assert box and box["height"] >= 44 and box["width"] >= 44, box
            option.tap()
            assert option.locator("input").is_checked()
        with page.expect_navigation():
            page.get_by_role("button", name="Klaar!").tap()
        assert page.get_by_text(f"Dank je wel, {name}!").is_visible()
        assert page.locator(".gp-eval-name--done", has_text=name).is_visible()
        context.close()
    assert found == [], "\n".join(found)
    assert Response.objects.filter(group=group, respondent="child").count() == 2


def test_the_new_pages_pass_axe_and_the_layout_check_at_phone_and_desktop_width(
    browser: Any, live_server: Any
) -> None:

    group = group_with_children(names=("Sam",))
    tokens: list[Any] = []
    domain_events.subscribe(events.InvitationIssued, tokens.append)
    try:
        moment_open(group=group, moment="before")
    finally:
        domain_events.unsubscribe(events.InvitationIssued, tokens.append)
    guardian_form = current_questionnaire(group.programme, "guardian")
    draft = questionnaire_new_version(questionnaire=guardian_form)
    manager = factories.make_manager()
    staff_pages = [
        reverse("outcomes-report") + f"?school_year={group.school_year_id}",
        reverse("outcomes-pupils"),
        reverse("outcomes-pupils-school", args=[group.host_school_id]),
        reverse("evaluation-compose-list"),
        reverse("evaluation-compose-edit", args=[draft.pk]),
        reverse("evaluation-compose-edit", args=[guardian_form.pk]),
        reverse("evaluation-compose-question", args=[draft.questions.first().pk]),
        reverse(
            "evaluation-compose-goal",
            args=[draft.pk, Goal.objects.filter(programme=group.programme).first().pk],
        ),
        reverse("evaluation-compose-preview", args=[draft.pk]),
        reverse(
            "evaluation-compose-preview", args=[current_questionnaire(group.programme, "child").pk]
        ),
        reverse("evaluation-group", args=[group.pk]),
    ]
    link = reverse("evaluation-answer", args=[tokens[0].token])
    found: list[str] = []
    for width, height in ((390, 844), (1280, 900)):
        context = browser.new_context(
            viewport={"width": width, "height": height},
            locale="nl-NL",
            timezone_id="Europe/Amsterdam",
        )
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(live_server.url + link)
        found += problems(page, f"link {width}")
        log_in(page, live_server, manager)
        for path in staff_pages:
            answer = page.goto(live_server.url + path)
            assert answer.status == 200, path
            found += problems(page, f"{path} {width}")
        context.close()
    assert found == [], "\n".join(found)


def test_a_coordinator_invites_a_teacher_by_keyboard_and_the_error_state_passes_axe(
    browser: Any, live_server: Any
) -> None:
    group = group_with_children(names=("Sam",))
    coordinator = factories.UserFactory()
    group.host_school.coordinators.add(coordinator)
    moment_open(group=group, moment="before")
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="nl-NL", timezone_id="Europe/Amsterdam"
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    log_in(page, live_server, coordinator)
    page.goto(live_server.url + reverse("evaluation-group", args=[group.pk]))
    found = problems(page, "teacher form")
    field = page.get_by_role("group", name="Sam").get_by_label("E-mailadres van de leerkracht")
    field.fill("juf jansen")
    with page.expect_navigation():
        field.press("Enter")
    assert page.get_by_role("alert").filter(has_text="Vul een geldig e-mailadres in").is_visible()
    found += problems(page, "teacher form error")
    field = page.get_by_label("E-mailadres van de leerkracht")
    field.fill("juf@school.example")
    with page.expect_navigation():
        page.get_by_role("button", name="Leerkracht uitnodigen").press("Enter")
    assert page.get_by_text("uitgenodigd op 2 november 2026").is_visible()
    context.close()
    assert found == [], "\n".join(found)
