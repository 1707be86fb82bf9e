"""E-mail written to files, for `make run`: one `.eml` file per message.

Django's file backend appends every message a connection sends to one `.log` file,
separated by dashes, which no mail program opens. Here each message is its own
RFC 5322 file (CRLF line ends) that a mail program, or a calendar for the `.ics`
invitation inside, opens as it is. Names start with the UTC time to the microsecond,
so a listing sorts by the moment of sending; a random suffix keeps names apart
within one microsecond and across processes (the dev server and a worker).
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage


def eml_file_name(now: dt.datetime) -> str:
    """`20261206T101530.123456Z-3f9a1c2b.eml`: sorts by time, unique in practice."""
    return f"{now.astimezone(dt.UTC):%Y%m%dT%H%M%S.%fZ}-{secrets.token_hex(4)}.eml"


class EmlFileBackend(BaseEmailBackend):
    """EMAIL_BACKEND for file mail: writes each message to EMAIL_FILE_PATH/<time>-<id>.eml."""

    def __init__(self, *args: Any, file_path: str | Path | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        path = file_path or getattr(settings, "EMAIL_FILE_PATH", None)
        if not path:
            raise ImproperlyConfigured("EmlFileBackend needs EMAIL_FILE_PATH")
        self.file_path = Path(path)
        try:
            self.file_path.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise ImproperlyConfigured(f"Cannot create {self.file_path}: {error}") from error

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        sent = 0
        for message in email_messages:
            if not message.recipients():
                continue
            try:
                self.write(message)
            except OSError:
                if not self.fail_silently:
                    raise
            else:
                sent += 1
        return sent

    def write(self, message: EmailMessage) -> Path:
        data = message.message().as_bytes(linesep="\r\n")
        target = self.file_path / eml_file_name(dt.datetime.now(dt.UTC))
        # Written under a hidden name and renamed: a reader never sees half a message.
        partial = target.with_name(f".{target.name}.part")
        try:
            partial.write_bytes(data)
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
        return target
