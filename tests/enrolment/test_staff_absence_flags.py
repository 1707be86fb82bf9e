"""The "2× afwezig" flag wherever staff read it: the overview's pupils table and its
"Aandacht nodig" list, and the roster API. Both reads work out the flag in one pass (the
overview for its page of pupils and the attention list together)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from enrolment.models import AttendanceStatus
from enrolment.services import attendance_record, enrolment_withdraw
from tests.enrolment.staff_support import AFTER_THIRD_SESSION, enrol
from tests.enrolment.world import make_published_group

pytestmark = pytest.mark.django_db

ABSENT, PRESENT = AttendanceStatus.ABSENT, AttendanceStatus.PRESENT


@pytest.fixture
def absences(
    kies: Any,
    host: Any,
    school_a: Any,
    dave: Any,
    consent_text: Any,
    emitted: Any,
    _today: Any,
) -> dict[str, Any]:
    """Mila missed the second and third session, Finn only the third."""
    group = make_published_group(kies, host, capacity=4, admitted_schools=[school_a])
    group.trainers.add(dave)
    mila = enrol(group, school_a, consent_text, emitted, first="Mila")
    finn = enrol(group, school_a, consent_text, emitted, first="Finn")
    _today.move_to(AFTER_THIRD_SESSION)
    sessions = list(group.sessions.filter(kind="child").order_by("starts_at"))
    for session, marks in [
        (sessions[1], {mila.pk: (ABSENT, ""), finn.pk: (PRESENT, "")}),
        (sessions[2], {mila.pk: (ABSENT, ""), finn.pk: (ABSENT, "")}),
    ]:
        attendance_record(session=session, marks=marks, recorded_by=dave.user)
    return {"group": group, "mila": mila, "finn": finn}


def pupil_rows(client: Client, **params: str) -> dict[str, str]:
    """The overview's pupils table, one row of HTML per child's first name."""
    page = client.get(reverse("staff-overview"), params).content.decode()
    table = page.split('id="leerlingen"')[1].split("</section>")[0]
    rows = table.split("<tbody")[1].split("</tbody>")[0].split("<tr")[1:]
    return {name: row for row in rows for name in ("Mila", "Finn") if name in row}


def attention_list(client: Client) -> str:
    page = client.get(reverse("staff-overview")).content.decode()
    return page.split('id="aandacht"')[1].split("</section>")[0]


def test_the_pupils_table_flags_only_the_child_absent_at_the_last_two_sessions(
    absences: dict[str, Any], bob: Any
) -> None:
    client = Client()
    client.force_login(bob)
    rows = pupil_rows(client)
    assert "2× afwezig" in rows["Mila"]
    assert "2× afwezig" not in rows["Finn"]
    assert "Mila" in attention_list(client)
    assert "Finn" not in attention_list(client)


def test_a_withdrawn_child_keeps_the_flag_in_the_table_but_needs_no_attention(
    absences: dict[str, Any], bob: Any
) -> None:
    enrolment_withdraw(enrolment=absences["mila"])
    client = Client()
    client.force_login(bob)
    assert "2× afwezig" in pupil_rows(client, status="all")["Mila"]
    assert "Mila" not in attention_list(client)


def test_the_roster_api_flags_the_same_child(absences: dict[str, Any], dave: Any) -> None:
    client = Client()
    client.force_login(dave.user)
    roster = client.get(f"/api/v1/rosters/{absences['group'].pk}/").json()
    flags = {row["child"]["first_name"]: row["absent_twice"] for row in roster["participants"]}
    assert flags == {"Mila": True, "Finn": False}
