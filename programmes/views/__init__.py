"""Pages of the catalogue, one module per noun: the public overview and log-in (`public`),
programmes (`catalogue`), schools and their closed days, trainers, and school years with
their holidays (`calendar`). `programmes.urls` names the views through this package.

Views stay thin. What a user may see comes from `programmes.access`: every object is looked
up in the queryset access allows, so an object outside a user's scope is a 404, never a
check afterwards. Every change goes through `programmes.services`; a `ValidationError` from
a service is shown on the form and nothing changes. The building blocks are `core.views`';
who may enter by role is `programmes.mixins`.
"""

from __future__ import annotations

from programmes.views.calendar import (
    SchoolHolidayCreateView,
    SchoolHolidayDeleteView,
    SchoolHolidayUpdateView,
    SchoolYearCreateView,
    SchoolYearDetailView,
    SchoolYearHolidayImportView,
    SchoolYearListView,
)
from programmes.views.catalogue import (
    ProgrammeCreateView,
    ProgrammeDetailView,
    ProgrammeListView,
    ProgrammeUpdateView,
)
from programmes.views.public import (
    LoginView,
    LogoutView,
    ProgrammeOverviewView,
    ProgrammePublicDetailView,
)
from programmes.views.schools import (
    SchoolClosureCreateView,
    SchoolClosureDeleteView,
    SchoolClosureScopeMixin,
    SchoolClosureUpdateView,
    SchoolCreateView,
    SchoolDetailView,
    SchoolListView,
    SchoolUpdateView,
)
from programmes.views.trainers import (
    OwnTrainerPageView,
    TrainerCertificateView,
    TrainerDetailView,
    TrainerListView,
    TrainerUnavailabilityCreateView,
    TrainerUnavailabilityDeleteView,
    TrainerUnavailabilityScopeMixin,
)

__all__ = [
    "LoginView",
    "LogoutView",
    "OwnTrainerPageView",
    "ProgrammeCreateView",
    "ProgrammeDetailView",
    "ProgrammeListView",
    "ProgrammeOverviewView",
    "ProgrammePublicDetailView",
    "ProgrammeUpdateView",
    "SchoolClosureCreateView",
    "SchoolClosureDeleteView",
    "SchoolClosureScopeMixin",
    "SchoolClosureUpdateView",
    "SchoolCreateView",
    "SchoolDetailView",
    "SchoolHolidayCreateView",
    "SchoolHolidayDeleteView",
    "SchoolHolidayUpdateView",
    "SchoolListView",
    "SchoolUpdateView",
    "SchoolYearCreateView",
    "SchoolYearDetailView",
    "SchoolYearHolidayImportView",
    "SchoolYearListView",
    "TrainerCertificateView",
    "TrainerDetailView",
    "TrainerListView",
    "TrainerUnavailabilityCreateView",
    "TrainerUnavailabilityDeleteView",
    "TrainerUnavailabilityScopeMixin",
]
