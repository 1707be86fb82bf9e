"""The cast's fixtures are the people and places tests/cast.py describes."""

from __future__ import annotations

from typing import Any

import pytest

from programmes import access
from tests import cast

pytestmark = pytest.mark.django_db


def test_the_people_of_the_cast_have_the_names_and_roles_it_describes(
    alice: Any, bob: Any, carol: Any, dave: Any, eve: Any, school_a: Any, school_b: Any
) -> None:
    people = {"alice": alice, "bob": bob, "carol": carol, "dave": dave.user, "eve": eve}
    for person in (cast.ALICE, cast.BOB, cast.CAROL, cast.DAVE, cast.EVE):
        user = people[person.username]
        assert (user.username, user.first_name, user.last_name) == (
            person.username,
            person.first_name,
            person.last_name,
        )
    assert alice.groups.filter(name=access.MANAGER_GROUP).exists()
    assert list(school_a.coordinators.all()) == [bob]
    assert list(school_b.coordinators.all()) == [carol]
    assert not eve.groups.exists() and not eve.coordinated_schools.exists()


def test_the_places_of_the_cast_have_the_names_and_codes_it_describes(
    school_a: Any, school_b: Any
) -> None:
    for school, place in ((school_a, cast.SCHOOL_A), (school_b, cast.SCHOOL_B)):
        assert (school.name, school.brin, school.city) == (place.name, place.brin, place.city)
