"""Every kind of message renders in Dutch and English, as text and HTML from one wording,
with a subject that never reveals the family situation."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from notifications import messages
from notifications.messages import (
    MESSAGE_KINDS,
    Recipient,
    programme_title,
    render_message,
    text_to_html,
)
from tests import factories
from tests.enrolment.world import make_published_group
from tests.notifications.message_support import (
    LANGUAGES,
    TITLE,
    enrol_confirmed,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_enrolment_day")]

TEMPLATES = Path(messages.__file__).parent / "templates" / "notifications" / "email"
SITE = "https://gemeente.example"
LINK = f"{SITE}/aanmelden/link/TOKEN123/"


@pytest.fixture(autouse=True)
def _site(settings: Any) -> None:
    # Only the site's own addresses become links in the HTML part.
    settings.SITE_URL = SITE


def test_every_kind_has_a_subject_and_a_text_template_in_both_languages() -> None:
    for language in LANGUAGES:
        names = {p.name for p in (TEMPLATES / language).iterdir()}
        for kind in MESSAGE_KINDS:
            assert {f"{kind}_subject.txt", f"{kind}.txt"} <= names, (language, kind)
        kinds_on_disk = {n.removesuffix("_subject.txt") for n in names if "_subject" in n}
        assert kinds_on_disk == set(MESSAGE_KINDS)


@pytest.fixture
def everything(mail_group: Any, consent_text: Any, emitted: list[Any]) -> dict[str, Any]:
    """One context that holds what any kind of message needs."""
    enrolment = enrol_confirmed(mail_group, consent_text, emitted)
    sessions = list(mail_group.sessions.order_by("starts_at"))
    child_sessions = [s for s in sessions if s.kind == "child"]
    return {
        "group": mail_group,
        "enrolment": enrolment,
        "enrolments": [enrolment],
        "child": "Sam",
        "children": ["Sam", "Lot"],
        "confirm_url": LINK,
        "consent_url": LINK,
        "offer_url": LINK,
        "answer_url": LINK,
        "first_session": child_sessions[0],
        "overview_url": LINK,
        "expires_at": dt.datetime(2026, 10, 3, 10, 0, tzinfo=dt.UTC),
        "position": 3,
        "giver_name": "Bram de Boer",
        "enroller_name": "Anna de Boer",
        "complete": False,
        "child_sessions": child_sessions,
        "parent_meetings": [s for s in sessions if s.kind == "parent"],
        "session": child_sessions[1],
        "old_starts_at": child_sessions[1].starts_at - dt.timedelta(days=1),
        "replacement": child_sessions[-1],
        "school": mail_group.host_school,
        "grade": 4,
        "absent_on": [s.starts_at for s in child_sessions[:2]],
        "sessions": child_sessions[:2],
        "week": 46,
        "day": dt.date(2026, 10, 1),
        "old_group": mail_group,
        "old_school": mail_group.host_school.name,
        "old_dates_removed": True,
        "recipient": Recipient("guardian-1", "anna@example.org", "Anna de Boer", "nl"),
        "reply_to": "bob@example.org",
    }


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", MESSAGE_KINDS)
def test_each_kind_renders_a_discreet_subject_text_and_html(
    kind: str, language: str, everything: dict[str, Any]
) -> None:
    rendered = render_message(kind, language=language, context=everything)
    subject = rendered.subject.lower()
    assert rendered.subject and "\n" not in rendered.subject
    for word in ("scheiding", "divorce", "kies", "de boer", "sam"):
        assert word not in subject, rendered.subject
    assert "{{" not in rendered.text and "{%" not in rendered.text
    assert "&amp;" not in rendered.text and "&#x27;" not in rendered.text
    greeting = {"nl": "Beste Anna de Boer,", "en": "Dear Anna de Boer,"}[language]
    assert rendered.text.startswith(greeting)
    assert f'<html lang="{language}">' in rendered.html
    assert greeting in rendered.html
    assert messages.sender_name() in rendered.text
    if LINK in rendered.text:
        assert f'href="{LINK}"' in rendered.html


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_two_languages_really_differ(language: str, everything: dict[str, Any]) -> None:
    dutch = render_message("invitation", language="nl", context=everything)
    english = render_message("invitation", language="en", context=everything)
    assert dutch.subject.startswith("Uitnodiging") and english.subject.startswith("Invitation")
    assert "november" in dutch.text and "November" in english.text


def test_an_unknown_language_falls_back_to_dutch(everything: dict[str, Any]) -> None:
    assert render_message("waitlisted", language="de", context=everything).subject.startswith(
        "Op de wachtlijst"
    )


def test_the_discreet_title_names_the_host_school_not_the_programme(mail_group: Any) -> None:
    assert programme_title(mail_group) == TITLE


def test_a_programme_that_forgot_discreet_titles_is_still_not_named_in_subjects(
    school_a: Any,
) -> None:
    programme = factories.ProgrammeFactory(
        code="kies-open",
        name_nl="KIES Kinderen in Scheiding",
        name_en="KIES Children of Divorce",
        trainers_per_group=1,
        discreet_titles=False,
        discreet_name="Kindergroep",
    )
    group = make_published_group(programme, school_a)
    assert programme_title(group) == "Kindergroep Basisschool De Esch"
    plain = factories.ProgrammeFactory(
        code="think-open", name_nl="THINK op school", trainers_per_group=1
    )
    assert programme_title(make_published_group(plain, school_a)).startswith("THINK op school")


def test_the_html_part_escapes_the_text_and_links_labelled_urls() -> None:
    html = text_to_html(
        f"Beste <Anna> & Bram,\n\n- één\n- twee\n\nBevestig uw aanmelding: {SITE}/a?b=1"
    )
    assert "&lt;Anna&gt; &amp; Bram" in html
    assert "<ul><li>één</li><li>twee</li></ul>" in html
    assert f'<a href="{SITE}/a?b=1">Bevestig uw aanmelding</a>' in html
    assert "<Anna>" not in html


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", MESSAGE_KINDS)
def test_each_kind_arrives_in_the_mailbox_as_rendered(
    kind: str, language: str, everything: dict[str, Any], mailoutbox: list[Any]
) -> None:
    from django.db import transaction

    from notifications.outbox import message_enqueue, message_send

    rendered = render_message(kind, language=language, context=everything)
    mailoutbox.clear()
    with transaction.atomic():
        row = message_enqueue(
            key=f"delivered:{kind}:{language}",
            kind=kind,
            to="anna@example.org",
            language=language,
            subject=rendered.subject,
            text=rendered.text,
            html=rendered.html,
            reply_to="bob@example.org",
        )
    assert row is not None
    message_send(message_id=row.pk)
    delivered = [m for m in mailoutbox if m.subject == rendered.subject]
    assert len(delivered) == 1
    mail = delivered[0]
    assert mail.to == ["anna@example.org"] and mail.reply_to == ["bob@example.org"]
    assert mail.body == rendered.text
    assert [alt[1] for alt in mail.alternatives] == ["text/html"]
    assert f'<html lang="{language}">' in mail.alternatives[0][0]
