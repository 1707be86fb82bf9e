from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from programmes.access import Role, roles_of
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def typed(monkeypatch: pytest.MonkeyPatch):
    def answers(*passwords: str) -> None:
        replies = iter(passwords)
        monkeypatch.setattr("getpass.getpass", lambda prompt="": next(replies))

    return answers


def test_it_creates_a_programme_manager_with_the_typed_password(typed) -> None:
    typed("Zwolle-beheer-2026", "Zwolle-beheer-2026")
    call_command("create_manager", "frank", "frank@example.org", stdout=StringIO())
    user = get_user_model().objects.get(username="frank")
    assert roles_of(user) == {Role.MANAGER}
    assert user.is_staff
    assert user.check_password("Zwolle-beheer-2026")


def test_it_refuses_weak_or_mismatched_passwords_and_creates_nothing(typed) -> None:
    typed("a", "b", "password", "password", "12345678", "12345678")
    with pytest.raises(CommandError, match="nothing was created"):
        call_command(
            "create_manager", "frank", "frank@example.org", stdout=StringIO(), stderr=StringIO()
        )
    assert not get_user_model().objects.filter(username="frank").exists()


def test_it_promotes_an_existing_user_without_touching_the_password(eve) -> None:
    call_command("create_manager", "eve", "eve@example.org", stdout=StringIO())
    eve.refresh_from_db()
    assert roles_of(eve) == {Role.MANAGER}
    assert eve.check_password(factories.PASSWORD)
