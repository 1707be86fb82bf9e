"""Pages of the scheduler, under `/planning/`. Paths are Dutch (users see them); names English."""

from __future__ import annotations

from django.urls import path

from scheduler import views

urlpatterns = [
    path("", views.PlanningView.as_view(), name="planning-home"),
    path(
        "verzoeken/nieuw/",
        views.PlanningRequestCreateView.as_view(),
        name="planning-request-create",
    ),
    path(
        "verzoeken/<int:pk>/intrekken/",
        views.PlanningRequestWithdrawView.as_view(),
        name="planning-request-withdraw",
    ),
    path("planner/starten/", views.PlannerStartView.as_view(), name="planning-planner-start"),
    path(
        "planner/<int:pk>/accepteren/",
        views.PlannerAcceptView.as_view(),
        name="planning-planner-accept",
    ),
    path("groepen/", views.GroupListView.as_view(), name="planning-group-list"),
    path("groepen/nieuw/", views.GroupCreateView.as_view(), name="planning-group-create"),
    path("groepen/<int:pk>/", views.GroupDetailView.as_view(), name="planning-group-detail"),
    path("groepen/<int:pk>/status/", views.GroupStatusView.as_view(), name="planning-group-status"),
    path(
        "groepen/<int:pk>/annuleren/",
        views.GroupCancelView.as_view(),
        name="planning-group-cancel",
    ),
    path(
        "groepen/<int:pk>/beslissen/",
        views.GroupDecideView.as_view(),
        name="planning-group-decide",
    ),
    path(
        "groepen/<int:pk>/trainer-vervangen/",
        views.TrainerReplaceView.as_view(),
        name="planning-trainer-replace",
    ),
    path(
        "bijeenkomsten/<int:pk>/verplaatsen/",
        views.SessionMoveView.as_view(),
        name="planning-session-move",
    ),
    path(
        "bijeenkomsten/<int:pk>/laten-vervallen/",
        views.SessionCancelView.as_view(),
        name="planning-session-cancel",
    ),
    path("agenda/", views.CalendarView.as_view(), name="planning-calendar"),
    path("programmakleuren.css", views.programme_colours, name="planning-programme-colours"),
    path("mijn-rooster/", views.MyScheduleView.as_view(), name="planning-my-schedule"),
]
