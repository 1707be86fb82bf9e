"""A real SMTP server in the current process (aiosmtpd), for tests and bench scripts.

`SmtpSink` keeps every accepted message parsed with `email` and can be told to answer
RCPT or DATA with an error for a while (451 to drill retries, 550 to drill failures).
"""

from __future__ import annotations

import asyncio
import email
import email.parser
import email.policy
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

Reply = Callable[[str], str | None]
_HEADER_PARSER = email.parser.BytesParser(policy=email.policy.compat32)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SinkHandler:
    """aiosmtpd handler: accept, refuse or delay, and remember what arrived."""

    def __init__(self) -> None:
        self.raw: list[bytes] = []
        self.message_ids: list[str] = []
        self.lock = threading.Lock()
        # Called with the recipient; a returned string (e.g. "550 5.1.1 unknown") is the answer.
        self.rcpt_reply: Reply | None = None
        # Called with the recipient list; a returned string refuses the DATA.
        self.data_reply: Reply | None = None
        self.data_delay: float = 0.0  # after the content arrived, before the answer
        self.rcpt_delay: float = 0.0  # before the content is sent: a slow server
        self.refused = 0

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if self.rcpt_delay:
            await asyncio.sleep(self.rcpt_delay)
        reply = self.rcpt_reply(address) if self.rcpt_reply else None
        if reply:
            with self.lock:
                self.refused += 1
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        reply = self.data_reply(",".join(envelope.rcpt_tos)) if self.data_reply else None
        if reply:
            with self.lock:
                self.refused += 1
            return reply
        if self.data_delay:
            await asyncio.sleep(self.data_delay)
        # Only the headers now (the sink must keep up with a benchmark); bodies when asked.
        headers = _HEADER_PARSER.parsebytes(envelope.content, headersonly=True)
        with self.lock:
            self.raw.append(envelope.content)
            self.message_ids.append(str(headers["Message-ID"]))
        return "250 Message accepted for delivery"


class SmtpSink:
    """A running aiosmtpd server on 127.0.0.1 and its handler."""

    def __init__(self, port: int | None = None) -> None:
        self.handler = SinkHandler()
        self.port = port or free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def start(self) -> SmtpSink:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    @property
    def messages(self) -> list[EmailMessage]:
        """Every accepted message, parsed with `email` (policy.default), in arrival order."""
        with self.handler.lock:
            raw = list(self.handler.raw)
        return [
            email.message_from_bytes(content, policy=email.policy.default)  # type: ignore[misc]
            for content in raw
        ]

    def count(self) -> int:
        with self.handler.lock:
            return len(self.handler.raw)

    def message_ids(self) -> Counter[str]:
        """How often each Message-ID arrived."""
        with self.handler.lock:
            return Counter(self.handler.message_ids)

    def wait_for(self, count: int, timeout: float = 20.0) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        while self.count() < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.messages

    def django_settings(self) -> dict[str, Any]:
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": self.port,
            "EMAIL_HOST_USER": "",
            "EMAIL_HOST_PASSWORD": "",
            "EMAIL_USE_TLS": False,
            "EMAIL_USE_SSL": False,
            "EMAIL_TIMEOUT": 10,
        }


@contextmanager
def running_sink(port: int | None = None) -> Iterator[SmtpSink]:
    sink = SmtpSink(port).start()
    try:
        yield sink
    finally:
        sink.stop()
