"""Discovered endpoints, their history, the scan jobs that find them and the per-file facts cache."""
from __future__ import annotations

import hashlib
import json
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from projects.models import Project

CONTRACT_FIELDS = ("method", "path", "parameters", "request_body", "responses")


def contract_fingerprint(
    *,
    method: str,
    path: str,
    parameters: list[dict[str, Any]],
    request_body: dict[str, Any] | None,
    responses: dict[str, Any],
) -> str:
    """sha256 of the canonical contract: what a client relies on, not where the code lives.

    Parameters are sorted by (location, name) so that reordering decorators or spec entries
    does not read as a contract change.
    """
    canonical = {
        "method": method.upper(),
        "path": path,
        "parameters": sorted(
            parameters or [], key=lambda p: (str(p.get("location", "")), str(p.get("name", "")))
        ),
        "request_body": request_body,
        "responses": responses or {},
    }
    encoded = json.dumps(canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


class Endpoint(models.Model):
    """One HTTP operation of a project's API, as last seen in code and/or spec.

    Removed endpoints are kept (status `removed`) so tests and history still point at
    something; only one *active* row may exist per (project, method, path).
    """

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        REMOVED = "removed", "Removed"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="endpoints")
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=1000)
    operation_id = models.CharField(max_length=255, blank=True)
    summary = models.TextField(blank=True)
    parameters = models.JSONField(default=list, blank=True)
    request_body = models.JSONField(null=True, blank=True)
    responses = models.JSONField(default=dict, blank=True)
    auth_required = models.BooleanField(null=True, blank=True)
    auth = models.CharField(max_length=255, blank=True)
    framework = models.CharField(max_length=30, blank=True)
    source_file = models.CharField(max_length=1000, blank=True)
    source_line = models.PositiveIntegerField(default=0)
    handler = models.CharField(max_length=255, blank=True)
    tags = models.JSONField(default=list, blank=True)
    # The `if` tests the route is registered under in code, outermost first: it is served only
    # when they hold. Empty: always served. Not part of the contract (see `contract_fingerprint`).
    conditions = models.JSONField(default=list, blank=True)
    fingerprint = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    in_code = models.BooleanField(default=False)
    in_spec = models.BooleanField(default=False)
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["path", "method", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "method", "path"],
                condition=Q(status="active"),
                name="scanning_endpoint_active_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["project", "status", "path"], name="scanning_ep_project_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def contract(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in CONTRACT_FIELDS}

    @property
    def drift(self) -> str:
        """`undocumented` (served, not in the spec), `unimplemented` (in the spec, not served) or ``""``."""
        if self.in_code and not self.in_spec:
            return "undocumented"
        if self.in_spec and not self.in_code:
            return "unimplemented"
        return ""


class ScanJob(models.Model):
    class Trigger(models.TextChoices):
        USER = "user", "User"
        WEBHOOK = "webhook", "Webhook"
        API = "api", "API"

    class Source(models.TextChoices):
        REPOSITORY = "repository", "Repository"
        SPEC_FILE = "spec_file", "Spec file"
        SPEC_URL = "spec_url", "Spec URL"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    FINISHED_STATUSES = (Status.SUCCEEDED, Status.FAILED, Status.CANCELLED)

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="scan_jobs")
    trigger = models.CharField(max_length=10, choices=Trigger.choices)
    source = models.CharField(max_length=12, choices=Source.choices, default=Source.REPOSITORY)
    # The spec this job reads when it was given one explicitly (an upload or a URL in the
    # request); otherwise the project's configured spec is used.
    spec_file = models.FileField(upload_to="scan-specs/%Y/%m/", blank=True)
    spec_url = models.URLField(max_length=1000, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(
        default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    files_scanned = models.PositiveIntegerField(default=0)
    files_parsed = models.PositiveIntegerField(default=0, help_text="Facts-cache misses.")
    endpoints_found = models.PositiveIntegerField(default=0)
    endpoints_added = models.PositiveIntegerField(default=0)
    endpoints_changed = models.PositiveIntegerField(default=0)
    endpoints_removed = models.PositiveIntegerField(default=0)
    endpoints_restored = models.PositiveIntegerField(default=0)
    warnings = models.JSONField(default=list, blank=True)
    error_message = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="scan_jobs",
    )
    commit_sha = models.CharField(max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Bumped by every progress save: a running job whose heartbeat stops is stuck.
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["project", "-created_at"], name="scanning_job_project_idx"),
            models.Index(fields=["status", "updated_at"], name="scanning_job_status_idx"),
        ]

    def __str__(self) -> str:
        return f"Scan {self.pk} of project {self.project_id} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED_STATUSES


class EndpointHistory(models.Model):
    """One contract change of an endpoint, with both contracts so healing can compare them."""

    class Change(models.TextChoices):
        ADDED = "added", "Added"
        CHANGED = "changed", "Changed"
        REMOVED = "removed", "Removed"
        RESTORED = "restored", "Restored"

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="history")
    scan_job = models.ForeignKey(
        ScanJob, null=True, blank=True, on_delete=models.SET_NULL, related_name="endpoint_changes"
    )
    change = models.CharField(max_length=10, choices=Change.choices)
    previous = models.JSONField(null=True, blank=True)
    new = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "endpoint history"

    def __str__(self) -> str:
        return f"{self.change} {self.endpoint_id}"


class FileFacts(models.Model):
    """The facts cache: what a scanner front end's `extract` returned for one file content.

    One row per (front end, facts version, content hash). Scanners sharing a front end
    (Express, Fastify and NestJS on one tree-sitter walk; the Python scanners on one `ast`
    walk) share one row per file. The facts are JSON text, encoded and decoded by the cache
    (`scanning.services.DatabaseFactsCache`), never queried inside.

    Keyed per project although facts are a pure function of (front end, version, content):
    sharing rows across tenants would let `files_parsed` reveal that another customer holds
    an identical file, and per-project rows go away with the project.
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="file_facts")
    front_end = models.CharField(max_length=30)
    version = models.CharField(max_length=20)
    sha256 = models.CharField(max_length=64)
    facts = models.TextField(help_text="The extracted facts, as JSON text.")
    # A file that failed to parse is cached too, so an unchanged broken file is not re-parsed
    # on every rescan; its warning is replayed from here.
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "file facts"
        constraints = [
            models.UniqueConstraint(
                fields=["project", "front_end", "version", "sha256"], name="scanning_filefacts_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.front_end}@{self.version}:{self.sha256[:12]}"
