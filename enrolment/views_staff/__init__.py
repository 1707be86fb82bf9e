"""Staff pages of enrolment: rosters and their exports, attendance, intake, withdrawal,
the overview with registered interest, class bookings and the audit log.

What a user may see comes from `enrolment.access` (and `scheduler.access`): objects
outside the scope are filtered out, so they answer 404; an action in scope that the
user may not take answers 403. Every view and export of children's data writes an
audit entry whose target names the object ("group 12"), never a child. Every change
goes through `enrolment.services`.

One module per page subject; the views `urls_staff` routes to are re-exported here.
"""

from __future__ import annotations

from enrolment.views_staff.audit import AuditLogView
from enrolment.views_staff.class_bookings import ClassBookingListView, ClassBookingView
from enrolment.views_staff.enrolments import (
    ConsentResendView,
    DuplicateMergeView,
    IntakeView,
    WithdrawView,
)
from enrolment.views_staff.overview import OverviewView
from enrolment.views_staff.rosters import (
    AttendanceView,
    RosterCsvView,
    RosterExportView,
    RosterPrintView,
    RosterView,
    RosterXlsxView,
)

__all__ = [
    "AttendanceView",
    "AuditLogView",
    "ClassBookingListView",
    "ClassBookingView",
    "ConsentResendView",
    "DuplicateMergeView",
    "IntakeView",
    "OverviewView",
    "RosterCsvView",
    "RosterExportView",
    "RosterPrintView",
    "RosterView",
    "RosterXlsxView",
    "WithdrawView",
]
