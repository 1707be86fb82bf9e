"""The answering pages: a guardian's, teacher's or teenager's personal link, and the group's
questionnaire that the trainer opens on a tablet for the younger children.

The link page needs no account: the token is the key (long, random, single-purpose,
expiring, only its hash stored). The children's pages are the group's trainers' and the
programme manager's. The group's page is also the coordinators' of the children's schools
(the groups whose roster they may open): there, while a moment is open, the coordinator
invites the teacher of each of their own pupils, and the manager any child's. A group
outside the scope is a 404. Every rule is the service's.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from core.forms import add_service_error
from enrolment import access as enrolment_access
from enrolment.models import Enrolment
from evaluations import access as evaluation_access
from evaluations import selectors, services
from evaluations.forms import TeacherInviteForm
from evaluations.models import Moment, QuestionKind, Respondent
from programmes import access
from programmes.mixins import RoleRequiredMixin
from scheduler.models import Group

SCALE_WORDS = (
    gettext_lazy("helemaal niet"),
    gettext_lazy("niet"),
    gettext_lazy("een beetje"),
    gettext_lazy("wel"),
    gettext_lazy("helemaal wel"),
)
SMILEY_WORDS = (
    gettext_lazy("heel slecht"),
    gettext_lazy("slecht"),
    gettext_lazy("gaat wel"),
    gettext_lazy("goed"),
    gettext_lazy("heel goed"),
)


def question_items(questions: Any, data: Any = None, *, typing: bool = True) -> list[dict]:
    """What a page shows of each question: its field name, text and answer options
    (value, words, symbol); `typing=False` leaves out open questions (children tap only)."""
    items = []
    for question in questions:
        if question.kind == QuestionKind.OPEN and not typing:
            continue
        if question.kind == QuestionKind.SCALE:
            options = [(str(i + 1), SCALE_WORDS[i], str(i + 1)) for i in range(5)]
        elif question.kind == QuestionKind.SMILEY:
            options = [(str(i + 1), SMILEY_WORDS[i], "") for i in range(5)]  # faces: SVG
        elif question.kind == QuestionKind.YES_NO:
            options = [("yes", _("ja"), ""), ("no", _("nee"), "")]
        elif question.kind == QuestionKind.CHOICE:
            options = [(str(i + 1), text, "") for i, text in enumerate(question.options())]
        else:
            options = []
        field = f"q{question.pk}"
        items.append(
            {
                "field": field,
                "text": question.text,
                "kind": question.kind,
                "options": options,
                "value": (data or {}).get(field, ""),
            }
        )
    return items


# --- the personal link ---------------------------------------------------------------------


@method_decorator(never_cache, name="dispatch")
class AnswerByLinkView(View):
    template_name = "evaluations/answer_link.html"

    def _invalid(self, request: HttpRequest, error: services.InvitationError) -> HttpResponse:
        status = 200 if error.code == "answered" else 404
        return render(
            request,
            "evaluations/link_invalid.html",
            {"message": error.messages[0], "code": error.code},
            status=status,
        )

    def _page(self, request: HttpRequest, invitation: Any, **extra: Any) -> HttpResponse:
        questionnaire = invitation.questionnaire
        key = invitation.pair_key
        return render(
            request,
            self.template_name,
            {
                "invitation": invitation,
                "questionnaire": questionnaire,
                "for_child": key is not None and key.respondent == Respondent.CHILD,
                "about_child": key is not None and key.respondent == Respondent.TEACHER,
                "child": key.enrolment.child.first_name if key else "",
                "items": question_items(
                    questionnaire.questions.all(),
                    request.POST if request.method == "POST" else None,
                ),
                **extra,
            },
            status=400 if extra.get("errors") else 200,
        )

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        try:
            invitation = services.invitation_for_token(token)
        except services.InvitationError as error:
            return self._invalid(request, error)
        return self._page(request, invitation)

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        try:
            services.invitation_answer(token=token, data=request.POST)
        except services.InvitationError as error:
            return self._invalid(request, error)
        except ValidationError as error:
            invitation = services.invitation_for_token(token)
            return self._page(request, invitation, errors=error.message_dict)
        return render(request, "evaluations/answer_thanks.html")


# --- the group's questionnaire on the trainer's tablet ---------------------------------------


class GroupEvaluationMixin(RoleRequiredMixin):
    """The group's trainers and the programme manager; another group is a 404."""

    kwargs: dict[str, Any]
    request: HttpRequest

    def has_access(self, user: Any) -> bool:
        return access.is_manager(user) or access.is_trainer(user)

    def load(self) -> None:
        user = self.request.user
        groups = Group.objects.select_related("programme", "host_school")
        if not access.is_manager(user):
            groups = groups.filter(trainers__user=user)
        self.group = get_object_or_404(groups, pk=self.kwargs["group_id"])

    @cached_property
    def moment(self) -> Any:
        return selectors.open_moment(self.group)


class GroupEvaluationView(GroupEvaluationMixin, TemplateView):
    """The group's questionnaire page. For the group's trainers and the manager: the open
    moment and each child's first name to tap, or, without an open moment, the buttons to
    open one. For the coordinators of the children's schools and the manager, while a
    moment is open whose teacher's questionnaire asks: a form per child (their own pupils)
    to invite the child's teacher."""

    template_name = "evaluations/group.html"
    teacher_forms: dict[int, TeacherInviteForm]

    def has_access(self, user: Any) -> bool:
        return access.is_manager(user) or access.is_trainer(user) or access.is_coordinator(user)

    def load(self) -> None:
        groups = enrolment_access.roster_groups_visible_to(self.request.user)
        self.group = get_object_or_404(
            groups.select_related("programme", "host_school"), pk=self.kwargs["group_id"]
        )
        self.teacher_forms = {}

    @cached_property
    def is_tablet(self) -> bool:
        """The group's own trainers and the manager: the children answer on their tablet."""
        user = self.request.user
        return access.is_manager(user) or self.group.trainers.filter(user=user).exists()

    def teacher_rows(self, questionnaires: dict[tuple[int, str], Any]) -> list[dict[str, Any]]:
        teacher = questionnaires.get((self.group.programme_id, Respondent.TEACHER))
        if self.moment is None or teacher is None or self.moment.moment not in teacher.moments():
            return []
        school_ids = evaluation_access.teacher_invite_school_ids(self.request.user)
        if school_ids is not None and not school_ids:
            return []
        rows = selectors.teacher_rows(self.group, self.moment.moment, school_ids)
        for row in rows:
            pk = row["enrolment"].pk
            row["form"] = self.teacher_forms.get(pk) or TeacherInviteForm(prefix=f"leerkracht-{pk}")
        return rows

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        questionnaires = selectors.current_questionnaires([self.group.programme_id])
        questionnaire = questionnaires.get((self.group.programme_id, Respondent.CHILD))
        tablet = self.is_tablet
        context.update(
            group=self.group,
            moment=self.moment,
            is_tablet=tablet,
            children=selectors.children_to_answer(self.group, self.moment.moment)
            if self.moment and tablet
            else [],
            moments=questionnaire.moments() if questionnaire and tablet else [],
            moment_labels=dict(Moment.choices),
            teachers=self.teacher_rows(questionnaires),
        )
        return context

    def post(self, request: HttpRequest, group_id: int) -> HttpResponse:
        if not self.is_tablet:
            raise PermissionDenied
        try:
            services.moment_open(group=self.group, moment=request.POST.get("moment", ""))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return HttpResponseRedirect(reverse("evaluation-group", args=[self.group.pk]))


class TeacherInviteView(GroupEvaluationView):
    """Invite one child's teacher (the form on the group's page): the coordinator of the
    child's school and the manager; another school's child is a 404. A refusal shows the
    group's page again with the form's errors."""

    def has_access(self, user: Any) -> bool:
        return access.is_manager(user) or access.is_coordinator(user)

    def load(self) -> None:
        super().load()
        self.enrolment = get_object_or_404(
            Enrolment.objects.select_related("child"),
            public_id=self.kwargs["public_id"],
            group=self.group,
            status__in=selectors.TOOK_PART,
        )
        if not evaluation_access.may_invite_teacher(
            self.request.user, self.enrolment.child.school_id
        ):
            raise Http404

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return HttpResponseRedirect(reverse("evaluation-group", args=[self.group.pk]))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = TeacherInviteForm(request.POST, prefix=f"leerkracht-{self.enrolment.pk}")
        if form.is_valid():
            try:
                services.teacher_invite(
                    group=self.group,
                    enrolment=self.enrolment,
                    email=form.cleaned_data["email"],
                    invited_by=request.user,
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(
                    request,
                    _("De leerkracht van %(name)s is uitgenodigd.")
                    % {"name": self.enrolment.child.first_name},
                )
                url = reverse("evaluation-group", args=[self.group.pk])
                return HttpResponseRedirect(f"{url}#leerkrachten")
        self.teacher_forms = {self.enrolment.pk: form}
        return self.render_to_response(self.get_context_data(), status=400)


class ChildAnswerView(GroupEvaluationMixin, TemplateView):
    """One child's questionnaire: large buttons, no typing; back to the names after."""

    template_name = "evaluations/child.html"

    def load(self) -> None:
        super().load()
        self.enrolment = get_object_or_404(
            Enrolment.objects.select_related("child"),
            public_id=self.kwargs["public_id"],
            group=self.group,
            status__in=selectors.TOOK_PART,
        )
        if self.moment is None:
            raise Http404(_("De vragenlijst staat nu niet open."))
        self.questionnaire = selectors.current_questionnaire(self.group.programme, Respondent.CHILD)
        if self.questionnaire is None:
            raise Http404(_("Er is geen vragenlijst voor kinderen."))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            group=self.group,
            first_name=self.enrolment.child.first_name,
            questionnaire=self.questionnaire,
            items=question_items(self.questionnaire.questions.all(), typing=False),
        )
        return context

    def post(self, request: HttpRequest, group_id: int, public_id: Any) -> HttpResponse:
        try:
            services.child_answer_in_group(
                group=self.group, enrolment=self.enrolment, data=request.POST
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(request.path)
        messages.success(
            request, _("Dank je wel, %(name)s!") % {"name": self.enrolment.child.first_name}
        )
        return HttpResponseRedirect(reverse("evaluation-group", args=[self.group.pk]))
