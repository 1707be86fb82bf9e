"""The questionnaires in the API: staff read them with their questions, only the programme
manager makes a new version and publishes it (through the services), a version without
questions is a 400 that changes nothing, and the list's query count stays flat."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from evaluations.models import Questionnaire, Respondent
from evaluations.selectors import current_questionnaire
from tests.clock import on_day
from tests.evaluations.world import kies_programme

pytestmark = [pytest.mark.django_db, on_day("2026-10-01")]

URL = "/api/v1/questionnaires/"


def test_staff_read_the_questionnaires_with_their_questions(
    as_dave: Client, as_bob: Client
) -> None:
    programme = kies_programme()
    for client in (as_dave, as_bob):
        rows = client.get(URL, {"programme": programme.pk}).json()["results"]
        assert {row["respondent"] for row in rows} == set(Respondent.values)
    child = next(r for r in rows if r["respondent"] == Respondent.CHILD)
    assert child["is_published"] and child["moments"] == ["before", "after", "follow_up"]
    assert child["questions"] and {"kind", "text_nl", "measures", "goal"} <= set(
        child["questions"][0]
    )


def test_users_without_a_role_and_anonymous_callers_read_no_questionnaires(
    as_eve: Client, client: Client
) -> None:
    kies_programme()
    assert as_eve.get(URL).status_code == 403
    assert client.get(URL).status_code == 401


def test_an_inactive_programmes_questionnaire_is_not_found_for_a_trainer(
    as_dave: Client, as_alice: Client
) -> None:
    programme = kies_programme()
    programme.active = False
    programme.save(update_fields=["active"])
    questionnaire = current_questionnaire(programme, Respondent.CHILD)
    assert as_dave.get(f"{URL}{questionnaire.pk}/").status_code == 404
    assert as_alice.get(f"{URL}{questionnaire.pk}/").status_code == 200


def test_the_manager_makes_a_new_version_and_publishes_it(as_alice: Client) -> None:
    programme = kies_programme()
    first = current_questionnaire(programme, Respondent.GUARDIAN)
    made = as_alice.post(f"{URL}{first.pk}/new-version/")
    assert made.status_code == 201
    draft = made.json()
    assert (draft["version"], draft["is_published"]) == (2, False)
    assert len(draft["questions"]) == first.questions.count()
    published = as_alice.post(f"{URL}{draft['id']}/publish/")
    assert published.status_code == 200 and published.json()["is_published"]
    assert current_questionnaire(programme, Respondent.GUARDIAN).pk == draft["id"]


def test_only_the_manager_changes_questionnaires(as_bob: Client, as_dave: Client) -> None:
    programme = kies_programme()
    first = current_questionnaire(programme, Respondent.GUARDIAN)
    for client in (as_bob, as_dave):
        assert client.post(f"{URL}{first.pk}/new-version/").status_code == 403
    assert Questionnaire.objects.filter(programme=programme).count() == len(Respondent.values)


def test_publishing_a_version_without_questions_is_a_400_and_changes_nothing(
    as_alice: Client,
) -> None:
    programme = kies_programme()
    empty = Questionnaire.objects.create(
        programme=programme, respondent=Respondent.TEACHER, version=9, title_nl="Leeg"
    )
    answer = as_alice.post(f"{URL}{empty.pk}/publish/")
    assert answer.status_code == 400 and "questions" in answer.json()
    empty.refresh_from_db()
    assert empty.published_at is None


def test_the_questionnaire_lists_query_count_does_not_grow_with_rows(alice: Any) -> None:
    client = Client()
    client.force_login(alice)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        return len(captured)

    kies_programme("een")
    one = queries()
    for code in ("twee", "drie", "vier"):
        kies_programme(code)
    assert queries() == one


def test_the_schema_documents_the_questionnaire_and_outcome_routes(tmp_path: Path) -> None:
    target = tmp_path / "schema.json"
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json", "--file", target
    )
    paths = json.loads(target.read_text())["paths"]
    assert set(paths[URL]) == {"get"}
    assert set(paths[URL + "{id}/new-version/"]) == {"post"}
    assert set(paths[URL + "{id}/publish/"]) == {"post"}
    assert set(paths["/api/v1/reports/outcomes/"]) == {"get"}
    parameters = {p["name"] for p in paths["/api/v1/reports/outcomes/"]["get"]["parameters"]}
    assert {"school_year", "programme", "round", "school", "operational"} <= parameters
