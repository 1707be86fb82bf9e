"""The programme manager's composer: the questionnaires per programme, a draft version with
its questions (add, edit, remove, reorder), the programme's goals (add, rename, reorder,
remove), a preview as the respondent sees it, and publishing. Thin doors onto
`evaluations.composing` and `evaluations.services`; a refusal shows on the form (400) and
changes nothing. Only the programme manager; a questionnaire, question or goal that does not
exist (or a goal of another programme than the questionnaire's) is a 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from core.forms import add_service_error
from core.views import NavSectionMixin
from evaluations import composing, services
from evaluations.forms import GoalForm, GoalRenameForm, QuestionForm, QuestionnaireForm
from evaluations.models import Goal, Question, Questionnaire, Respondent
from evaluations.views import question_items
from programmes import access
from programmes.mixins import RoleRequiredMixin
from programmes.models import Programme


class ComposerMixin(RoleRequiredMixin, NavSectionMixin):
    nav_section = "participation"
    request: HttpRequest
    kwargs: dict[str, Any]

    def has_access(self, user: Any) -> bool:
        return access.is_manager(user)


def edit_url(questionnaire: Questionnaire) -> str:
    return reverse("evaluation-compose-edit", args=[questionnaire.pk])


class ComposerListView(ComposerMixin, TemplateView):
    """Per programme and respondent group: the version in use, the draft, the answers."""

    template_name = "evaluations/compose/list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        programmes = Programme.objects.order_by("name_nl").prefetch_related(
            Prefetch(
                "questionnaires",
                Questionnaire.objects.annotate(
                    answers=Count("responses"), question_count=Count("questions", distinct=True)
                ).order_by("respondent", "-version"),
            )
        )
        rows = []
        for programme in programmes:
            versions = list(programme.questionnaires.all())
            lines = []
            for respondent, label in Respondent.choices:
                mine = [q for q in versions if q.respondent == respondent]
                published = next((q for q in mine if q.published_at), None)
                draft = mine[0] if mine and mine[0].published_at is None else None
                lines.append(
                    {
                        "respondent": respondent,
                        "label": label,
                        "published": published,
                        "draft": draft,
                        "versions": len(mine),
                    }
                )
            rows.append({"programme": programme, "lines": lines})
        context["rows"] = rows
        return context


class DraftStartView(ComposerMixin, View):
    """POST: open the draft of a programme's questionnaire (made from the newest version)."""

    def post(self, request: HttpRequest, programme_id: int, respondent: str) -> HttpResponse:
        programme = get_object_or_404(Programme, pk=programme_id)
        try:
            draft = composing.questionnaire_draft_start(programme=programme, respondent=respondent)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(reverse("evaluation-compose-list"))
        return HttpResponseRedirect(edit_url(draft))


class QuestionnaireMixin(ComposerMixin):
    def load(self) -> None:
        self.questionnaire = get_object_or_404(
            Questionnaire.objects.select_related("programme"), pk=self.kwargs["questionnaire_id"]
        )


class QuestionnaireEditView(QuestionnaireMixin, TemplateView):
    """A version with its questions; a draft can be changed, a published version is shown."""

    template_name = "evaluations/compose/edit.html"

    def questionnaire_form(self, data: Any = None) -> QuestionnaireForm:
        q = self.questionnaire
        return QuestionnaireForm(
            data,
            initial={
                "title_nl": q.title_nl,
                "title_en": q.title_en,
                "intro_nl": q.intro_nl,
                "intro_en": q.intro_en,
                "before": q.before,
                "after": q.after,
                "follow_up_months": q.follow_up_months,
            },
            prefix="questionnaire",
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        questionnaire = self.questionnaire
        context.update(
            questionnaire=questionnaire,
            is_draft=questionnaire.published_at is None,
            questions=list(
                questionnaire.questions.select_related("goal").order_by("position", "pk")
            ),
            form=kwargs.get("form") or self.questionnaire_form(),
            question_form=kwargs.get("question_form")
            or QuestionForm(programme=questionnaire.programme, prefix="question"),
            goals=list(
                Goal.objects.filter(programme=questionnaire.programme)
                .annotate(measured_by=Count("questions"))
                .order_by("position", "pk")
            ),
            goal_form=kwargs.get("goal_form") or GoalForm(prefix="goal"),
        )
        return context

    def post(self, request: HttpRequest, questionnaire_id: int) -> HttpResponse:
        form = self.questionnaire_form(request.POST)
        if form.is_valid():
            try:
                composing.questionnaire_update(
                    questionnaire=self.questionnaire, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("De vragenlijst is bewaard."))
                return HttpResponseRedirect(edit_url(self.questionnaire))
        return self.render_to_response(self.get_context_data(form=form), status=400)


class QuestionAddView(QuestionnaireEditView):
    """POST: a new question at the end of the draft."""

    def post(self, request: HttpRequest, questionnaire_id: int) -> HttpResponse:
        form = QuestionForm(request.POST, programme=self.questionnaire.programme, prefix="question")
        if form.is_valid():
            try:
                composing.question_add(questionnaire=self.questionnaire, question=form.as_input())
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("De vraag is toegevoegd."))
                return HttpResponseRedirect(edit_url(self.questionnaire) + "#vragen")
        return self.render_to_response(self.get_context_data(question_form=form), status=400)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return HttpResponseRedirect(edit_url(self.questionnaire))


class GoalAddView(QuestionnaireEditView):
    """POST: name a new goal of the questionnaire's programme."""

    def post(self, request: HttpRequest, questionnaire_id: int) -> HttpResponse:
        form = GoalForm(request.POST, prefix="goal")
        if form.is_valid():
            try:
                composing.goal_add(programme=self.questionnaire.programme, **form.cleaned_data)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("Het doel is toegevoegd."))
                return HttpResponseRedirect(edit_url(self.questionnaire) + "#doelen")
        return self.render_to_response(self.get_context_data(goal_form=form), status=400)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return HttpResponseRedirect(edit_url(self.questionnaire))


class GoalMixin(ComposerMixin):
    """A goal of the programme of the questionnaire the manager came from (another
    programme's goal is a 404); the page returns to that questionnaire."""

    def load(self) -> None:
        self.questionnaire = get_object_or_404(
            Questionnaire.objects.select_related("programme"), pk=self.kwargs["questionnaire_id"]
        )
        self.goal = get_object_or_404(
            Goal.objects.select_related("programme"),
            pk=self.kwargs["goal_id"],
            programme_id=self.questionnaire.programme_id,
        )

    def back(self) -> str:
        return edit_url(self.questionnaire) + f"#doel-{self.goal.pk}"


class GoalEditView(GoalMixin, TemplateView):
    """Rename a goal, in Dutch and English."""

    template_name = "evaluations/compose/goal.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            questionnaire=self.questionnaire,
            goal=self.goal,
            measured_by=self.goal.questions.count(),
            form=kwargs.get("form")
            or GoalRenameForm(initial={"name_nl": self.goal.name_nl, "name_en": self.goal.name_en}),
        )
        return context

    def post(self, request: HttpRequest, questionnaire_id: int, goal_id: int) -> HttpResponse:
        form = GoalRenameForm(request.POST)
        if form.is_valid():
            try:
                composing.goal_update(goal=self.goal, **form.cleaned_data)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("Het doel is bewaard."))
                return HttpResponseRedirect(self.back())
        return self.render_to_response(self.get_context_data(form=form), status=400)


class GoalMoveView(GoalMixin, View):
    def post(self, request: HttpRequest, questionnaire_id: int, goal_id: int) -> HttpResponse:
        try:
            composing.goal_move(goal=self.goal, direction=request.POST.get("direction", ""))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return HttpResponseRedirect(self.back())


class GoalRemoveView(GoalMixin, View):
    def post(self, request: HttpRequest, questionnaire_id: int, goal_id: int) -> HttpResponse:
        try:
            composing.goal_remove(goal=self.goal)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(self.back())
        messages.success(request, _("Het doel is verwijderd."))
        return HttpResponseRedirect(edit_url(self.questionnaire) + "#doelen")


class QuestionMixin(ComposerMixin):
    def load(self) -> None:
        self.question = get_object_or_404(
            Question.objects.select_related("questionnaire__programme", "goal"),
            pk=self.kwargs["question_id"],
        )
        self.questionnaire = self.question.questionnaire


class QuestionEditView(QuestionMixin, TemplateView):
    template_name = "evaluations/compose/question.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        q = self.question
        context.update(
            questionnaire=self.questionnaire,
            question=q,
            form=kwargs.get("form")
            or QuestionForm(
                programme=self.questionnaire.programme,
                initial={
                    "kind": q.kind,
                    "text_nl": q.text_nl,
                    "text_en": q.text_en,
                    "options_nl": q.options_nl,
                    "options_en": q.options_en,
                    "measures": q.measures,
                    "goal": q.goal,
                },
            ),
        )
        return context

    def post(self, request: HttpRequest, question_id: int) -> HttpResponse:
        form = QuestionForm(request.POST, programme=self.questionnaire.programme)
        if form.is_valid():
            try:
                composing.question_update(question=self.question, changes=form.as_input())
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("De vraag is bewaard."))
                return HttpResponseRedirect(edit_url(self.questionnaire) + "#vragen")
        return self.render_to_response(self.get_context_data(form=form), status=400)


class QuestionRemoveView(QuestionMixin, View):
    def post(self, request: HttpRequest, question_id: int) -> HttpResponse:
        try:
            composing.question_remove(question=self.question)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("De vraag is verwijderd."))
        return HttpResponseRedirect(edit_url(self.questionnaire) + "#vragen")


class QuestionMoveView(QuestionMixin, View):
    def post(self, request: HttpRequest, question_id: int) -> HttpResponse:
        try:
            composing.question_move(
                question=self.question, direction=request.POST.get("direction", "")
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return HttpResponseRedirect(edit_url(self.questionnaire) + f"#vraag-{self.question.pk}")


class QuestionnairePreviewView(QuestionnaireMixin, TemplateView):
    """The questions as the respondent sees them (children: large buttons, no typing)."""

    template_name = "evaluations/compose/preview.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        for_child = self.questionnaire.respondent == Respondent.CHILD
        context.update(
            questionnaire=self.questionnaire,
            for_child=for_child,
            large=for_child,
            errors={},
            items=question_items(
                self.questionnaire.questions.order_by("position", "pk"), typing=not for_child
            ),
        )
        return context


class QuestionnairePublishView(QuestionnaireMixin, View):
    def post(self, request: HttpRequest, questionnaire_id: int) -> HttpResponse:
        try:
            services.questionnaire_publish(questionnaire=self.questionnaire)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(edit_url(self.questionnaire))
        messages.success(
            request,
            _("Versie %(version)s is in gebruik; nieuwe uitnodigingen gebruiken deze versie.")
            % {"version": self.questionnaire.version},
        )
        return HttpResponseRedirect(reverse("evaluation-compose-list"))
