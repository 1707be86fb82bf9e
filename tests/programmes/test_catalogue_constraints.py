"""The catalogue's invariants hold in the database itself and in model validation.

Database level: every CheckConstraint and UniqueConstraint in programmes/models/
rejects a bad row written straight to the database (`objects.create`, no
validation). Validation level: `full_clean` names the field and says in Dutch
what is wrong, which is what the admin, pages and API show.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from programmes.models import (
    ApiToken,
    CoFinancingAgreement,
    CoFinancingChange,
    EnrolmentMode,
    GuardianConsent,
    HolidayKind,
    Invoice,
    Programme,
    School,
    SchoolClosure,
    SchoolHoliday,
    SchoolYear,
    Trainer,
    TrainerUnavailability,
)
from tests import factories
from tests.clock import on_day

pytestmark = [pytest.mark.django_db, on_day("2026-12-06")]

UTC = dt.UTC


def programme_fields(**overrides: Any) -> dict[str, Any]:
    """Valid fields of a programme (the factory's), with `overrides`."""
    fields = factories.ProgrammeFactory.build(code="check").__dict__
    fields = {k: v for k, v in fields.items() if not k.startswith("_") and k != "id"}
    return {**fields, **overrides}


def school_fields(**overrides: Any) -> dict[str, Any]:
    fields = {
        "name": "Basisschool De Vlonder",
        "brin": "33CC",
        "branch": "00",
        "school_type": "po",
        "holiday_region": "noord",
        "city": "Zwolle",
        "municipality": "Zwolle",
    }
    return {**fields, **overrides}


def year(label: str = "2027-2028") -> SchoolYear:
    return SchoolYear.objects.get(label=label)


# --- the database refuses bad rows ------------------------------------------------------

# Constraint name -> a function that writes a row breaking it, without validation.
BAD_ROWS: dict[str, Callable[[], Any]] = {
    "programme_age_range_valid": lambda: Programme.objects.create(
        **programme_fields(age_min=12, age_max=7)
    ),
    "programme_grade_range_valid": lambda: Programme.objects.create(
        **programme_fields(grade_min=8, grade_max=4)
    ),
    "programme_group_size_valid": lambda: Programme.objects.create(
        **programme_fields(group_size_min=12, group_size_max=10)
    ),
    "programme_has_child_sessions": lambda: Programme.objects.create(
        **programme_fields(child_sessions=0)
    ),
    "programme_session_length_valid": lambda: Programme.objects.create(
        **programme_fields(session_minutes=10)
    ),
    "programme_needs_a_trainer": lambda: Programme.objects.create(
        **programme_fields(trainers_per_group=0)
    ),
    "programme_cost_not_negative": lambda: Programme.objects.create(
        **programme_fields(default_cost_per_group=Decimal("-1.00"))
    ),
    "programme_choices_valid": lambda: Programme.objects.create(
        **programme_fields(enrolment_mode="lottery")
    ),
    "school_brin_branch_unique": lambda: School.objects.bulk_create(
        [School(**school_fields()), School(**school_fields(name="Tweede vestiging"))]
    ),
    "school_brin_format": lambda: School.objects.create(**school_fields(brin="ABCD")),
    "school_branch_format": lambda: School.objects.create(**school_fields(branch="1")),
    "school_choices_valid": lambda: School.objects.create(**school_fields(holiday_region="oost")),
    "school_year_runs_august_to_july": lambda: SchoolYear.objects.create(
        label="2040-2041", start_date=dt.date(2040, 9, 1), end_date=dt.date(2041, 7, 31)
    ),
    "school_year_start_unique": lambda: SchoolYear.objects.create(
        label="2027/2028", start_date=dt.date(2027, 8, 1), end_date=dt.date(2028, 7, 31)
    ),
    "school_holiday_ends_after_start": lambda: SchoolHoliday.objects.create(
        school_year=year(),
        region="noord",
        kind=HolidayKind.OTHER,
        name="Studiedagen",
        start_date=dt.date(2027, 11, 12),
        end_date=dt.date(2027, 11, 11),
    ),
    "school_holiday_choices_valid": lambda: SchoolHoliday.objects.create(
        school_year=year(),
        region="noord",
        kind="pinkster",
        start_date=dt.date(2028, 6, 5),
        end_date=dt.date(2028, 6, 5),
    ),
    # The shipped data already holds regio noord's 2027-2028 autumn holiday.
    "school_holiday_one_per_kind": lambda: SchoolHoliday.objects.create(
        school_year=year(),
        region="noord",
        kind=HolidayKind.AUTUMN,
        name="Tweede herfstvakantie",
        start_date=dt.date(2027, 10, 30),
        end_date=dt.date(2027, 11, 7),
    ),
    "school_holiday_unique_day_name": lambda: SchoolHoliday.objects.bulk_create(
        [
            SchoolHoliday(
                school_year=year(),
                region="noord",
                kind=HolidayKind.OTHER,
                name="Studiedag",
                start_date=dt.date(2027, 11, 11),
                end_date=end,
            )
            for end in (dt.date(2027, 11, 11), dt.date(2027, 11, 12))
        ]
    ),
    "school_closure_ends_after_start": lambda: SchoolClosure.objects.create(
        school=factories.SchoolFactory(),
        start_date=dt.date(2027, 3, 10),
        end_date=dt.date(2027, 3, 9),
        reason="Biddag",
    ),
    "school_closure_unique_start": lambda: SchoolClosure.objects.bulk_create(
        [
            SchoolClosure(school=school, start_date=dt.date(2027, 3, 10), end_date=end, reason=r)
            for school in [factories.SchoolFactory()]
            for end, r in [(dt.date(2027, 3, 10), "Biddag"), (dt.date(2027, 3, 11), "Studie")]
        ]
    ),
    "trainer_weekly_maximum_valid": lambda: Trainer.objects.create(
        user=factories.UserFactory(), max_sessions_per_week=41
    ),
    "trainer_unavailability_ends_after_start": lambda: TrainerUnavailability.objects.create(
        trainer=factories.TrainerFactory(),
        starts_at=dt.datetime(2027, 1, 4, 9, tzinfo=UTC),
        ends_at=dt.datetime(2027, 1, 4, 9, tzinfo=UTC),
    ),
}


# --- co-financing (issue 6) -------------------------------------------------------------


def _agreement(**overrides: Any) -> CoFinancingAgreement:
    fields = {
        "school": factories.SchoolFactory(school_type="vo"),
        "school_year": year(),
        "programme": factories.ProgrammeFactory(co_financed=True),
        "price": Decimal("800.00"),
        "school_share_percentage": Decimal("50"),
        **overrides,
    }
    return CoFinancingAgreement.objects.create(**fields)


def _invoice(**overrides: Any) -> Invoice:
    fields = {"reference": "F-1", "amount": Decimal("10.00"), **overrides}
    return Invoice.objects.create(agreement=_agreement(), **fields)


def _two_agreements_for_one_key() -> None:
    first = _agreement()
    _agreement(school=first.school, programme=first.programme)


BAD_ROWS.update(
    {
        "cofinancing_agreement_unique": _two_agreements_for_one_key,
        "cofinancing_percentage_range": lambda: _agreement(
            school_share_percentage=Decimal("100.01")
        ),
        "cofinancing_amounts_not_negative": lambda: _agreement(price=Decimal("-0.01")),
        "cofinancing_one_kind_of_share": lambda: _agreement(school_share_fixed=Decimal("1")),
        "cofinancing_cost_basis_valid": lambda: _agreement(cost_basis="per_week"),
        "invoice_amount_not_negative": lambda: _invoice(amount=Decimal("-1")),
        "invoice_dates_match_status": lambda: _invoice(status="sent"),
        "invoice_paid_after_sent": lambda: _invoice(
            status="paid", date_sent=dt.date(2027, 1, 10), date_paid=dt.date(2027, 1, 9)
        ),
        "api_token_expires_after_creation": lambda: ApiToken.objects.create(
            user=factories.UserFactory(),
            key_hash="0" * 64,
            prefix="00000000",
            created_at=dt.datetime(2027, 1, 4, 9, tzinfo=UTC),
            expires_at=dt.datetime(2027, 1, 4, 9, tzinfo=UTC),
        ),
        "cofinancing_change_action_valid": lambda: CoFinancingChange.objects.create(
            agreement=_agreement(), action="deleted"
        ),
        "school_grade_pupils_grade_range": lambda: factories.SchoolGradePupilsFactory(grade=9),
        "school_grade_pupils_once": lambda: _grade_pupils_twice(),
    }
)


def _grade_pupils_twice() -> None:
    first = factories.SchoolGradePupilsFactory()
    factories.SchoolGradePupilsFactory(school=first.school, school_year=first.school_year)


def all_catalogue_constraints() -> set[str]:
    return {
        constraint.name
        for model in apps.get_app_config("programmes").get_models()
        for constraint in model._meta.constraints
    }


def test_every_database_constraint_of_the_catalogue_has_a_bad_row_here() -> None:
    missing = all_catalogue_constraints() - set(BAD_ROWS)
    assert not missing, f"add a bad row for: {sorted(missing)}"


@pytest.mark.parametrize("constraint", sorted(BAD_ROWS))
def test_the_database_refuses_a_row_that_breaks(constraint: str) -> None:
    with pytest.raises(IntegrityError) as raised, transaction.atomic():
        BAD_ROWS[constraint]()
    # SQLite names only CHECK constraints; PostgreSQL names every constraint.
    message = str(raised.value)
    assert constraint in message or "UNIQUE constraint failed" in message, message


def test_the_same_rows_pass_when_they_are_valid() -> None:
    """The bad rows above fail for the broken value, not for anything else."""
    Programme.objects.create(**programme_fields())
    School.objects.bulk_create(
        [School(**school_fields()), School(**school_fields(name="Vestiging 2", branch="01"))]
    )
    SchoolYear.objects.create(
        label="2040-2041", start_date=dt.date(2040, 8, 1), end_date=dt.date(2041, 7, 31)
    )
    SchoolHoliday.objects.bulk_create(
        [
            SchoolHoliday(
                school_year=year(),
                region="noord",
                kind=HolidayKind.OTHER,
                name=name,
                start_date=dt.date(2027, 11, 11),
                end_date=dt.date(2027, 11, 11),
            )
            for name in ("Studiedag", "Tweede studiedag")
        ]
    )
    Trainer.objects.create(user=factories.UserFactory(), max_sessions_per_week=40)


def test_extra_holidays_of_kind_other_may_repeat_in_a_region_and_year() -> None:
    for day in (dt.date(2027, 11, 11), dt.date(2028, 3, 15)):
        SchoolHoliday.objects.create(
            school_year=year(),
            region="noord",
            kind=HolidayKind.OTHER,
            name="Studiedag",
            start_date=day,
            end_date=day,
        )
    assert SchoolHoliday.objects.filter(kind=HolidayKind.OTHER).count() == 2


def test_the_school_year_label_is_unique() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        SchoolYear.objects.create(
            label="2027-2028", start_date=dt.date(2047, 8, 1), end_date=dt.date(2048, 7, 31)
        )


# --- full_clean names the field and says what is wrong ------------------------------------


def errors_of(instance: models.Model) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as raised:
        instance.full_clean()
    return raised.value.message_dict


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"group_size_min": 12, "group_size_max": 10},
            "group_size_max",
            "De maximale groepsgrootte moet minstens de minimale groepsgrootte zijn.",
        ),
        (
            {"age_min": 3},
            "age_min",
            "Zorg ervoor dat deze waarde minstens 4 is.",
        ),
        (
            {"age_max": 19},
            "age_max",
            "Zorg ervoor dat deze waarde hoogstens 18 is.",
        ),
        (
            {"age_min": 12, "age_max": 7},
            "age_max",
            "De maximumleeftijd moet minstens de minimumleeftijd zijn.",
        ),
        (
            {"grade_min": 8, "grade_max": 4},
            "grade_max",
            "De hoogste groep/klas moet minstens de laagste zijn.",
        ),
        (
            {"enrolment_mode": EnrolmentMode.CLASS},
            "consent_guardians",
            "Bij boeken per klas worden geen persoonsgegevens van leerlingen verzameld, "
            "dus ook geen toestemming; kies 'Geen'.",
        ),
        (
            {"enrolment_mode": EnrolmentMode.CLASS, "consent_guardians": GuardianConsent.NONE},
            "consent_child",
            "Bij boeken per klas wordt geen toestemming van het kind gevraagd; kies 'Geen'.",
        ),
    ],
)
def test_full_clean_explains_an_impossible_programme(
    overrides: dict[str, Any], field: str, message: str
) -> None:
    programme = Programme(**programme_fields(**overrides))
    assert message in errors_of(programme)[field]


def test_full_clean_refuses_a_second_school_with_the_same_brin_and_branch() -> None:
    School.objects.create(**school_fields())
    errors = errors_of(School(**school_fields(name="Andere naam")))
    assert errors[NON_FIELD_ERRORS] == ["Er is al een school met deze BRIN-code en vestiging."]


def test_full_clean_explains_a_bad_brin_code() -> None:
    errors = errors_of(School(**school_fields(brin="12ab")))
    assert errors["brin"] == ["Een BRIN-code is twee cijfers en twee hoofdletters, bijv. 12AB."]


def test_full_clean_refuses_a_school_year_that_does_not_run_august_to_july() -> None:
    errors = errors_of(
        SchoolYear(label="2040-2041", start_date=dt.date(2040, 9, 1), end_date=dt.date(2041, 7, 31))
    )
    assert (
        "Schooljaar 2040-2041 loopt van 1 augustus 2040 tot en met 31 juli 2041."
        in (errors[NON_FIELD_ERRORS])
    )


def test_full_clean_refuses_a_holiday_that_ends_before_it_starts() -> None:
    holiday = SchoolHoliday(
        school_year=year(),
        region="noord",
        kind=HolidayKind.OTHER,
        name="Studiedagen",
        start_date=dt.date(2027, 11, 12),
        end_date=dt.date(2027, 11, 11),
    )
    assert errors_of(holiday)["end_date"] == ["De laatste dag ligt voor de eerste dag."]


def test_full_clean_refuses_a_second_autumn_holiday_for_a_region_and_year() -> None:
    holiday = SchoolHoliday(
        school_year=year(),
        region="noord",
        kind=HolidayKind.AUTUMN,
        start_date=dt.date(2027, 10, 30),
        end_date=dt.date(2027, 11, 7),
    )
    assert errors_of(holiday)[NON_FIELD_ERRORS] == [
        "Deze regio heeft in dit schooljaar al een vakantie van deze soort."
    ]


def test_full_clean_refuses_a_closure_that_ends_before_it_starts() -> None:
    closure = SchoolClosure(
        school=factories.SchoolFactory(),
        start_date=dt.date(2027, 3, 10),
        end_date=dt.date(2027, 3, 9),
        reason="Biddag",
    )
    assert errors_of(closure)["end_date"] == ["De laatste dag ligt voor de eerste dag."]


def test_full_clean_refuses_an_unavailability_that_does_not_end_after_it_starts() -> None:
    moment = dt.datetime(2027, 1, 4, 9, tzinfo=UTC)
    unavailability = TrainerUnavailability(
        trainer=factories.TrainerFactory(), starts_at=moment, ends_at=moment
    )
    assert errors_of(unavailability)["ends_at"] == ["Het einde moet na het begin liggen."]


# --- properties ---------------------------------------------------------------------------

HYPOTHESIS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@st.composite
def ordered_pair(draw: st.DrawFn, low: int, high: int) -> tuple[int, int]:
    first = draw(st.integers(low, high))
    second = draw(st.integers(low, high))
    return min(first, second), max(first, second)


@HYPOTHESIS
@given(
    grades=ordered_pair(1, 8),
    ages=ordered_pair(4, 18),
    sizes=ordered_pair(1, 40),
    sessions=st.integers(1, 40),
    minutes=st.integers(15, 240),
)
def test_any_programme_with_ordered_ranges_in_bounds_is_valid(
    grades: tuple[int, int],
    ages: tuple[int, int],
    sizes: tuple[int, int],
    sessions: int,
    minutes: int,
) -> None:
    programme = Programme(
        **programme_fields(
            grade_min=grades[0],
            grade_max=grades[1],
            age_min=ages[0],
            age_max=ages[1],
            group_size_min=sizes[0],
            group_size_max=sizes[1],
            child_sessions=sessions,
            session_minutes=minutes,
        )
    )
    programme.full_clean()


@HYPOTHESIS
@given(
    field=st.sampled_from(["grade", "age", "group_size"]),
    data=st.data(),
)
def test_any_programme_with_a_minimum_above_its_maximum_is_refused(
    field: str, data: st.DataObject
) -> None:
    low, high = {"grade": (1, 8), "age": (4, 18), "group_size": (1, 40)}[field]
    maximum = data.draw(st.integers(low, high - 1), label="maximum")
    minimum = data.draw(st.integers(maximum + 1, high), label="minimum")
    programme = Programme(**programme_fields(**{f"{field}_min": minimum, f"{field}_max": maximum}))

    with pytest.raises(ValidationError) as raised:
        programme.full_clean()

    assert f"{field}_max" in raised.value.message_dict
