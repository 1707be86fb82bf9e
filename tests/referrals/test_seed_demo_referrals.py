"""The demo has a wijkteammedewerker log-in (wijkteam / wijkteam-demo) serving the demo
coordinator's schools, with talk slots ahead and referrals; a second run adds nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from programmes import access
from referrals.models import Referral, TalkSlot, WijkteamWorker
from tests.clock import on_day

pytestmark = [pytest.mark.django_db, on_day("2026-12-06", tick=False)]


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", "--demo", stdout=out)
    call_command("seed_demo_referrals", "--demo", stdout=out)
    return out.getvalue()


def test_the_wijkteam_log_in_has_her_role_slots_and_referrals() -> None:
    _seed()
    user = get_user_model().objects.get(username="wijkteam")
    assert user.check_password("wijkteam-demo")
    assert access.Role.WIJKTEAM in access.roles_of(user)
    worker = WijkteamWorker.objects.get(user=user)
    assert worker.schools.count() == 2
    assert TalkSlot.objects.filter(worker=worker).count() == 9
    assert Referral.objects.count() == 3
    client = Client()
    client.force_login(user)
    assert client.get(reverse("start-wijkteam")).status_code == 200
    assert client.get(reverse("talk-slot-list")).status_code == 200


def test_a_second_run_adds_nothing() -> None:
    _seed()
    second = _seed()
    assert "0 slots and 0 referrals created" in second
    assert Referral.objects.count() == 3


def test_demo_logins_names_the_wijkteammedewerker() -> None:
    _seed()
    out = StringIO()
    call_command("demo_logins", "--demo", stdout=out)
    assert "wijkteammedewerker" in out.getvalue() and "wijkteam-demo" in out.getvalue()
