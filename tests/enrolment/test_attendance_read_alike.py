"""A coordinator who may read a session's attendance in the API may open the attendance
page too (reading, not marking), and one who may not gets neither: one rule,
`access.can_read_attendance`."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from enrolment.models import Attendance

# The attendance fixture `setup` is shared with test_staff_attendance (hence F811).
# ruff: noqa: F811
from tests.enrolment.test_staff_attendance import ABSENT, mark, setup, url  # noqa: F401

pytestmark = pytest.mark.django_db


def api_url(setup: dict[str, Any], index: int) -> str:
    return f"/api/v1/attendance/{setup['sessions'][index].pk}/"


def test_the_coordinator_reads_the_same_marks_on_the_page_and_in_the_api(
    setup: dict[str, Any], dave: Any, as_bob: Client
) -> None:
    mark(setup, 0, dave.user, mila=ABSENT)

    api = as_bob.get(api_url(setup, 0))
    page = as_bob.get(url(setup, 0))

    assert (api.status_code, page.status_code) == (200, 200)
    assert api.json()["can_edit"] is False
    assert [row["child_first_name"] for row in api.json()["rows"]] == ["Mila"]
    assert "Mila" in page.text and "Finn" not in page.text
    assert "Aanwezigheid opslaan" not in page.text
    assert "disabled" in page.text
    assert "U kunt de aanwezigheid hier alleen inzien." in page.text


def test_neither_door_lets_the_coordinator_mark(setup: dict[str, Any], as_bob: Client) -> None:
    mila = setup["mila"]
    body = {"records": [{"enrolment": str(mila.public_id), "status": ABSENT}]}
    api = as_bob.put(api_url(setup, 0), json.dumps(body), content_type="application/json")
    page = as_bob.post(url(setup, 0), {f"status_{mila.pk}": ABSENT})
    assert (api.status_code, page.status_code) == (403, 403)
    assert not Attendance.objects.exists()


def test_a_coordinator_of_another_school_gets_neither(
    setup: dict[str, Any], as_eve: Client
) -> None:
    assert as_eve.get(api_url(setup, 0)).status_code == as_eve.get(url(setup, 0)).status_code
