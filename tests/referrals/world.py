"""The referrals tests' world: the enrolment world (KIES open for enrolment at the host
school, a published group, the clock on 1 October 2026), plus wendy, a wijkteammedewerker
serving the host school, and hank, the host school's coordinator.

Fixtures are defined here and made available by tests/referrals/conftest.py; test modules
import helpers from this plain module, never from the conftest."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client

from notifications.models import OutboxMessage
from tests import factories
from tests.enrolment.world import TODAY, _today, group, host, kies  # noqa: F401 (fixtures)

WENDY = {"username": "wendy", "first_name": "Wendy", "last_name": "Wijkstra"}
HANK = {"username": "hank", "first_name": "Hank", "last_name": "Hoeve"}
LINK = re.compile(r"https?://\S+/uitnodiging/([A-Za-z0-9_-]+)/")
TALK_LINK = re.compile(r"https?://\S+/gesprek/boeking/([A-Za-z0-9_-]+)/")


@pytest.fixture
def wendy(host: Any) -> Any:  # noqa: F811
    """A wijkteammedewerker (her worker profile) serving the host school."""
    worker = factories.WijkteamWorkerFactory(user=factories.UserFactory(**WENDY))
    worker.schools.add(host)
    return worker


@pytest.fixture
def hank(host: Any) -> Any:  # noqa: F811
    """The host school's coordinator."""
    user = factories.UserFactory(**HANK)
    host.coordinators.add(user)
    return user


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def mail_to(address: str, kind: str) -> OutboxMessage:
    return OutboxMessage.objects.get(to_email=address, kind=kind)


def token_in(message: OutboxMessage, pattern: re.Pattern[str] = LINK) -> str:
    found = pattern.search(message.body_text)
    assert found, message.body_text
    return found.group(1)


def in_days(days: int, hour: int = 10) -> dt.datetime:
    """A moment `days` after the world's today, at `hour` o'clock UTC."""
    return TODAY.replace(hour=hour) + dt.timedelta(days=days)
