from __future__ import annotations

from django.contrib import admin, messages
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest

from projects.models import Project, WebhookDelivery
from projects.services import project_status_change
from testgen.api.errors import ConflictError


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "status", "repository_url", "repository_branch", "coverage_threshold", "created_at")
    list_filter = ("status", "repository_auth_type", "webhook_provider", "created_at")
    search_fields = ("name", "description", "repository_url", "owner__email")
    list_select_related = ("owner",)
    raw_id_fields = ("owner",)
    readonly_fields = ("created_at", "updated_at", "webhook_provider", "webhook_external_id")
    # Secrets are write-only everywhere, the admin included.
    exclude = ("repository_secret", "secret_headers", "webhook_secret")
    actions = ("archive", "unarchive")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def _transition(self, request: HttpRequest, queryset: QuerySet[Project], status: str) -> None:
        changed = 0
        for project in queryset:
            try:
                project_status_change(project=project, status=status)
                changed += 1
            except ConflictError as exc:
                self.message_user(request, f"{project}: {exc.message}", level=messages.WARNING)
        self.message_user(request, f"{changed} project(s) changed to {status}.")

    @admin.action(description="Archive selected projects")
    def archive(self, request: HttpRequest, queryset: QuerySet[Project]) -> None:
        self._transition(request, queryset, Project.Status.ARCHIVED)

    @admin.action(description="Unarchive selected projects")
    def unarchive(self, request: HttpRequest, queryset: QuerySet[Project]) -> None:
        self._transition(request, queryset, Project.Status.ACTIVE)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ("provider", "delivery_id", "project", "event", "branch", "outcome", "created_at")
    list_filter = ("provider", "outcome", "event")
    search_fields = ("delivery_id", "project__name")
    list_select_related = ("project",)
    raw_id_fields = ("project",)
