"""Staff: waitlists, rosters (each read written to the audit log), attendance and class
bookings, under their own prefixes so they never collide with the scheduler's routes."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import validated
from enrolment import access, selectors, services
from enrolment.api.base import GROUP_ID, HasStaffRole, StaffView, path_id
from enrolment.api.enrolments import _guardians_data
from enrolment.audit import AuditAction, audit_record
from enrolment.serializers import (
    AttendanceInputSerializer,
    AttendanceSheetSerializer,
    ClassBookingInputSerializer,
    ClassBookingSerializer,
    RosterSerializer,
    WaitlistEntrySerializer,
)
from programmes.models import EnrolmentMode
from scheduler import access as scheduler_access
from scheduler import services as scheduler_services
from scheduler.models import Group, Session


def _roster_group(user: Any, group_id: int) -> Group:
    # The answers name no trainers: no query for them (roster_groups prefetches them).
    group = selectors.roster_groups(user).prefetch_related(None).filter(pk=group_id).first()
    if group is None:
        raise NotFound(_("Niet gevonden."))
    return group


def _roster_row_data(row: selectors.RosterRow) -> dict[str, Any]:
    """A roster row as the roster page shows it (`enrolment.selectors.RosterRow`)."""
    row.child.age = row.age  # for RosterChildSerializer
    return {
        "public_id": row.enrolment.public_id,
        "child": row.child,
        "status": row.enrolment.status,
        "status_display": row.status_label,
        "waitlist_position": row.waitlist_position,
        "consent_complete": row.consent_complete,
        "consent_summary": row.consent_summary,
        "consent": [
            {"who": line.who, "state": line.state, "label": line.label}
            for line in row.consent_lines
        ],
        "intake": row.intake_label,
        "absent_twice": row.absent_twice,
        "guardians": _guardians_data(row.guardians),
    }


class WaitlistView(StaffView, APIView):
    permission_classes = [IsAuthenticated, HasStaffRole]

    @extend_schema(
        operation_id="waitlists_list",
        parameters=[GROUP_ID],
        responses={200: WaitlistEntrySerializer(many=True)},
        description="De wachtlijst van een groep in de volgorde waarin plaatsen worden "
        "aangeboden, met de plaats van elk kind in de hele rij. Een coördinator ziet alleen "
        "de leerlingen van de eigen school.",
    )
    def get(self, request: Request, group_id: int) -> Response:
        group = _roster_group(request.user, group_id)
        line = selectors.roster(request.user, group).waitlist
        rows = [
            {
                "position": row.waitlist_position,
                "public_id": row.enrolment.public_id,
                "child": row.child,
                "priority": row.enrolment.priority,
                "created_at": row.enrolment.created_at,
                "consent_complete": row.consent_complete,
            }
            for row in line
        ]
        return Response(WaitlistEntrySerializer(rows, many=True).data)


class RosterView(StaffView, APIView):
    permission_classes = [IsAuthenticated, HasStaffRole]

    @extend_schema(
        operation_id="rosters_retrieve",
        parameters=[GROUP_ID],
        responses={200: RosterSerializer},
        description="De deelnemerslijst van een groep zoals de pagina hem toont: kind, "
        "school, groep/klas, status, toestemming, intake en de contactgegevens van de "
        "ouders; daarna de wachtlijst. Een trainer ziet alleen de eigen groepen, een "
        "coördinator de leerlingen van de eigen school. Elke opvraging komt in het auditlog.",
    )
    def get(self, request: Request, group_id: int) -> Response:
        group = _roster_group(request.user, group_id)
        roster = selectors.roster(request.user, group)
        audit_record(
            actor=request.user, action=AuditAction.ROSTER_VIEWED, target=f"group {group.pk}"
        )
        data = {
            "group": group,
            "seats_taken": roster.seats_taken,
            "participants": [_roster_row_data(row) for row in roster.participants],
            "waitlist": [_roster_row_data(row) for row in roster.waitlist],
        }
        return Response(RosterSerializer(data).data)


class AttendanceView(StaffView, APIView):
    """Attendance at one child session: the group's trainers and the manager mark it; a
    coordinator may read it for their own pupils."""

    permission_classes = [IsAuthenticated, HasStaffRole]

    def _session(self, session_id: int) -> Session:
        groups = access.attendance_groups_readable_by(self.request.user)
        session = (
            Session.objects.filter(pk=session_id, group__in=groups)
            .select_related("group__programme")
            .first()
        )
        if session is None:
            raise NotFound(_("Niet gevonden."))
        return session

    def _sheet(self, session: Session) -> Response:
        rows = [
            {
                "enrolment": enrolment.public_id,
                "child_first_name": enrolment.child.first_name,
                "child_last_name": enrolment.child.last_name,
                "status": mark.status if mark else None,
                "note": mark.note if mark else "",
            }
            for enrolment, mark in selectors.attendance_sheet(
                self.request.user, session.group, session
            )
        ]
        data = {
            "session": session,
            "can_edit": access.can_take_attendance(self.request.user, session.group),
            "rows": rows,
        }
        return Response(AttendanceSheetSerializer(data).data)

    @extend_schema(
        operation_id="attendance_retrieve",
        parameters=[path_id("session_id", "De bijeenkomst (id).")],
        responses={200: AttendanceSheetSerializer},
        description="Wie er bij een bijeenkomst was: de bevestigde kinderen van de groep met "
        "hun aanwezigheid (of leeg als die nog niet is ingevuld).",
    )
    def get(self, request: Request, session_id: int) -> Response:
        return self._sheet(self._session(session_id))

    @extend_schema(
        operation_id="attendance_update",
        parameters=[path_id("session_id", "De bijeenkomst (id).")],
        request=AttendanceInputSerializer,
        responses={200: AttendanceSheetSerializer},
        description="Vul de aanwezigheid in (aanwezig, afwezig, afgemeld, met een notitie). "
        "Alleen de trainers van de groep en de programmabeheerder. Alles of niets: bij een "
        "fout wordt niets opgeslagen.",
    )
    def put(self, request: Request, session_id: int) -> Response:
        session = self._session(session_id)
        if not access.can_take_attendance(request.user, session.group):
            raise PermissionDenied(_("Alleen de trainers van de groep vullen de aanwezigheid in."))
        data = validated(AttendanceInputSerializer, request.data)
        public_ids = [record["enrolment"] for record in data["records"]]
        if len(set(public_ids)) != len(public_ids):
            raise ValidationError({"records": [_("Noem elk kind één keer.")]})
        ids = dict(
            access.enrolments_visible_to(request.user)
            .filter(group=session.group, public_id__in=public_ids)
            .values_list("public_id", "pk")
        )
        unknown = [str(p) for p in public_ids if p not in ids]
        if unknown:
            raise ValidationError(
                {"records": [_("Deze kinderen horen niet bij deze groep: %s") % ", ".join(unknown)]}
            )
        services.attendance_record(
            session=session,
            marks={ids[r["enrolment"]]: (r["status"], r["note"]) for r in data["records"]},
            recorded_by=request.user,
        )
        return self._sheet(session)


class ClassBookingView(StaffView, APIView):
    """The class booked into a class-mode group (class, number of pupils, mentor).

    No pupil data: the booking is a few fields on the group.
    """

    permission_classes = [IsAuthenticated, HasStaffRole]

    def _group(self, group_id: int) -> Group:
        group = (
            scheduler_access.groups_visible_to(self.request.user)
            .filter(pk=group_id, programme__enrolment_mode=EnrolmentMode.CLASS)
            .select_related("programme", "host_school")
            .first()
        )
        if group is None:
            raise NotFound(_("Niet gevonden."))
        return group

    def _answer(self, group: Group) -> Response:
        data = {
            "group": group.pk,
            "programme": group.programme.name,
            "host_school": group.host_school.name,
            "status": group.status,
            "class_name": group.class_name,
            "class_size": group.class_size,
            "mentor_name": group.mentor_name,
            "mentor_email": group.mentor_email,
            "can_book": scheduler_access.can_book_class(self.request.user, group.host_school_id),
        }
        return Response(ClassBookingSerializer(data).data)

    @extend_schema(
        operation_id="class_bookings_retrieve",
        parameters=[GROUP_ID],
        responses={200: ClassBookingSerializer},
    )
    def get(self, request: Request, group_id: int) -> Response:
        return self._answer(self._group(group_id))

    @extend_schema(
        operation_id="class_bookings_set",
        parameters=[GROUP_ID],
        request=ClassBookingInputSerializer,
        responses={200: ClassBookingSerializer},
        description="Boek een klas in een groep van een klassenprogramma, of wijzig de "
        "boeking: de coördinator van de school of de programmabeheerder.",
    )
    def post(self, request: Request, group_id: int) -> Response:
        group = self._group(group_id)
        if not scheduler_access.can_book_class(request.user, group.host_school_id):
            raise PermissionDenied(_("Alleen de coördinator van de school boekt een klas."))
        data = validated(ClassBookingInputSerializer, request.data)
        group = scheduler_services.class_booking_set(group=group, booked_by=request.user, **data)
        return self._answer(self._group(group.pk))
