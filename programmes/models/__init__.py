"""The catalogue's models, one module per noun: the programmes (`catalogue`), schools,
school years and calendars (`calendar`), trainers, co-financing and API tokens (`tokens`).

Invariants that belong to one row live in the models as database constraints, so they
hold whichever path writes (admin, API, services, shell). Rules that need more than one
row live in `services.py`. Every model is imported here: Django finds the app's models,
and the rest of the code imports them, from `programmes.models`.
"""

from __future__ import annotations

from programmes.models.calendar import (
    HolidayKind,
    SchoolClosure,
    SchoolHoliday,
    SchoolYear,
    SchoolYearQuerySet,
    school_year_label_validator,
)
from programmes.models.catalogue import (
    AGE_MAX,
    AGE_MIN,
    PROGRAMME_FIELDS,
    Audience,
    ChildConsent,
    EnrolmentMode,
    GuardianConsent,
    HolidayRegion,
    Programme,
    SchoolType,
    hex_colour_validator,
)
from programmes.models.cofinancing import (
    STORED_INVOICE_STATUSES,
    CoFinancingAction,
    CoFinancingAgreement,
    CoFinancingChange,
    CostBasis,
    Invoice,
    InvoiceStatus,
)
from programmes.models.schools import (
    School,
    SchoolGradePupils,
    branch_validator,
    brin_validator,
    postcode_validator,
    reply_to_subquery,
)
from programmes.models.tokens import (
    ApiToken,
    api_token_expiry,
)
from programmes.models.trainers import (
    Qualification,
    Trainer,
    TrainerUnavailability,
)

__all__ = [
    "AGE_MAX",
    "AGE_MIN",
    "PROGRAMME_FIELDS",
    "STORED_INVOICE_STATUSES",
    "ApiToken",
    "Audience",
    "ChildConsent",
    "CoFinancingAction",
    "CoFinancingAgreement",
    "CoFinancingChange",
    "CostBasis",
    "EnrolmentMode",
    "GuardianConsent",
    "HolidayKind",
    "HolidayRegion",
    "Invoice",
    "InvoiceStatus",
    "Programme",
    "Qualification",
    "School",
    "SchoolClosure",
    "SchoolGradePupils",
    "SchoolHoliday",
    "SchoolType",
    "SchoolYear",
    "SchoolYearQuerySet",
    "Trainer",
    "TrainerUnavailability",
    "api_token_expiry",
    "branch_validator",
    "brin_validator",
    "hex_colour_validator",
    "postcode_validator",
    "reply_to_subquery",
    "school_year_label_validator",
]
