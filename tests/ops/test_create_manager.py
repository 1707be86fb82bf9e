"""`create_manager` for scripted installs and its refusals (see also
tests/programmes/test_create_manager.py for the interactive prompt)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from programmes.access import Role, roles_of
from tests import factories

pytestmark = pytest.mark.django_db

STRONG = "Zwolle-beheer-2026"


def run(*args: str) -> str:
    out = StringIO()
    call_command("create_manager", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def no_prompt(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(prompt: str = "") -> str:
        raise AssertionError("the command asked for a password")

    monkeypatch.setattr("getpass.getpass", refuse)


def test_it_reads_the_password_from_the_named_environment_variable(monkeypatch, no_prompt) -> None:
    monkeypatch.setenv("FIRST_MANAGER_PASSWORD", STRONG)

    output = run("frank", "frank@example.org", "--password-from-env", "FIRST_MANAGER_PASSWORD")

    user = get_user_model().objects.get(username="frank")
    assert roles_of(user) == {Role.MANAGER}
    assert user.is_staff
    assert user.check_password(STRONG)
    assert "created" in output
    assert STRONG not in output


def test_it_refuses_an_unset_variable_and_creates_nothing(monkeypatch, no_prompt) -> None:
    monkeypatch.delenv("FIRST_MANAGER_PASSWORD", raising=False)

    with pytest.raises(CommandError, match="FIRST_MANAGER_PASSWORD is not set or empty"):
        run("frank", "frank@example.org", "--password-from-env", "FIRST_MANAGER_PASSWORD")
    assert not get_user_model().objects.filter(username="frank").exists()


def test_it_refuses_a_weak_password_from_the_environment(monkeypatch, no_prompt) -> None:
    monkeypatch.setenv("FIRST_MANAGER_PASSWORD", "12345678")

    with pytest.raises(CommandError, match=r"refused.*Nothing was created"):
        run("frank", "frank@example.org", "--password-from-env", "FIRST_MANAGER_PASSWORD")
    assert not get_user_model().objects.filter(username="frank").exists()


def test_it_refuses_a_second_run_for_the_same_manager(alice, monkeypatch, no_prompt) -> None:
    monkeypatch.setenv("FIRST_MANAGER_PASSWORD", STRONG)

    with pytest.raises(CommandError, match="'alice' is already a programme manager"):
        run("alice", "alice@example.org", "--password-from-env", "FIRST_MANAGER_PASSWORD")
    alice.refresh_from_db()
    assert alice.check_password(factories.PASSWORD)


def test_it_refuses_an_email_address_another_account_uses(eve, monkeypatch, no_prompt) -> None:
    monkeypatch.setenv("FIRST_MANAGER_PASSWORD", STRONG)

    with pytest.raises(CommandError, match=r"belongs to another account \(.eve.\)"):
        run("frank", "EVE@example.org", "--password-from-env", "FIRST_MANAGER_PASSWORD")
    assert not get_user_model().objects.filter(username="frank").exists()
    assert roles_of(eve) == set()
