"""Pages under /evaluaties/: the personal questionnaire link and the group's questionnaire."""

from __future__ import annotations

from django.urls import path

from evaluations import views

urlpatterns = [
    path("vragenlijst/<str:token>/", views.AnswerByLinkView.as_view(), name="evaluation-answer"),
    path("groep/<int:group_id>/", views.GroupEvaluationView.as_view(), name="evaluation-group"),
    path(
        "groep/<int:group_id>/kind/<uuid:public_id>/",
        views.ChildAnswerView.as_view(),
        name="evaluation-child",
    ),
]
