"""Pages under /evaluaties/: the personal questionnaire link and the group's questionnaire."""

from __future__ import annotations

from django.urls import path

from evaluations import views, views_compose

urlpatterns = [
    path("vragenlijst/<str:token>/", views.AnswerByLinkView.as_view(), name="evaluation-answer"),
    path("groep/<int:group_id>/", views.GroupEvaluationView.as_view(), name="evaluation-group"),
    path(
        "groep/<int:group_id>/kind/<uuid:public_id>/",
        views.ChildAnswerView.as_view(),
        name="evaluation-child",
    ),
    path(
        "groep/<int:group_id>/leerkracht/<uuid:public_id>/",
        views.TeacherInviteView.as_view(),
        name="evaluation-teacher-invite",
    ),
    # The programme manager's composer.
    path(
        "vragenlijsten/", views_compose.ComposerListView.as_view(), name="evaluation-compose-list"
    ),
    path(
        "vragenlijsten/<int:programme_id>/<str:respondent>/concept/",
        views_compose.DraftStartView.as_view(),
        name="evaluation-compose-draft",
    ),
    path(
        "vragenlijsten/<int:questionnaire_id>/",
        views_compose.QuestionnaireEditView.as_view(),
        name="evaluation-compose-edit",
    ),
    path(
        "vragenlijsten/<int:questionnaire_id>/vraag/",
        views_compose.QuestionAddView.as_view(),
        name="evaluation-compose-question-add",
    ),
    path(
        "vragenlijsten/<int:questionnaire_id>/doel/",
        views_compose.GoalAddView.as_view(),
        name="evaluation-compose-goal-add",
    ),
    path(
        "vragenlijsten/<int:questionnaire_id>/doel/<int:goal_id>/",
        views_compose.GoalEditView.as_view(),
        name="evaluation-compose-goal",
    ),
    path(
        "vragenlijsten/<int:questionnaire_id>/doel/<int:goal_id>/verplaatsen/",
        views_compose.GoalMoveView.as_view(),
        name="evaluation-compose-goal-move",
    ),
    path(
        "vragenlijsten/<int:questionnaire_id>/doel/<int:goal_id>/verwijderen/",
        views_compose.GoalRemoveView.as_view(),
        name="evaluation-compose-goal-remove",
    ),
    path(
        "vragenlijsten/<int:questionnaire_id>/voorbeeld/",
        views_compose.QuestionnairePreviewView.as_view(),
        name="evaluation-compose-preview",
    ),
    path(
        "vragenlijsten/<int:questionnaire_id>/in-gebruik/",
        views_compose.QuestionnairePublishView.as_view(),
        name="evaluation-compose-publish",
    ),
    path(
        "vragen/<int:question_id>/",
        views_compose.QuestionEditView.as_view(),
        name="evaluation-compose-question",
    ),
    path(
        "vragen/<int:question_id>/verwijderen/",
        views_compose.QuestionRemoveView.as_view(),
        name="evaluation-compose-question-remove",
    ),
    path(
        "vragen/<int:question_id>/verplaatsen/",
        views_compose.QuestionMoveView.as_view(),
        name="evaluation-compose-question-move",
    ),
]
