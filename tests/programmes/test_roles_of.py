"""A user's roles are read in one query, once per user object, and each persona has the
roles the menu and the access rules expect."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from programmes.access import Role, roles_of
from tests import factories

pytestmark = pytest.mark.django_db


def fresh(user: Any) -> Any:
    return get_user_model().objects.get(pk=user.pk)  # no roles remembered yet


def test_each_persona_has_its_roles_in_one_query(
    alice: Any, bob: Any, dave: Any, eve: Any, django_assert_num_queries: Any
) -> None:
    expected = {
        "alice": {Role.MANAGER},
        "bob": {Role.COORDINATOR},
        "dave": {Role.TRAINER},
        "eve": set(),
    }
    for user in (alice, bob, dave.user, eve):
        user = fresh(user)
        with django_assert_num_queries(1):
            assert roles_of(user) == expected[user.username]
        with django_assert_num_queries(0):
            roles_of(user)  # remembered on the object


def test_a_coordinator_who_also_trains_has_both_roles(bob: Any) -> None:
    factories.TrainerFactory(user=bob)
    assert roles_of(fresh(bob)) == {Role.COORDINATOR, Role.TRAINER}


def test_a_superuser_is_a_manager_and_nobody_signed_out_has_a_role() -> None:
    admin = factories.UserFactory(username="root", is_superuser=True, is_staff=True)
    assert roles_of(fresh(admin)) == {Role.MANAGER}
    assert roles_of(AnonymousUser()) == frozenset()
