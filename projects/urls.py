from __future__ import annotations

from django.urls import path

from projects.apis import (
    BitbucketWebhookApi,
    GitHubWebhookApi,
    GitLabWebhookApi,
    ProjectDetailApi,
    ProjectListApi,
    ProjectStatsApi,
    ProjectWebhookRegisterApi,
)

urlpatterns = [
    path("projects", ProjectListApi.as_view(), name="project-list"),
    path("projects/<int:project_id>", ProjectDetailApi.as_view(), name="project-detail"),
    path("projects/<int:project_id>/stats", ProjectStatsApi.as_view(), name="project-stats"),
    path("projects/<int:project_id>/webhook", ProjectWebhookRegisterApi.as_view(), name="project-webhook"),
    path("webhooks/github", GitHubWebhookApi.as_view(), name="webhook-github"),
    path("webhooks/gitlab", GitLabWebhookApi.as_view(), name="webhook-gitlab"),
    path("webhooks/bitbucket", BitbucketWebhookApi.as_view(), name="webhook-bitbucket"),
]
