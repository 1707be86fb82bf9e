"""The parent's enrolment form: the whole flow through the pages, siblings, errors, idempotency."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from enrolment import events
from enrolment.models import Child, Enrolment, EnrolmentStatus, Guardian, Submission
from enrolment.services import submission_create
from scheduler.models import Group, GroupStatus
from tests import factories
from tests.enrolment.world import FATHER, MOTHER, child, make_published_group

pytestmark = pytest.mark.django_db

FORM_KEY = "x" * 32


@pytest.fixture(autouse=True)
def _fresh_rate_limit() -> Any:
    cache.clear()
    yield
    cache.clear()


def child_fields(index: int, group: Any, school: Any, **values: str) -> dict[str, str]:
    """One child block as a browser sends it; an untouched sibling block keeps its defaults."""
    fields = {
        "first_name": "",
        "last_name": "",
        "date_of_birth": "",
        "school": str(school.pk),
        "grade": "",
        "class_name": "",
        "group": str(group.pk),
    }
    fields.update(values)
    return {f"child-{index}-{name}": value for name, value in fields.items()}


def form_data(group: Any, school: Any, *, siblings: int = 0, **overrides: str) -> dict[str, str]:
    """A complete, valid POST of the enrolment form: Sam, with joint authority."""
    data = {
        **child_fields(
            0,
            group,
            school,
            first_name="Sam",
            last_name="de Boer",
            date_of_birth="01-03-2017",
            grade="4",
        ),
        **child_fields(1, group, school),
        **child_fields(2, group, school),
        "name": "Anna de Boer",
        "email": "anna@example.org",
        "phone": "06 12345678",
        "relation": "mother",
        "authority": "joint",
        "language": "nl",
        "other_name": "Bram de Boer",
        "other_email": "bram@example.org",
        "other_language": "en",
        "consent": "on",
        "consent_version": "2026-1",
        "idempotency_key": FORM_KEY,
    }
    if siblings:
        data.update(
            child_fields(
                1,
                group,
                school,
                first_name="Mila",
                last_name="de Boer",
                date_of_birth="12-06-2015",
                grade="6",
            )
        )
    data.update(overrides)
    return data


def rows() -> tuple[int, int, int, int]:
    return (
        Submission.objects.count(),
        Guardian.objects.count(),
        Child.objects.count(),
        Enrolment.objects.count(),
    )


def tokens(emitted: list[Any], kind: type) -> list[Any]:
    return [e for e in emitted if isinstance(e, kind)]


def form_url(group: Any, school: Any) -> str:
    return f"/aanmelden/groep/{group.pk}/?school={school.pk}"


def test_a_parent_finds_the_school_enrols_and_both_parents_consent_through_the_links(
    client: Client, group: Any, host: Any, consent_text: Any, emitted: list[Any]
) -> None:
    search = client.get("/aanmelden/", {"q": "horizon"})
    assert f'href="/aanmelden/school/{host.pk}/"' in search.content.decode()

    groups = client.get(f"/aanmelden/school/{host.pk}/").content.decode()
    assert "Nog 8 plaatsen" in groups
    assert f'href="/aanmelden/groep/{group.pk}/?school={host.pk}"' in groups

    page = client.get(form_url(group, host)).content.decode()
    assert consent_text.text_nl[:40] in page
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page).group(1)

    data = form_data(group, host, idempotency_key=key, other_language="nl")
    response = client.post(form_url(group, host), data)
    assert response.status_code == 302 and response["Location"] == "/aanmelden/ontvangen/"
    received = client.get("/aanmelden/ontvangen/").content.decode()
    assert "Bedankt, we hebben uw aanmelding ontvangen" in received
    assert "We houden de plaats vast tot donderdag 8 oktober 2026, 12:00 uur" in received
    assert "Daarna krijgt Bram de Boer ook een e-mail" in received
    submission = Submission.objects.get()
    assert submission.idempotency_key_hash is not None
    assert submission.consent_text == consent_text

    confirm = f"/aanmelden/link/{tokens(emitted, events.EnrolmentReceived)[0].confirm_token}/"
    assert "Ik geef toestemming" in client.get(confirm).content.decode()
    assert client.post(confirm, {"answer": "yes"}).status_code == 302
    assert "Wacht op toestemming van Bram de Boer." in client.get(confirm).content.decode()

    other = Client()
    consent = f"/aanmelden/link/{tokens(emitted, events.ConsentRequested)[0].token}/"
    page = other.get(consent).content.decode()
    assert "Anna de Boer heeft Sam aangemeld voor KIES" in page
    assert other.post(consent, {"answer": "yes"}).status_code == 302
    assert "U heeft toestemming gegeven" in other.get(consent).content.decode()

    assert "Bevestigd: Sam doet mee." in client.get(confirm).content.decode()
    assert Enrolment.objects.get().status == EnrolmentStatus.CONFIRMED


def test_siblings_are_enrolled_in_one_post_with_the_guardians_entered_once(
    client: Client, group: Any, host: Any, consent_text: Any
) -> None:
    response = client.post(form_url(group, host), form_data(group, host, siblings=1))
    assert response.status_code == 302
    submission = Submission.objects.get()
    assert sorted(submission.children.values_list("first_name", flat=True)) == ["Mila", "Sam"]
    assert submission.guardians.count() == 2
    assert submission.enrolments.count() == 2
    received = client.get("/aanmelden/ontvangen/").content.decode()
    assert "Sam" in received and "Mila" in received


def test_a_sibling_may_join_another_open_group_of_the_same_programme(
    client: Client, group: Any, kies: Any, host: Any, consent_text: Any
) -> None:
    later = make_published_group(kies, host)
    page = client.get(form_url(group, host)).content.decode()
    assert f'<option value="{later.pk}"' in page
    data = form_data(group, host, siblings=1, **{"child-1-group": str(later.pk)})
    assert client.post(form_url(group, host), data).status_code == 302
    assert {e.child.first_name: e.group_id for e in Enrolment.objects.all()} == {
        "Sam": group.pk,
        "Mila": later.pk,
    }


def test_sole_authority_needs_no_other_parent_and_ignores_what_was_typed_there(
    client: Client, group: Any, host: Any, consent_text: Any
) -> None:
    data = form_data(group, host, authority="sole", other_email="not an address")
    assert client.post(form_url(group, host), data).status_code == 302
    assert list(Guardian.objects.values_list("name", flat=True)) == ["Anna de Boer"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"child-0-date_of_birth": "01-03-2005"}, "KIES is voor kinderen van 7 tot en met 17 jaar"),
        ({"child-0-date_of_birth": "01-03-2021"}, "is op 02-11-2026 5 jaar"),
        ({"other_name": "", "other_email": ""}, "Bij gezamenlijk gezag geven beide ouders"),
        ({"other_email": "anna@example.org"}, "Vul een ander e-mailadres in dan uw eigen"),
        ({"other_email": ""}, "Vul ook het e-mailadres van de andere ouder in"),
        ({"child-0-first_name": ""}, "Vul de voornaam van het kind in"),
        ({"child-0-date_of_birth": "31-02-2017"}, "Vul de geboortedatum in als dag-maand-jaar"),
        ({"child-0-date_of_birth": "01-03-2030"}, "De geboortedatum ligt in de toekomst"),
        ({"child-0-grade": "9"}, "Kies een groep uit de lijst"),
        ({"email": "anna"}, "Vul een geldig e-mailadres in"),
        ({"authority": ""}, "Kies of u het gezag heeft"),
        ({"consent": ""}, "Vink het vakje aan als u toestemming geeft"),
        ({"consent_version": "2025-9"}, "De tekst over toestemming is net veranderd"),
    ],
)
def test_every_error_is_shown_on_the_form_and_nothing_is_saved(
    client: Client,
    group: Any,
    host: Any,
    consent_text: Any,
    overrides: dict[str, str],
    message: str,
) -> None:
    response = client.post(form_url(group, host), form_data(group, host, **overrides))
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "Er gaat nog iets mis. Kijk dit na:" in page
    assert "Er is nog niets opgeslagen." in page
    assert rows() == (0, 0, 0, 0)


def test_a_grade_outside_the_programme_is_explained_next_to_the_child(
    client: Client, host: Any, consent_text: Any
) -> None:
    programme = factories.ProgrammeFactory(
        name_nl="Stevig", grade_min=4, grade_max=8, trainers_per_group=1
    )
    group = make_published_group(programme, host)
    data = form_data(group, host, **{"child-0-grade": "2"})
    page = client.post(form_url(group, host), data).content.decode()
    block = page.split('id="child-0"')[1].split("</fieldset>")[0]
    assert "Stevig is voor groep/klas 4 tot en met 8." in block
    assert 'href="#child-0"' in page
    assert rows() == (0, 0, 0, 0)


def test_a_sibling_at_a_school_the_chosen_group_does_not_admit_is_refused_on_the_form(
    client: Client, kies: Any, host: Any, school_b: Any, consent_text: Any
) -> None:
    open_to_b = make_published_group(kies, host)
    open_to_b.admitted_schools.add(school_b)
    host_only = make_published_group(kies, host)
    data = form_data(
        open_to_b,
        host,
        siblings=1,
        **{"child-1-school": str(school_b.pk), "child-1-group": str(host_only.pk)},
    )
    page = client.post(form_url(open_to_b, host), data).content.decode()
    block = page.split('id="child-1"')[1].split("</fieldset>")[0]
    assert "niet open voor leerlingen van Basisschool Het Anker" in block
    assert rows() == (0, 0, 0, 0)


def test_a_child_already_enrolled_this_year_is_accepted_and_flagged_for_the_coordinator(
    client: Client, group: Any, host: Any, consent_text: Any
) -> None:
    # Refusing it would tell a stranger that the child is enrolled (issue 15).
    client.post(form_url(group, host), form_data(group, host))
    again = form_data(group, host, idempotency_key="y" * 32, email="anna2@example.org")
    assert client.post(form_url(group, host), again).status_code == 302
    assert rows() == (2, 4, 2, 2)
    assert [e.possible_duplicate for e in Enrolment.objects.order_by("pk")] == [False, True]


def test_a_closed_group_explains_it_and_saves_nothing(
    client: Client, group: Any, host: Any, consent_text: Any, _today: Any
) -> None:
    _today.move_to(dt.datetime(2026, 10, 31, 10, 0, tzinfo=dt.UTC))
    assert (
        "Aanmelden voor deze groep kan nu niet"
        in client.get(form_url(group, host)).content.decode()
    )
    response = client.post(form_url(group, host), form_data(group, host))
    assert response.status_code == 200
    assert rows() == (0, 0, 0, 0)


def test_an_unknown_or_draft_group_is_not_found(client: Client, host: Any, kies: Any) -> None:
    assert client.get("/aanmelden/groep/999999/").status_code == 404
    group = make_published_group(kies, host)
    Group.objects.filter(pk=group.pk).update(status=GroupStatus.DRAFT)
    assert client.get(f"/aanmelden/groep/{group.pk}/").status_code == 404


def test_a_full_group_puts_the_child_on_the_waitlist_and_shows_the_position(
    client: Client, kies: Any, host: Any, consent_text: Any
) -> None:
    full = make_published_group(kies, host, capacity=1)
    submission_create(
        children=[child(full, host, first="Noor")],
        enroller=MOTHER,
        other_guardians=[FATHER],
        consent_text=consent_text,
    )
    assert (
        "Vol – u komt op de wachtlijst"
        in client.get(f"/aanmelden/school/{host.pk}/").content.decode()
    )
    response = client.post(form_url(full, host), form_data(full, host))
    assert response.status_code == 302
    received = client.get("/aanmelden/ontvangen/").content.decode()
    assert "Op de wachtlijst, plaats 1." in received
    assert Enrolment.objects.get(child__first_name="Sam").status == EnrolmentStatus.WAITLISTED


def test_a_double_post_with_the_same_key_makes_one_enrolment(
    client: Client, group: Any, host: Any, consent_text: Any, emitted: list[Any]
) -> None:
    first = client.post(form_url(group, host), form_data(group, host))
    second = client.post(form_url(group, host), form_data(group, host))
    assert first.status_code == second.status_code == 302
    assert rows() == (1, 2, 1, 1)
    assert len(tokens(emitted, events.EnrolmentReceived)) == 1
    assert "Bedankt" in client.get("/aanmelden/ontvangen/").content.decode()


def test_each_rendering_of_the_form_carries_a_fresh_key(
    client: Client, group: Any, host: Any
) -> None:
    keys = {
        re.search(r'name="idempotency_key" value="([^"]+)"', page).group(1)
        for page in (client.get(form_url(group, host)).content.decode() for _ in range(2))
    }
    assert len(keys) == 2


def test_the_confirmation_page_shows_nothing_to_another_browser(
    client: Client, group: Any, host: Any, consent_text: Any
) -> None:
    client.post(form_url(group, host), form_data(group, host))
    stranger = Client().get("/aanmelden/ontvangen/")
    assert stranger.status_code == 404
    assert "Sam" not in stranger.content.decode()


def test_the_form_asks_for_no_bsn_and_no_diagnosis(client: Client, group: Any, host: Any) -> None:
    page = client.get(form_url(group, host)).content.decode().lower()
    assert "bsn" not in page and "burgerservicenummer" not in page and "diagnose" not in page


def test_the_form_is_shown_in_english_with_the_english_consent_text(
    client: Client, group: Any, host: Any, consent_text: Any
) -> None:
    page = client.get(form_url(group, host), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert consent_text.text_en[:40] in page


@pytest.mark.parametrize("school", ["²", "99999999999999999999999", "-1", "abc", ""])
def test_an_odd_school_in_the_address_just_leaves_the_school_unchosen(
    client: Client, group: Any, school: str
) -> None:
    response = client.get(f"/aanmelden/groep/{group.pk}/", {"school": school})
    assert response.status_code == 200
    assert "Kies de school" in response.content.decode()


def test_the_sibling_blocks_stay_folded_until_a_parent_uses_them(
    client: Client, group: Any, host: Any, consent_text: Any
) -> None:
    page = client.get(form_url(group, host)).content.decode()
    assert page.count('<details class="gp-enrol__sibling">') == 2
    data = form_data(group, host, **{"child-1-first_name": "Mila"})
    page = client.post(form_url(group, host), data).content.decode()
    assert '<details class="gp-enrol__sibling" open>' in page
    assert "Kind 2, geboortedatum: Vul de geboortedatum van het kind in." in page
    assert rows() == (0, 0, 0, 0)
