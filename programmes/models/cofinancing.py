"""Co-financing: what a secondary school pays towards a programme, its invoices and
the record of every change."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programmes.models.calendar import SchoolYear
from programmes.models.catalogue import Programme
from programmes.models.schools import School

# --- co-financing: what a secondary school pays towards a programme ----------------------


class CostBasis(models.TextChoices):
    PER_GROUP = "per_group", _("per groep")
    PER_CLASS = "per_class", _("per klas")
    PER_PUPIL = "per_pupil", _("per leerling")


class CoFinancingAgreement(models.Model):
    """What one school pays towards one co-financed programme in one school year.

    The school's share is either a percentage of the cost of what was delivered or a
    fixed amount per delivered unit (exactly one of the two), optionally capped. The
    arithmetic lives in `reports.ledger`.
    """

    school = models.ForeignKey(
        School,
        on_delete=models.PROTECT,
        related_name="cofinancing_agreements",
        verbose_name=_("school"),
    )
    school_year = models.ForeignKey(
        SchoolYear,
        on_delete=models.PROTECT,
        related_name="cofinancing_agreements",
        verbose_name=_("schooljaar"),
    )
    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        related_name="cofinancing_agreements",
        verbose_name=_("programma"),
    )
    cost_basis = models.CharField(
        _("kostenbasis"), max_length=10, choices=CostBasis.choices, default=CostBasis.PER_GROUP
    )
    price = models.DecimalField(
        _("prijs per eenheid (€)"),
        max_digits=9,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.00"))],
    )
    school_share_percentage = models.DecimalField(
        _("aandeel school (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    school_share_fixed = models.DecimalField(
        _("vast bedrag school per eenheid (€)"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.00"))],
    )
    school_share_cap = models.DecimalField(
        _("maximumbijdrage school (€)"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.00"))],
    )
    units_agreed = models.PositiveIntegerField(_("aantal afgesproken eenheden"), default=0)
    notes = models.TextField(_("notities"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["school_year", "school__name", "programme__name_nl"]
        verbose_name = _("cofinancieringsafspraak")
        verbose_name_plural = _("cofinancieringsafspraken")
        constraints = [
            models.UniqueConstraint(
                fields=["school", "school_year", "programme"],
                name="cofinancing_agreement_unique",
                violation_error_message=_(
                    "Er is al een afspraak voor deze school, dit schooljaar en dit programma."
                ),
            ),
            models.CheckConstraint(
                condition=Q(school_share_percentage__isnull=True)
                | Q(school_share_percentage__gte=0, school_share_percentage__lte=100),
                name="cofinancing_percentage_range",
                violation_error_message=_("Het aandeel van de school ligt tussen 0 en 100 %."),
            ),
            models.CheckConstraint(
                condition=Q(price__gte=0)
                & (Q(school_share_fixed__isnull=True) | Q(school_share_fixed__gte=0))
                & (Q(school_share_cap__isnull=True) | Q(school_share_cap__gte=0)),
                name="cofinancing_amounts_not_negative",
                violation_error_message=_("Bedragen kunnen niet negatief zijn."),
            ),
            models.CheckConstraint(
                condition=Q(school_share_percentage__isnull=False, school_share_fixed__isnull=True)
                | Q(school_share_percentage__isnull=True, school_share_fixed__isnull=False),
                name="cofinancing_one_kind_of_share",
                violation_error_message=_(
                    "Geef het aandeel van de school als percentage óf als vast bedrag, niet "
                    "allebei en niet geen van beide."
                ),
            ),
            models.CheckConstraint(
                condition=Q(cost_basis__in=CostBasis.values), name="cofinancing_cost_basis_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school.name} – {self.programme.name} ({self.school_year.label})"


class InvoiceStatus(models.TextChoices):
    CONCEPT = "concept", _("concept")
    SENT = "sent", _("verstuurd")
    PAID = "paid", _("betaald")
    # Never stored: a sent invoice past the payment term (see `Invoice.display_status`).
    OVERDUE = "overdue", _("te laat")


STORED_INVOICE_STATUSES = [InvoiceStatus.CONCEPT, InvoiceStatus.SENT, InvoiceStatus.PAID]


class Invoice(models.Model):
    """An invoice to a school under one agreement; "overdue" follows from the payment term."""

    agreement = models.ForeignKey(
        CoFinancingAgreement,
        on_delete=models.PROTECT,
        related_name="invoices",
        verbose_name=_("afspraak"),
    )
    reference = models.CharField(_("factuurnummer"), max_length=40, unique=True)
    amount = models.DecimalField(
        _("bedrag (€)"),
        max_digits=9,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.00"))],
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=[(s.value, s.label) for s in STORED_INVOICE_STATUSES],
        default=InvoiceStatus.CONCEPT,
    )
    date_sent = models.DateField(_("verstuurd op"), null=True, blank=True)
    date_paid = models.DateField(_("betaald op"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["agreement", "created_at", "id"]
        verbose_name = _("factuur")
        verbose_name_plural = _("facturen")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="invoice_amount_not_negative",
                violation_error_message=_("Een factuurbedrag kan niet negatief zijn."),
            ),
            models.CheckConstraint(
                condition=Q(status="concept", date_sent__isnull=True, date_paid__isnull=True)
                | Q(status="sent", date_sent__isnull=False, date_paid__isnull=True)
                | Q(status="paid", date_sent__isnull=False, date_paid__isnull=False),
                name="invoice_dates_match_status",
                violation_error_message=_(
                    "Een verstuurde factuur heeft een verzenddatum, een betaalde ook een "
                    "betaaldatum."
                ),
            ),
            models.CheckConstraint(
                condition=Q(date_paid__isnull=True) | Q(date_paid__gte=F("date_sent")),
                name="invoice_paid_after_sent",
                violation_error_message=_("Een factuur kan niet betaald zijn vóór verzending."),
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def due_date(self) -> dt.date | None:
        if self.date_sent is None:
            return None
        return self.date_sent + dt.timedelta(days=settings.COFINANCING_PAYMENT_TERM_DAYS)

    def is_overdue(self, today: dt.date | None = None) -> bool:
        """Sent, unpaid and past the payment term (`COFINANCING_PAYMENT_TERM_DAYS`)."""
        due = self.due_date
        today = today or timezone.localdate()
        return self.status == InvoiceStatus.SENT and due is not None and today > due

    def display_status(self, today: dt.date | None = None) -> str:
        """The status to show: the stored one, or "overdue" for a late sent invoice."""
        return InvoiceStatus.OVERDUE if self.is_overdue(today) else self.status


class CoFinancingAction(models.TextChoices):
    CREATED = "created", _("afspraak gemaakt")
    UPDATED = "updated", _("afspraak gewijzigd")
    INVOICE_ADDED = "invoice_added", _("factuur toegevoegd")
    INVOICE_SENT = "invoice_sent", _("factuur verstuurd")
    INVOICE_PAID = "invoice_paid", _("factuur betaald")


class CoFinancingChange(models.Model):
    """One change to an agreement or its invoices: who, when, what (the audit trail).

    Written only by the co-financing services, in the transaction of the change itself, so
    the history never misses a change nor shows one that was rolled back. `changes` maps a
    field name to `[old, new]`, both as text (amounts as "1234.50", dates as ISO), `old`
    null on creation. Rows are never changed or deleted; the agreement and invoice are
    protected while history points at them.
    """

    agreement = models.ForeignKey(
        CoFinancingAgreement,
        on_delete=models.PROTECT,
        related_name="changes",
        verbose_name=_("afspraak"),
    )
    invoice = models.ForeignKey(
        Invoice,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="changes",
        verbose_name=_("factuur"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("door"),
    )
    # The name at the time of the change: it stays readable after the account is removed.
    actor_label = models.CharField(_("door (naam)"), max_length=150, blank=True)
    at = models.DateTimeField(_("op"), default=timezone.now, db_index=True)
    action = models.CharField(_("wijziging"), max_length=20, choices=CoFinancingAction.choices)
    changes = models.JSONField(_("gewijzigde velden"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("wijziging in de cofinanciering")
        verbose_name_plural = _("wijzigingen in de cofinanciering")
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=CoFinancingAction.values),
                name="cofinancing_change_action_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} – {self.agreement_id} ({self.at:%Y-%m-%d %H:%M})"
