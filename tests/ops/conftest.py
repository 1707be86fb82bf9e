from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from config.request_log import RedactFilter, RequestIdFilter, json_formatter


class CapturedLog:
    """What the production handler writes: the JSON formatter with both filters."""

    def __init__(self, stream: io.StringIO) -> None:
        self.stream = stream

    @property
    def text(self) -> str:
        return self.stream.getvalue()

    def lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.text.splitlines() if line.strip()]

    def events(self, event: str) -> list[dict[str, Any]]:
        return [line for line in self.lines() if line.get("event") == event]


@pytest.fixture
def json_log() -> Iterator[CapturedLog]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(json_formatter())
    handler.addFilter(RequestIdFilter())
    handler.addFilter(RedactFilter())
    root = logging.getLogger()
    previous_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield CapturedLog(stream)
    finally:
        root.removeHandler(handler)
        root.setLevel(previous_level)


@pytest.fixture
def only(json_log: CapturedLog) -> Callable[[str], dict[str, Any]]:
    """The one line of an event; fails when there is none or more than one."""

    def one(event: str) -> dict[str, Any]:
        lines = json_log.events(event)
        assert len(lines) == 1, json_log.text
        return lines[0]

    return one
