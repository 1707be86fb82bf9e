"""The co-financing pages: the overview per school year, one agreement, the manager's forms,
and who may see or change what."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from programmes.models import (
    CoFinancingAgreement,
    CostBasis,
    Invoice,
    InvoiceStatus,
    SchoolYear,
)
from programmes.services import (
    invoice_create,
    invoice_mark_paid,
    invoice_mark_sent,
)
from scheduler.models import GroupStatus
from tests import factories
from tests.reports.cofinancing_support import Classes, agree, make_think, vo_school

TODAY = dt.date(2026, 11, 20)  # in school year 2026-2027
OVERVIEW = "/rapportages/cofinanciering/"


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    time_machine.move_to(dt.datetime.combine(TODAY, dt.time(10, 0), tzinfo=dt.UTC), tick=False)


@pytest.fixture
def think(db: None) -> Any:
    return make_think("think-pages")


@pytest.fixture
def year(db: None) -> Any:
    return factories.SchoolYearFactory(label="2026-2027")


@pytest.fixture
def classes(think: Any, year: Any) -> Classes:
    return Classes(think, year)


def make_vo(school: Any) -> Any:
    school.school_type = "vo"
    school.save()
    return school


def invoice(
    agreement: Any, reference: str, amount: str, *, sent: dt.date | None = None, paid: Any = None
) -> Invoice:
    item = invoice_create(agreement=agreement, reference=reference, amount=Decimal(amount))
    if sent:
        item = invoice_mark_sent(invoice=item, date_sent=sent)
    if paid:
        item = invoice_mark_paid(invoice=item, date_paid=paid)
    return item


def text_of(response: Any) -> str:
    """The page as one line of text, tags removed, so assertions read like the page."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&nbsp;", " ")


def row_text(response: Any, agreement: Any) -> str:
    html = response.content.decode()
    match = re.search(rf'<tr[^>]*data-agreement="{agreement.pk}".*?</tr>', html, flags=re.S)
    assert match, f"no row for agreement {agreement.pk}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(0))).strip()


def totals_text(response: Any) -> str:
    html = response.content.decode()
    match = re.search(r"<tfoot.*?</tfoot>", html, flags=re.S)
    assert match
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(0))).strip()


# --- the overview --------------------------------------------------------------------


def test_the_manager_sees_each_agreement_of_the_current_year_with_dutch_amounts(
    as_alice: Client, think: Any, year: Any, classes: Classes
) -> None:
    greijdanus = vo_school(name="Greijdanus")
    agreement = agree(greijdanus, think, year, units_agreed=4, price=Decimal("1234.56"))
    for _ in range(3):
        classes.add(greijdanus)
    invoice(agreement, "F-1", "1000.00", sent=dt.date(2026, 11, 1))
    invoice(agreement, "F-2", "500.00", sent=dt.date(2026, 11, 1), paid=dt.date(2026, 11, 10))
    invoice(agreement, "F-3", "99.00")  # a concept is not invoiced yet

    response = as_alice.get(OVERVIEW)

    assert response.status_code == 200
    assert "2026-2027" in text_of(response)
    # 3 classes x € 1.234,56 = € 3.703,68; half for the school, half for the municipality.
    assert row_text(response, agreement) == (
        "Greijdanus , THINK op school THINK op school per klas à € 1.234,56 4 3 -1 "
        "€ 1.851,84 € 1.851,84 € 1.500,00 € 500,00 € 1.000,00"
    )


def test_the_totals_row_adds_up_every_agreement(
    as_alice: Client, think: Any, year: Any, classes: Classes
) -> None:
    first, second = vo_school(name="Carolus"), vo_school(name="Thorbecke")
    agree(first, think, year, units_agreed=2)
    agree(
        second,
        think,
        year,
        units_agreed=3,
        school_share_percentage=None,
        school_share_fixed=Decimal("100.00"),
    )
    classes.add(first)
    classes.add(second)
    classes.add(second)

    response = as_alice.get(OVERVIEW)

    # Shares: 400 + 200 for the schools, 400 + 1400 for the municipality.
    assert totals_text(response) == ("Totaal 5 3 -2 € 600,00 € 1.800,00 € 0,00 € 0,00 € 0,00")


def test_another_school_year_can_be_chosen(as_alice: Client, think: Any, year: Any) -> None:
    next_year = factories.SchoolYearFactory(label="2027-2028")
    now = agree(vo_school(name="Greijdanus"), think, year)
    later = agree(vo_school(name="Meander"), think, next_year)

    default = as_alice.get(OVERVIEW)
    chosen = as_alice.get(OVERVIEW, {"schooljaar": "2027-2028"})

    assert [line.agreement for line in default.context["lines"]] == [now]
    assert [line.agreement for line in chosen.context["lines"]] == [later]
    assert "Cofinanciering door scholen 2027-2028" in text_of(chosen)
    assert 'value="2027-2028" selected' in chosen.content.decode()


def test_an_unknown_school_year_says_so_and_shows_the_current_one(
    as_alice: Client, think: Any, year: Any
) -> None:
    agreement = agree(vo_school(), think, year)
    response = as_alice.get(OVERVIEW, {"schooljaar": "1999-2000"})
    assert response.status_code == 200
    assert [line.agreement for line in response.context["lines"]] == [agreement]
    assert response.context["year_form"].errors["schooljaar"]


def test_a_year_without_agreements_says_there_are_none(as_alice: Client, year: Any) -> None:
    response = as_alice.get(OVERVIEW)
    assert "Er zijn voor schooljaar 2026-2027 nog geen cofinancieringsafspraken." in text_of(
        response
    )
    assert "<table" not in response.content.decode()


def test_without_any_school_year_the_page_says_one_must_be_added(as_alice: Client) -> None:
    SchoolYear.objects.all().delete()  # the shipped years and their holidays
    response = as_alice.get(OVERVIEW)
    assert response.status_code == 200
    assert "Er is nog geen schooljaar ingevoerd." in text_of(response)


def test_an_overdue_invoice_is_flagged_on_its_row_and_listed(
    as_alice: Client, think: Any, year: Any, settings: Any
) -> None:
    settings.COFINANCING_PAYMENT_TERM_DAYS = 30
    late_school, fine_school = vo_school(name="Greijdanus"), vo_school(name="Meander")
    late = agree(late_school, think, year)
    fine = agree(fine_school, think, year)
    invoice(late, "F-LATE", "400.00", sent=TODAY - dt.timedelta(days=31))
    invoice(fine, "F-ONTIME", "400.00", sent=TODAY - dt.timedelta(days=30))

    response = as_alice.get(OVERVIEW)

    assert "1 factuur te laat" in row_text(response, late)
    assert "te laat" not in row_text(response, fine)
    page = text_of(response)
    assert "Facturen die te laat zijn" in page
    assert "F-LATE" in page
    assert "F-ONTIME" not in page


# --- who sees what ---------------------------------------------------------------------


def test_a_coordinator_sees_only_their_own_schools_agreement(
    as_bob: Client, school_a: Any, think: Any, year: Any
) -> None:
    own = agree(make_vo(school_a), think, year)
    agree(vo_school(name="Andere school"), think, year)

    response = as_bob.get(OVERVIEW)

    assert response.status_code == 200
    assert [line.agreement for line in response.context["lines"]] == [own]
    assert "Andere school" not in text_of(response)
    assert "Nieuwe afspraak" not in text_of(response)


def test_a_coordinator_without_agreements_sees_that_their_school_has_none(
    as_bob: Client, think: Any, year: Any
) -> None:
    agree(vo_school(name="Andere school"), think, year)
    response = as_bob.get(OVERVIEW)
    assert "Voor uw school zijn er in schooljaar 2026-2027 geen" in text_of(response)


def test_a_coordinator_gets_404_for_another_schools_agreement(
    as_bob: Client, school_a: Any, think: Any, year: Any
) -> None:
    own = agree(make_vo(school_a), think, year)
    other = agree(vo_school(), think, year)
    assert as_bob.get(reverse("cofinancing-agreement-detail", args=[own.pk])).status_code == 200
    assert as_bob.get(reverse("cofinancing-agreement-detail", args=[other.pk])).status_code == 404


@pytest.mark.parametrize("persona", ["as_dave", "as_eve"])
def test_trainers_and_users_without_a_role_get_403(
    request: Any, persona: str, think: Any, year: Any
) -> None:
    client = request.getfixturevalue(persona)
    agreement = agree(vo_school(), think, year)
    urls = [
        OVERVIEW,
        reverse("cofinancing-agreement-detail", args=[agreement.pk]),
        reverse("cofinancing-overview-csv"),
        reverse("cofinancing-invoices-xlsx"),
        reverse("cofinancing-agreement-create"),
    ]
    assert [client.get(url).status_code for url in urls] == [403] * len(urls)


def test_an_anonymous_visitor_is_sent_to_the_log_in_page(client: Client, year: Any) -> None:
    response = client.get(OVERVIEW)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_coordinator_may_look_but_not_change(
    as_bob: Client, school_a: Any, think: Any, year: Any
) -> None:
    agreement = agree(make_vo(school_a), think, year)
    concept = invoice(agreement, "F-1", "100.00")
    detail = as_bob.get(reverse("cofinancing-agreement-detail", args=[agreement.pk]))
    assert "Afspraak wijzigen" not in text_of(detail)
    assert "Markeren als verstuurd" not in text_of(detail)
    forms = [
        (reverse("cofinancing-agreement-create"), {}),
        (reverse("cofinancing-agreement-update", args=[agreement.pk]), {"units_agreed": "9"}),
        (
            reverse("cofinancing-invoice-create", args=[agreement.pk]),
            {"reference": "X", "amount": "1"},
        ),
        (reverse("cofinancing-invoice-sent", args=[concept.pk]), {"date_sent": "2026-11-20"}),
        (reverse("cofinancing-invoice-paid", args=[concept.pk]), {"date_paid": "2026-11-20"}),
    ]
    for url, data in forms:
        assert as_bob.get(url).status_code == 403, url
        assert as_bob.post(url, data).status_code == 403, url
    concept.refresh_from_db()
    agreement.refresh_from_db()
    assert (concept.status, agreement.units_agreed, agreement.invoices.count()) == (
        InvoiceStatus.CONCEPT,
        4,
        1,
    )


# --- query counts --------------------------------------------------------------------


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_the_overview_costs_the_same_number_of_queries_for_2_or_10_agreements(
    as_alice: Client, think: Any, year: Any, classes: Classes
) -> None:
    def add(n: int) -> None:
        for _ in range(n):
            school = vo_school()
            agreement = agree(school, think, year)
            classes.add(school)
            invoice(agreement, f"Q-{agreement.pk}", "10.00", sent=dt.date(2026, 9, 1))  # late

    add(2)
    few = _queries(as_alice, OVERVIEW)
    add(8)
    many = _queries(as_alice, OVERVIEW)
    assert len(as_alice.get(OVERVIEW).context["lines"]) == 10
    assert many == few


def test_the_agreement_page_costs_the_same_number_of_queries_for_2_or_10_invoices(
    as_alice: Client, think: Any, year: Any, classes: Classes
) -> None:
    school = vo_school()
    agreement = agree(school, think, year)
    url = reverse("cofinancing-agreement-detail", args=[agreement.pk])

    def add(n: int) -> None:
        for _ in range(n):
            classes.add(school)
            item = invoice(agreement, f"Q-{Invoice.objects.count()}", "10.00")
            invoice_mark_sent(invoice=item, date_sent=dt.date(2026, 11, 1))

    add(2)
    few = _queries(as_alice, url)
    add(8)
    many = _queries(as_alice, url)
    assert len(as_alice.get(url).context["invoices"]) == 10
    assert many == few


# --- one agreement -------------------------------------------------------------------


def test_the_agreement_page_shows_terms_groups_amounts_and_invoice_statuses(
    as_alice: Client, think: Any, year: Any, classes: Classes, settings: Any
) -> None:
    settings.COFINANCING_PAYMENT_TERM_DAYS = 30
    school = vo_school(name="Greijdanus")
    agreement = agree(
        school,
        think,
        year,
        cost_basis=CostBasis.PER_PUPIL,
        price=Decimal("30.00"),
        school_share_percentage=None,
        school_share_fixed=Decimal("12.50"),
        school_share_cap=Decimal("500.00"),
        units_agreed=60,
    )
    classes.add(school, size=24, status=GroupStatus.RUNNING)
    classes.add(school, size=27, status=GroupStatus.COMPLETED)
    classes.add(school, size=30, status=GroupStatus.PUBLISHED)  # not delivered yet
    invoice(agreement, "F-CONCEPT", "100.00")
    invoice(agreement, "F-SENT", "200.00", sent=TODAY - dt.timedelta(days=5))
    invoice(agreement, "F-LATE", "150.00", sent=TODAY - dt.timedelta(days=45))
    invoice(agreement, "F-PAID", "50.00", sent=dt.date(2026, 10, 1), paid=dt.date(2026, 10, 9))

    response = as_alice.get(reverse("cofinancing-agreement-detail", args=[agreement.pk]))
    page = text_of(response)

    assert "per leerling à € 30,00" in page
    assert "€ 12,50 per eenheid, maximaal € 500,00" in page
    # 24 + 27 pupils delivered; 51 x 12,50 = 637,50, capped at 500; 51 x 30 = 1530 gross.
    assert "Eenheden geleverd 51" in page
    assert "Verschil geleverd en afgesproken -9" in page
    assert "Aandeel school € 500,00" in page
    assert "Aandeel gemeente € 1.030,00" in page
    assert "Gefactureerd € 400,00" in page
    assert "Betaald € 50,00" in page
    assert "Openstaand € 350,00" in page
    groups = [(g.group.get_status_display(), g.counts, g.units) for g in response.context["groups"]]
    assert groups == [("loopt", True, 24), ("afgerond", True, 27), ("gepubliceerd", False, 0)]
    assert "ronde 0 1A loopt ja 24" in page
    assert "ronde 2 1C gepubliceerd nee 0" in page
    statuses = {i.invoice.reference: i.status_label for i in response.context["invoices"]}
    assert statuses == {
        "F-CONCEPT": "concept",
        "F-SENT": "verstuurd",
        "F-LATE": "te laat",
        "F-PAID": "betaald",
    }


# --- the manager's forms -------------------------------------------------------------


def test_the_manager_makes_an_agreement_typing_amounts_the_dutch_way(
    as_alice: Client, think: Any, year: Any
) -> None:
    school = vo_school(name="Greijdanus")
    response = as_alice.post(
        reverse("cofinancing-agreement-create"),
        {
            "school": school.pk,
            "school_year": year.pk,
            "programme": think.pk,
            "cost_basis": CostBasis.PER_CLASS,
            "price": "1250,50",
            "school_share_percentage": "40",
            "units_agreed": "6",
            "notes": "Afgesproken met de teamleider.",
        },
        follow=True,
    )
    agreement = CoFinancingAgreement.objects.get()
    assert response.redirect_chain[-1][0] == reverse(
        "cofinancing-agreement-detail", args=[agreement.pk]
    )
    assert (agreement.price, agreement.school_share_percentage) == (
        Decimal("1250.50"),
        Decimal("40"),
    )
    assert "De afspraak met Greijdanus over THINK op school is vastgelegd." in text_of(response)


def test_the_new_agreement_form_starts_in_the_chosen_school_year(
    as_alice: Client, year: Any
) -> None:
    factories.SchoolYearFactory(label="2027-2028")
    response = as_alice.get(reverse("cofinancing-agreement-create"), {"schooljaar": "2027-2028"})
    assert response.context["form"].initial["school_year"].label == "2027-2028"


def test_a_service_refusal_shows_on_the_form_and_saves_nothing(
    as_alice: Client, think: Any, year: Any
) -> None:
    po_school = factories.SchoolFactory(name="De Esch", school_type="po")
    response = as_alice.post(
        reverse("cofinancing-agreement-create"),
        {
            "school": po_school.pk,
            "school_year": year.pk,
            "programme": think.pk,
            "cost_basis": CostBasis.PER_CLASS,
            "price": "800",
            "school_share_percentage": "50",
            "units_agreed": "1",
        },
    )
    assert response.status_code == 200
    assert "alleen VO-scholen kunnen er een afspraak over maken" in text_of(response)
    assert response.context["form"].errors["school"]
    assert not CoFinancingAgreement.objects.exists()


def test_both_a_percentage_and_a_fixed_amount_is_refused_on_the_form(
    as_alice: Client, think: Any, year: Any
) -> None:
    response = as_alice.post(
        reverse("cofinancing-agreement-create"),
        {
            "school": vo_school().pk,
            "school_year": year.pk,
            "programme": think.pk,
            "cost_basis": CostBasis.PER_CLASS,
            "price": "800",
            "school_share_percentage": "50",
            "school_share_fixed": "100",
            "units_agreed": "1",
        },
    )
    assert response.status_code == 200
    assert "óf als vast bedrag, niet allebei" in text_of(response)
    assert not CoFinancingAgreement.objects.exists()


def test_the_manager_changes_the_terms(as_alice: Client, think: Any, year: Any) -> None:
    agreement = agree(vo_school(), think, year)
    response = as_alice.post(
        reverse("cofinancing-agreement-update", args=[agreement.pk]),
        {
            "cost_basis": CostBasis.PER_CLASS,
            "price": "900,00",
            "school_share_percentage": "50",
            "units_agreed": "5",
        },
        follow=True,
    )
    agreement.refresh_from_db()
    assert (agreement.price, agreement.units_agreed) == (Decimal("900.00"), 5)
    assert "De afspraak is bijgewerkt." in text_of(response)


def test_the_manager_adds_an_invoice_and_a_used_reference_is_refused(
    as_alice: Client, think: Any, year: Any
) -> None:
    agreement = agree(vo_school(), think, year)
    url = reverse("cofinancing-invoice-create", args=[agreement.pk])

    added = as_alice.post(url, {"reference": "2026-001", "amount": "400,00"}, follow=True)
    again = as_alice.post(url, {"reference": "2026-001", "amount": "10,00"})

    assert "Conceptfactuur 2026-001 is toegevoegd." in text_of(added)
    assert again.status_code == 200
    assert again.context["form"].errors["reference"]
    assert list(agreement.invoices.values_list("reference", "amount", "status")) == [
        ("2026-001", Decimal("400.00"), InvoiceStatus.CONCEPT)
    ]


def test_the_agreement_page_posts_the_invoice_steps_with_a_csrf_token(
    as_alice: Client, think: Any, year: Any
) -> None:
    agreement = agree(vo_school(), think, year)
    concept = invoice(agreement, "F-1", "100.00")
    sent = invoice(agreement, "F-2", "100.00", sent=dt.date(2026, 11, 1))
    html = as_alice.get(reverse("cofinancing-agreement-detail", args=[agreement.pk])).content
    page = html.decode()
    for url in (
        reverse("cofinancing-invoice-sent", args=[concept.pk]),
        reverse("cofinancing-invoice-paid", args=[sent.pk]),
    ):
        form = re.search(rf'<form method="post" action="{url}".*?</form>', page, flags=re.S)
        assert form, url
        assert "csrfmiddlewaretoken" in form.group(0)


def test_a_step_without_a_csrf_token_is_refused(alice: Any, think: Any, year: Any) -> None:
    agreement = agree(vo_school(), think, year)
    concept = invoice(agreement, "F-1", "100.00")
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post(
        reverse("cofinancing-invoice-sent", args=[concept.pk]), {"date_sent": "2026-11-20"}
    )
    assert response.status_code == 403
    concept.refresh_from_db()
    assert concept.status == InvoiceStatus.CONCEPT


def test_the_manager_marks_an_invoice_sent_and_then_paid(
    as_alice: Client, think: Any, year: Any
) -> None:
    agreement = agree(vo_school(), think, year)
    item = invoice(agreement, "F-1", "100.00")

    sent = as_alice.post(
        reverse("cofinancing-invoice-sent", args=[item.pk]),
        {"date_sent": "2026-11-02"},
        follow=True,
    )
    paid = as_alice.post(
        reverse("cofinancing-invoice-paid", args=[item.pk]),
        {"date_paid": "2026-11-19"},
        follow=True,
    )

    assert "Factuur F-1 is gemarkeerd als verstuurd op 2 november 2026." in text_of(sent)
    assert "Factuur F-1 is gemarkeerd als betaald op 19 november 2026." in text_of(paid)
    assert paid.redirect_chain[-1][0] == reverse(
        "cofinancing-agreement-detail", args=[agreement.pk]
    )
    item.refresh_from_db()
    assert (item.status, item.date_sent, item.date_paid) == (
        InvoiceStatus.PAID,
        dt.date(2026, 11, 2),
        dt.date(2026, 11, 19),
    )


def test_a_refused_step_shows_why_and_changes_nothing(
    as_alice: Client, think: Any, year: Any
) -> None:
    agreement = agree(vo_school(), think, year)
    item = invoice(agreement, "F-1", "100.00", sent=dt.date(2026, 11, 10))

    again = as_alice.post(
        reverse("cofinancing-invoice-sent", args=[item.pk]), {"date_sent": "2026-11-12"}
    )
    too_early = as_alice.post(
        reverse("cofinancing-invoice-paid", args=[item.pk]), {"date_paid": "2026-11-01"}
    )

    assert again.status_code == 200
    assert "Alleen een conceptfactuur kan worden verstuurd." in text_of(again)
    assert too_early.status_code == 200
    assert too_early.context["form"].errors["date_paid"] == [
        "De betaaldatum kan niet vóór de verzenddatum liggen."
    ]
    item.refresh_from_db()
    assert (item.status, item.date_sent, item.date_paid) == (
        InvoiceStatus.SENT,
        dt.date(2026, 11, 10),
        None,
    )


def test_the_managers_forms_open_with_a_title_saying_what_they_do(
    as_alice: Client, think: Any, year: Any
) -> None:
    agreement = agree(vo_school(name="Greijdanus"), think, year)
    concept = invoice(agreement, "F-1", "100.00")
    sent = invoice(agreement, "F-2", "100.00", sent=dt.date(2026, 11, 1))
    pages = {
        reverse("cofinancing-agreement-create"): "Nieuwe cofinancieringsafspraak",
        reverse("cofinancing-agreement-update", args=[agreement.pk]): (
            "Afspraak met Greijdanus over THINK op school wijzigen"
        ),
        reverse("cofinancing-invoice-create", args=[agreement.pk]): (
            "Factuur toevoegen voor Greijdanus, THINK op school"
        ),
        reverse("cofinancing-invoice-sent", args=[concept.pk]): (
            "Factuur F-1 als verstuurd markeren"
        ),
        reverse("cofinancing-invoice-paid", args=[sent.pk]): "Factuur F-2 als betaald markeren",
    }
    for url, title in pages.items():
        response = as_alice.get(url)
        assert response.status_code == 200, url
        assert f'<h1 class="utrecht-heading-1">{title}</h1>' in response.content.decode(), url
    edit = as_alice.get(reverse("cofinancing-agreement-update", args=[agreement.pk]))
    assert edit.context["form"]["price"].value() == Decimal("800.00")
    assert 'value="800,00"' in edit.content.decode()  # shown the Dutch way
