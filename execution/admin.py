from __future__ import annotations

from typing import Any

from django.contrib import admin, messages

from execution.models import Identity, TestResult, TestRun
from execution.services import test_run_cancel
from testgen.api.errors import ConflictError


@admin.register(TestRun)
class TestRunAdmin(admin.ModelAdmin):
    list_display = ("public_id", "project", "status", "trigger", "total", "passed", "failed", "errored", "created_at")
    list_filter = ("status", "trigger")
    search_fields = ("public_id", "project__name")
    raw_id_fields = ("project", "requested_by", "identity")
    readonly_fields = ("public_id", "plan", "created_at", "started_at", "finished_at")
    exclude = ("extra_headers",)  # secrets never shown, even to staff
    actions = ["cancel_runs"]

    @admin.action(description="Cancel the selected runs")
    def cancel_runs(self, request: Any, queryset: Any) -> None:
        cancelled = 0
        for run in queryset:
            try:
                test_run_cancel(run=run)
                cancelled += 1
            except ConflictError:
                continue
        self.message_user(request, f"{cancelled} run(s) cancelled.", messages.SUCCESS)


@admin.register(TestResult)
class TestResultAdmin(admin.ModelAdmin):
    list_display = ("test_case_public_id", "run", "status", "duration_ms", "created_at")
    list_filter = ("status", "test_type")
    search_fields = ("test_case_public_id", "run__public_id")
    raw_id_fields = ("run", "test_case", "endpoint")


@admin.register(Identity)
class IdentityAdmin(admin.ModelAdmin):
    list_display = ("name", "project", "kind", "created_at")
    list_filter = ("kind",)
    raw_id_fields = ("project",)
    exclude = ("headers", "login_request")  # encrypted credentials stay out of the admin
