"""File e-mail (`make run`): one `.eml` file per message, named to sort by time, that the
email package (any mail program) and icalendar (any calendar) read back as sent."""

from __future__ import annotations

import datetime as dt
import email
from email import policy
from email.message import EmailMessage as ParsedMessage
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
import time_machine
from django.core import mail

from notifications.mail_files import EmlFileBackend
from tests.clock import on_day

pytestmark = on_day("2026-12-06")

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
FIRST = dt.datetime(2026, 12, 6, 9, 15, 30, 123456, tzinfo=dt.UTC)
SECOND = FIRST + dt.timedelta(seconds=2)


def invitation_ics() -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//groepsplanner//test//NL")
    calendar.add("version", "2.0")
    calendar.add("method", "REQUEST")
    event = icalendar.Event()
    event.add("uid", "session-1@zwolle.example.org")
    event.add("summary", "KIES bijeenkomst 1")
    event.add("dtstart", dt.datetime(2027, 1, 12, 10, 0, tzinfo=AMSTERDAM))
    event.add("dtend", dt.datetime(2027, 1, 12, 11, 0, tzinfo=AMSTERDAM))
    event.add("sequence", 0)
    calendar.add_component(event)
    return calendar.to_ical()


def send_two(connection: Any) -> None:
    """A plain message, then an invitation with an .ics part, over one connection."""
    with time_machine.travel(FIRST, tick=False):
        mail.EmailMessage(
            "Bevestig uw aanmelding",
            "Open http://127.0.0.1:8101/aanmelden/link/abc/",
            "noreply@example.org",
            ["ouder@example.org"],
            connection=connection,
        ).send()
    with time_machine.travel(SECOND, tick=False):
        invitation = mail.EmailMessage(
            "Uitnodiging KIES",
            "De bijeenkomsten staan in de bijlage.",
            "noreply@example.org",
            ["ouder@example.org", "tweede.ouder@example.org"],
            connection=connection,
        )
        invitation.attach("uitnodiging.ics", invitation_ics(), "text/calendar; method=REQUEST")
        invitation.send()


def parse(path: Path) -> ParsedMessage:
    return email.message_from_bytes(path.read_bytes(), policy=policy.default)


def test_each_message_is_its_own_eml_file_named_by_its_time(tmp_path: Path) -> None:
    send_two(EmlFileBackend(file_path=tmp_path))
    files = sorted(path.name for path in tmp_path.iterdir())
    assert len(files) == 2
    assert files[0].startswith("20261206T091530.123456Z-")
    assert files[1].startswith("20261206T091532.123456Z-")
    assert all(name.endswith(".eml") for name in files)


def test_the_files_sort_in_the_order_the_messages_were_sent(tmp_path: Path) -> None:
    send_two(EmlFileBackend(file_path=tmp_path))
    subjects = [parse(path)["Subject"] for path in sorted(tmp_path.iterdir())]
    assert subjects == ["Bevestig uw aanmelding", "Uitnodiging KIES"]


def test_a_file_reads_back_as_the_message_that_was_sent(tmp_path: Path) -> None:
    send_two(EmlFileBackend(file_path=tmp_path))
    first = parse(sorted(tmp_path.iterdir())[0])
    assert first["From"] == "noreply@example.org"
    assert first["To"] == "ouder@example.org"
    assert first["Message-ID"]
    assert "http://127.0.0.1:8101/aanmelden/link/abc/" in first.get_content()
    raw = sorted(tmp_path.iterdir())[0].read_bytes()
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")


def test_the_invitation_part_reads_back_as_a_calendar(tmp_path: Path) -> None:
    send_two(EmlFileBackend(file_path=tmp_path))
    invitation = parse(sorted(tmp_path.iterdir())[1])
    assert invitation["To"] == "ouder@example.org, tweede.ouder@example.org"
    [part] = [part for part in invitation.walk() if part.get_content_type() == "text/calendar"]
    assert part.get_param("method") == "REQUEST"
    assert part.get_filename() == "uitnodiging.ics"
    calendar = icalendar.Calendar.from_ical(part.get_payload(decode=True))
    [event] = calendar.walk("VEVENT")
    assert str(calendar["method"]) == "REQUEST"
    assert str(event["uid"]) == "session-1@zwolle.example.org"
    assert event.decoded("dtstart") == dt.datetime(2027, 1, 12, 10, 0, tzinfo=AMSTERDAM)


def test_no_partial_files_are_left_behind(tmp_path: Path) -> None:
    send_two(EmlFileBackend(file_path=tmp_path))
    assert [path.name for path in tmp_path.iterdir() if not path.name.endswith(".eml")] == []


def test_a_message_without_recipients_writes_nothing(tmp_path: Path) -> None:
    sent = EmlFileBackend(file_path=tmp_path).send_messages(
        [mail.EmailMessage("Leeg", "geen ontvanger", "noreply@example.org", [])]
    )
    assert sent == 0
    assert list(tmp_path.iterdir()) == []


def test_the_mail_folder_is_made_when_missing(tmp_path: Path) -> None:
    folder = tmp_path / "var" / "mail"
    EmlFileBackend(file_path=folder).send_messages(
        [mail.EmailMessage("Hallo", "tekst", "noreply@example.org", ["a@example.org"])]
    )
    assert [path.suffix for path in folder.iterdir()] == [".eml"]


def test_send_mail_writes_eml_files_to_email_file_path(settings: Any, tmp_path: Path) -> None:
    settings.EMAIL_BACKEND = "notifications.mail_files.EmlFileBackend"
    settings.EMAIL_FILE_PATH = tmp_path
    mail.send_mail("Een", "een", "noreply@example.org", ["a@example.org"])
    mail.send_mail("Twee", "twee", "noreply@example.org", ["a@example.org"])
    assert len(list(tmp_path.glob("*.eml"))) == 2


@pytest.mark.parametrize("fail_silently", [False, True])
def test_a_write_error_raises_unless_failing_silently(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fail_silently: bool
) -> None:
    backend = EmlFileBackend(file_path=tmp_path, fail_silently=fail_silently)

    def refuse(self: Path, data: bytes) -> int:
        raise PermissionError("read-only")

    monkeypatch.setattr(Path, "write_bytes", refuse)
    message = mail.EmailMessage("Hallo", "tekst", "noreply@example.org", ["a@example.org"])
    if fail_silently:
        assert backend.send_messages([message]) == 0
    else:
        with pytest.raises(PermissionError):
            backend.send_messages([message])
