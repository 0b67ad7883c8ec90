from __future__ import annotations

from django.urls import path

from execution.apis import (
    IdentityDetailApi,
    IdentityListApi,
    RunCancelApi,
    RunDetailApi,
    RunJUnitApi,
    RunListApi,
    RunResultListApi,
)

urlpatterns = [
    path("projects/<int:project_id>/runs", RunListApi.as_view(), name="run-list"),
    path("projects/<int:project_id>/runs/<str:run_id>", RunDetailApi.as_view(), name="run-detail"),
    path("projects/<int:project_id>/runs/<str:run_id>/results", RunResultListApi.as_view(), name="run-results"),
    path("projects/<int:project_id>/runs/<str:run_id>/cancel", RunCancelApi.as_view(), name="run-cancel"),
    path("projects/<int:project_id>/runs/<str:run_id>/junit", RunJUnitApi.as_view(), name="run-junit"),
    path("projects/<int:project_id>/identities", IdentityListApi.as_view(), name="identity-list"),
    path("projects/<int:project_id>/identities/<str:name>", IdentityDetailApi.as_view(), name="identity-detail"),
]
