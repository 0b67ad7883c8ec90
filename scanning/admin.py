"""Read-mostly admin for endpoints and scan jobs; actions go through services."""
from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from scanning.models import Endpoint, EndpointHistory, ScanJob
from scanning.services import scan_job_cancel, scan_job_create
from testgen.api.errors import ApplicationError


class ReadOnlyAdmin(admin.ModelAdmin):
    """Scans write these rows; editing them by hand would desynchronise fingerprints and history."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EndpointHistoryInline(admin.TabularInline):
    model = EndpointHistory
    fields = ("change", "scan_job", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Endpoint)
class EndpointAdmin(ReadOnlyAdmin):
    list_display = ("method", "path", "project", "framework", "status", "in_code", "in_spec", "last_seen")
    list_filter = ("status", "method", "framework", "in_code", "in_spec")
    search_fields = ("path", "operation_id", "summary", "handler", "project__name")
    list_select_related = ("project",)
    raw_id_fields = ("project",)
    inlines = [EndpointHistoryInline]


@admin.register(ScanJob)
class ScanJobAdmin(ReadOnlyAdmin):
    list_display = ("id", "project", "trigger", "source", "status", "progress", "files_scanned", "files_parsed",
                    "endpoints_found", "created_at", "finished_at")
    list_filter = ("status", "trigger", "source")
    search_fields = ("project__name", "commit_sha", "error_message")
    list_select_related = ("project",)
    raw_id_fields = ("project", "requested_by")
    actions = ("rescan", "cancel")

    @admin.action(description="Rescan the projects of the selected jobs")
    def rescan(self, request: HttpRequest, queryset: QuerySet[ScanJob]) -> None:
        queued = 0
        for project in {job.project for job in queryset.select_related("project")}:
            job = queryset.filter(project=project).first()
            try:
                scan_job_create(project=project, trigger=ScanJob.Trigger.USER, source=job.source if job else "repository",
                                requested_by=request.user)
                queued += 1
            except (ApplicationError, ValidationError) as exc:
                self.message_user(request, f"{project}: {_message(exc)}", level=messages.WARNING)
        self.message_user(request, f"{queued} scan(s) queued.")

    @admin.action(description="Cancel the selected scans")
    def cancel(self, request: HttpRequest, queryset: QuerySet[ScanJob]) -> None:
        cancelled = 0
        for job in queryset:
            try:
                scan_job_cancel(job=job)
                cancelled += 1
            except ApplicationError as exc:
                self.message_user(request, f"Scan {job.pk}: {exc.message}", level=messages.WARNING)
        self.message_user(request, f"{cancelled} scan(s) cancelled.")


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return getattr(exc, "message", str(exc))
