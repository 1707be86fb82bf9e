"""Every change to the catalogue goes through these functions.

Views, API views, the admin and management commands call them; none of them
saves catalogue models directly. Each service validates the whole row
(`full_clean`, which includes the database constraints), saves, and owns its
transaction, so bad input raises `ValidationError` and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, TypeVar

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _

from programmes.dates import validate_school_date
from programmes.models import (
    Audience,
    CoFinancingAction,
    CoFinancingAgreement,
    CoFinancingChange,
    Invoice,
    InvoiceStatus,
    Programme,
    Qualification,
    School,
    SchoolClosure,
    SchoolGradePupils,
    SchoolHoliday,
    SchoolType,
    SchoolYear,
    Trainer,
    TrainerUnavailability,
)
from programmes.selectors import grades_of, school_pupils

M = TypeVar("M", bound=models.Model)


def _save(instance: M, fields: dict[str, Any]) -> M:
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.full_clean()
    instance.save()
    return instance


@transaction.atomic
def programme_create(**fields: Any) -> Programme:
    """Add a programme to the catalogue. Refuses impossible combinations (see `Programme`)."""
    return _save(Programme(), fields)


@transaction.atomic
def programme_update(*, programme: Programme, **fields: Any) -> Programme:
    """Change a programme's fields; the same validation as on creation."""
    return _save(programme, fields)


@transaction.atomic
def school_create(*, coordinators: Iterable[AbstractBaseUser] = (), **fields: Any) -> School:
    """Add a school; BRIN code plus branch number is unique."""
    school = _save(School(), fields)
    school.coordinators.set(list(coordinators))
    return school


@transaction.atomic
def school_update(
    *, school: School, coordinators: Iterable[AbstractBaseUser] | None = None, **fields: Any
) -> School:
    """Change a school; `coordinators`, when given, replaces the list."""
    _save(school, fields)
    if coordinators is not None:
        school.coordinators.set(list(coordinators))
    return school


@transaction.atomic
def trainer_create(
    *, user: AbstractBaseUser, qualifications: Iterable[Programme] = (), **fields: Any
) -> Trainer:
    """Make `user` a trainer, qualified for the given programmes."""
    trainer = _save(Trainer(user=user), fields)
    trainer.qualifications.set(list(qualifications))
    return trainer


@transaction.atomic
def trainer_update(
    *, trainer: Trainer, qualifications: Iterable[Programme] | None = None, **fields: Any
) -> Trainer:
    _save(trainer, fields)
    if qualifications is not None:
        trainer.qualifications.set(list(qualifications))
    return trainer


@transaction.atomic
def qualification_certify(
    *,
    trainer: Trainer,
    programme: Programme,
    certificate_number: str = "",
    valid_until: dt.date | None = None,
) -> Qualification:
    """Record the certificate behind a trainer's qualification: its number and last valid day
    (none: it does not expire). Refuses a programme the trainer is not qualified for (add
    the qualification first) and a last day outside the sensible range of school dates."""
    qualification = (
        Qualification.objects.select_for_update()
        .filter(trainer=trainer, programme=programme)
        .first()
    )
    if qualification is None:
        raise ValidationError(
            {
                "programme": _(
                    "%(trainer)s is niet gekwalificeerd voor %(programme)s. Voeg eerst de "
                    "kwalificatie toe."
                )
                % {"trainer": trainer.display_name, "programme": programme.name}
            }
        )
    if valid_until is not None:
        try:
            validate_school_date(valid_until)
        except ValidationError as error:
            raise ValidationError({"valid_until": error.messages}) from None
    return _save(
        qualification,
        {"certificate_number": certificate_number.strip(), "valid_until": valid_until},
    )


@transaction.atomic
def trainer_unavailability_create(
    *, trainer: Trainer, starts_at: dt.datetime, ends_at: dt.datetime, reason: str = ""
) -> TrainerUnavailability:
    """Record a period a trainer cannot work; the end must lie after the start."""
    return _save(
        TrainerUnavailability(trainer=trainer),
        {"starts_at": starts_at, "ends_at": ends_at, "reason": reason},
    )


@transaction.atomic
def trainer_unavailability_update(
    *, unavailability: TrainerUnavailability, **fields: Any
) -> TrainerUnavailability:
    return _save(unavailability, fields)


@transaction.atomic
def trainer_unavailability_delete(*, unavailability: TrainerUnavailability) -> None:
    unavailability.delete()


@transaction.atomic
def school_year_create(*, label: str) -> SchoolYear:
    """Add a school year from its label ("2026-2027"): 1 August to 31 July."""
    year = SchoolYear(label=label)
    year.full_clean(exclude=["start_date", "end_date"])
    year.start_date, year.end_date = SchoolYear.bounds_for_label(label)
    year.full_clean()
    year.save()
    return year


def school_year_get_or_create(*, label: str) -> SchoolYear:
    existing = SchoolYear.objects.filter(label=label).first()
    return existing or school_year_create(label=label)


@transaction.atomic
def school_holiday_create(**fields: Any) -> SchoolHoliday:
    """Add a holiday to a region's school year; one of each kind per region and year."""
    return _save(SchoolHoliday(), fields)


@transaction.atomic
def school_holiday_update(*, holiday: SchoolHoliday, **fields: Any) -> SchoolHoliday:
    return _save(holiday, fields)


@transaction.atomic
def school_holidays_save_many(
    *, create: list[SchoolHoliday], update: list[SchoolHoliday], fields: list[str]
) -> None:
    """Write many holidays at once (the imports): rows the caller has already checked
    with `full_clean`, in one insert and one update statement per batch.

    Refuses, as one `ValidationError` with nothing written, what the database's
    constraints refuse (a second holiday of a kind in a region and year)."""
    try:
        with transaction.atomic():
            # No batch size: Django splits a batch only where the database's limits ask.
            SchoolHoliday.objects.bulk_create(create)
            if update:
                SchoolHoliday.objects.bulk_update(update, fields)
    except IntegrityError as error:
        raise ValidationError(
            _("Een vakantie botst met een bestaande vakantie van dezelfde regio en soort.")
        ) from error


@transaction.atomic
def school_holiday_delete(*, holiday: SchoolHoliday) -> None:
    holiday.delete()


@transaction.atomic
def school_closure_create(
    *, school: School, start_date: dt.date, end_date: dt.date | None = None, reason: str
) -> SchoolClosure:
    """Mark days a school is closed beyond its region's holidays (study day, Biddag)."""
    return _save(
        SchoolClosure(school=school),
        {"start_date": start_date, "end_date": end_date or start_date, "reason": reason},
    )


@transaction.atomic
def school_closure_update(*, closure: SchoolClosure, **fields: Any) -> SchoolClosure:
    if fields.get("end_date", "") is None:
        fields["end_date"] = fields.get("start_date", closure.start_date)
    return _save(closure, fields)


@transaction.atomic
def school_closure_delete(*, closure: SchoolClosure) -> None:
    closure.delete()


# --- removing catalogue rows -----------------------------------------------------------


def _delete_unless_in_use(instance: models.Model) -> None:
    """Delete `instance`, or refuse with a ValidationError when other rows still need it.

    The savepoint keeps the caller's transaction usable after the refused delete.
    """
    try:
        with transaction.atomic():
            instance.delete()
    except (ProtectedError, RestrictedError) as exc:
        raise ValidationError(
            _("%(object)s is nog in gebruik en kan niet worden verwijderd.") % {"object": instance}
        ) from exc


@transaction.atomic
def programme_delete(*, programme: Programme) -> None:
    """Remove a programme; refuses while groups or requests still refer to it."""
    _delete_unless_in_use(programme)


@transaction.atomic
def school_delete(*, school: School) -> None:
    """Remove a school with its closed days; refuses while it hosts groups."""
    _delete_unless_in_use(school)


@transaction.atomic
def trainer_delete(*, trainer: Trainer) -> None:
    """Remove a trainer profile (not the user) with its unavailable periods."""
    _delete_unless_in_use(trainer)


@transaction.atomic
def school_year_delete(*, school_year: SchoolYear) -> None:
    """Remove a school year with its holidays; refuses while groups are planned in it."""
    _delete_unless_in_use(school_year)


# --- co-financing agreements and invoices ------------------------------------------------

# What an agreement's history records, in the order the detail page lists it.
AGREEMENT_TRACKED_FIELDS = [
    "school",
    "school_year",
    "programme",
    "cost_basis",
    "price",
    "school_share_percentage",
    "school_share_fixed",
    "school_share_cap",
    "units_agreed",
    "notes",
]


def _history_value(value: Any) -> str | int | None:
    """A field value as the change log stores it: text that JSON keeps exactly.

    Amounts stay Decimal-exact ("1234.50", never a float), dates ISO, related rows by name.
    """
    if value is None or isinstance(value, int):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Programme):
        return value.name_nl  # `str()` follows the language of the request; history does not
    return str(value)


def _agreement_values(agreement: CoFinancingAgreement) -> dict[str, str | int | None]:
    values = {}
    for name in AGREEMENT_TRACKED_FIELDS:
        value = getattr(agreement, name)
        field = agreement._meta.get_field(name)
        if isinstance(value, Decimal) and isinstance(field, models.DecimalField):
            # As the database stores it: 50 and 50.00 are the same share, not a change.
            value = value.quantize(Decimal(1).scaleb(-field.decimal_places))
        values[name] = _history_value(value)
    return values


def _actor_label(actor: AbstractBaseUser | None) -> str:
    if actor is None or not actor.is_authenticated:
        return ""
    return actor.get_full_name() or actor.get_username()  # type: ignore[attr-defined]


def _record_change(
    *,
    agreement: CoFinancingAgreement,
    action: str,
    changes: dict[str, list[Any]],
    actor: AbstractBaseUser | None,
    invoice: Invoice | None = None,
) -> CoFinancingChange:
    """Write one history row; called inside the service's own transaction."""
    return CoFinancingChange.objects.create(
        agreement=agreement,
        invoice=invoice,
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_label=_actor_label(actor),
        action=action,
        changes=changes,
    )


def agreement_check(*, agreement: CoFinancingAgreement) -> None:
    """Raise `ValidationError` for the rules that need the programme and the school, beyond
    the row's own constraints. Changes nothing; the admin form asks it before saving."""
    errors: dict[str, str] = {}
    programme, school = agreement.programme, agreement.school
    if not programme.co_financed:
        errors["programme"] = _(
            "%(programme)s wordt niet door scholen medegefinancierd; zet eerst "
            "'cofinanciering door scholen' aan bij het programma."
        ) % {"programme": programme.name}
    elif programme.audience == Audience.VO and school.school_type != SchoolType.VO:
        errors["school"] = _(
            "%(programme)s is een programma voor het voortgezet onderwijs; alleen VO-scholen "
            "kunnen er een afspraak over maken."
        ) % {"programme": programme.name}
    pct = agreement.school_share_percentage
    if pct is not None and not (0 <= pct <= 100):
        errors["school_share_percentage"] = _("Het aandeel van de school ligt tussen 0 en 100 %.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def agreement_create(
    *, actor: AbstractBaseUser | None = None, **fields: Any
) -> CoFinancingAgreement:
    """Record a co-financing agreement for (school, school year, programme).

    Writes a "created" history row with every agreed term, by `actor` (None: the system).
    Refuses: a programme that is not co-financed, a non-VO school for a VO programme,
    a share outside 0-100 %, both or neither of percentage and fixed amount, negative
    amounts, and a second agreement for the same school, year and programme.
    """
    agreement = CoFinancingAgreement(**fields)
    agreement_check(agreement=agreement)
    agreement.full_clean()
    agreement.save()
    changes = {
        name: [None, value]
        for name, value in _agreement_values(agreement).items()
        if value not in (None, "")
    }
    _record_change(
        agreement=agreement, action=CoFinancingAction.CREATED, changes=changes, actor=actor
    )
    return agreement


@transaction.atomic
def agreement_update(
    *, agreement: CoFinancingAgreement, actor: AbstractBaseUser | None = None, **fields: Any
) -> CoFinancingAgreement:
    """Change an agreement; the same validation as on creation.

    The history row ("updated") holds `[old, new]` for each field that really changed,
    old values read from the locked database row, so a form or admin that already set
    the new values on `agreement` is still recorded right. Nothing changed: no row.
    """
    stored = (
        CoFinancingAgreement.objects.select_for_update(of=("self",))
        .select_related("school", "school_year", "programme")
        .get(pk=agreement.pk)
    )
    before = _agreement_values(stored)
    for name, value in fields.items():
        setattr(agreement, name, value)
    agreement_check(agreement=agreement)
    agreement.full_clean()
    agreement.save()
    after = _agreement_values(agreement)
    changes = {name: [before[name], after[name]] for name in after if before[name] != after[name]}
    if changes:
        _record_change(
            agreement=agreement, action=CoFinancingAction.UPDATED, changes=changes, actor=actor
        )
    return agreement


@transaction.atomic
def invoice_create(
    *,
    agreement: CoFinancingAgreement,
    reference: str,
    amount: Decimal,
    actor: AbstractBaseUser | None = None,
) -> Invoice:
    """Add a concept invoice to an agreement; the reference is unique across all invoices.

    Writes an "invoice_added" history row on the agreement.
    """
    invoice = _save(
        Invoice(agreement=agreement),
        {"reference": reference, "amount": amount, "status": InvoiceStatus.CONCEPT},
    )
    _record_change(
        agreement=agreement,
        invoice=invoice,
        action=CoFinancingAction.INVOICE_ADDED,
        changes={
            "reference": [None, invoice.reference],
            "amount": [None, _history_value(Decimal(invoice.amount).quantize(Decimal("0.01")))],
            "status": [None, invoice.status],
        },
        actor=actor,
    )
    return invoice


@transaction.atomic
def invoice_mark_sent(
    *, invoice: Invoice, date_sent: dt.date, actor: AbstractBaseUser | None = None
) -> Invoice:
    """Mark a concept invoice as sent on `date_sent`; the payment term starts then.

    Writes an "invoice_sent" history row. Refuses an invoice that is not a concept.
    """
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.status != InvoiceStatus.CONCEPT:
        raise ValidationError(_("Alleen een conceptfactuur kan worden verstuurd."))
    invoice = _save(invoice, {"status": InvoiceStatus.SENT, "date_sent": date_sent})
    _record_change(
        agreement=invoice.agreement,
        invoice=invoice,
        action=CoFinancingAction.INVOICE_SENT,
        changes={
            "status": [InvoiceStatus.CONCEPT.value, InvoiceStatus.SENT.value],
            "date_sent": [None, _history_value(date_sent)],
        },
        actor=actor,
    )
    return invoice


@transaction.atomic
def invoice_mark_paid(
    *, invoice: Invoice, date_paid: dt.date, actor: AbstractBaseUser | None = None
) -> Invoice:
    """Mark a sent (possibly overdue) invoice as paid on `date_paid`, not before it was sent.

    Writes an "invoice_paid" history row. Refuses a concept or an already paid invoice.
    """
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.status != InvoiceStatus.SENT:
        raise ValidationError(_("Alleen een verstuurde factuur kan als betaald worden gemarkeerd."))
    if date_paid < invoice.date_sent:
        raise ValidationError(
            {"date_paid": _("De betaaldatum kan niet vóór de verzenddatum liggen.")}
        )
    invoice = _save(invoice, {"status": InvoiceStatus.PAID, "date_paid": date_paid})
    _record_change(
        agreement=invoice.agreement,
        invoice=invoice,
        action=CoFinancingAction.INVOICE_PAID,
        changes={
            "status": [InvoiceStatus.SENT.value, InvoiceStatus.PAID.value],
            "date_paid": [None, _history_value(date_paid)],
        },
        actor=actor,
    )
    return invoice


# A school's pupils per grade: more than any school's grade holds, so a typing slip is caught.
MAX_PUPILS = 2000


@transaction.atomic
def school_pupils_set(
    *, school: School, school_year: SchoolYear, counts: Mapping[int, int | None]
) -> dict[int, int]:
    """Record the school's pupils per grade for a school year: a number sets a grade, None
    (left empty) removes it (not known). Refuses a grade the school does not have and a
    number below 0 or above `MAX_PUPILS` (a ValidationError per `grade_<n>` field); then
    nothing changes. Returns the counts as stored."""
    errors: dict[str, str] = {}
    grades = grades_of(school)
    for grade, pupils in counts.items():
        if grade not in grades:
            errors[f"grade_{grade}"] = _("Deze school heeft geen groep of klas %(grade)s.") % {
                "grade": grade
            }
        elif pupils is not None and not 0 <= pupils <= MAX_PUPILS:
            errors[f"grade_{grade}"] = _("Vul een aantal van 0 tot en met %(max)s in.") % {
                "max": MAX_PUPILS
            }
    if errors:
        raise ValidationError(errors)
    for grade, pupils in counts.items():
        if pupils is None:
            SchoolGradePupils.objects.filter(
                school=school, school_year=school_year, grade=grade
            ).delete()
        else:
            SchoolGradePupils.objects.update_or_create(
                school=school, school_year=school_year, grade=grade, defaults={"pupils": pupils}
            )
    return school_pupils(school, school_year)
