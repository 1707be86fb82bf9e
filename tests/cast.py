"""The suite's cast: the people and places of the tests that need a world, in one place.

Like healthchecks' BaseTestCase (alice, bob, charlie), every test that needs a manager, a
coordinator or a trainer meets the same ones, by name, as pytest fixtures of tests/conftest.py
(``alice``, ``as_alice``, ``school_a``, ...) and tests/scheduler/conftest.py
(``trainer_pair``). This module says who they are; the fixtures build them with
tests/factories.py.

People
    alice    the programme manager (the municipality): sees and keeps everything
    bob      coordinator of school A (Basisschool De Esch)
    carol    coordinator of school B (Basisschool Het Anker)
    dave     a trainer, with no qualification until a test gives him one
    eve      logged in, without any role: sees nothing that is not public
    tessa    a KIES-qualified trainer (the scheduler's ``trainer_pair``, with umar)
    umar     a KIES-qualified trainer

Places
    school A  Basisschool De Esch, BRIN 11AA, Zwolle: bob's school
    school B  Basisschool Het Anker, BRIN 22BB, Zwolle: carol's school
    host      Basisschool De Horizon, BRIN 33CC: the enrolment tests' host school
              (tests/enrolment/world.py)
"""

from __future__ import annotations

import dataclasses
from typing import Any


@dataclasses.dataclass(frozen=True)
class Person:
    username: str
    first_name: str
    last_name: str
    role: str

    def names(self) -> dict[str, Any]:
        """The user's fields, for tests.factories.UserFactory or make_manager."""
        return {
            "username": self.username,
            "first_name": self.first_name,
            "last_name": self.last_name,
        }


@dataclasses.dataclass(frozen=True)
class Place:
    name: str
    brin: str
    city: str = "Zwolle"

    def fields(self) -> dict[str, Any]:
        """The school's fields, for tests.factories.SchoolFactory."""
        return {"name": self.name, "brin": self.brin, "city": self.city}


ALICE = Person("alice", "Alice", "de Vries", "programme manager")
BOB = Person("bob", "Bob", "Jansen", "coordinator of school A")
CAROL = Person("carol", "Carol", "Bakker", "coordinator of school B")
DAVE = Person("dave", "Dave", "Visser", "trainer")
EVE = Person("eve", "Eve", "Smit", "no role")
TESSA = Person("tessa", "Tessa", "Kok", "KIES trainer")
UMAR = Person("umar", "Umar", "Ali", "KIES trainer")

SCHOOL_A = Place("Basisschool De Esch", "11AA")
SCHOOL_B = Place("Basisschool Het Anker", "22BB")
HOST = Place("Basisschool De Horizon", "33CC")
