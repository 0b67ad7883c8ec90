"""Test runs, their results, and the named identities tests are sent with."""
from __future__ import annotations

import secrets
import string

from django.conf import settings
from django.db import models

from testgen.crypto import EncryptedJSONField

RUN_ID_PREFIX = "run_"
RUN_ID_ALPHABET = string.ascii_lowercase + string.digits
# 36**10 ≈ 3.6e15 ids: a collision is rare enough that one retry almost never happens.
RUN_ID_LENGTH = 10


def generate_run_id() -> str:
    return RUN_ID_PREFIX + "".join(secrets.choice(RUN_ID_ALPHABET) for _ in range(RUN_ID_LENGTH))


class Identity(models.Model):
    """A named credential set of a project: static headers, or a login whose token is captured."""

    class Kind(models.TextChoices):
        STATIC_HEADERS = "static_headers", "Static headers"
        LOGIN = "login", "Login request"

    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="identities")
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # Static identities: the headers sent. Login identities: extra headers on the login request.
    headers = EncryptedJSONField(default=dict, blank=True)
    # {"method", "path", "query"?, "body"?}: the body usually holds a password, hence encrypted.
    login_request = EncryptedJSONField(null=True, blank=True)
    token_path = models.CharField(max_length=200, default="$.access_token")
    header_name = models.CharField(max_length=100, default="Authorization")
    header_template = models.CharField(max_length=200, default="Bearer {token}")
    ttl_seconds = models.PositiveIntegerField(null=True, blank=True)
    expires_in_path = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="execution_identity_project_name_unique"),
        ]
        verbose_name_plural = "identities"

    def __str__(self) -> str:
        return self.name


class TestRun(models.Model):
    __test__ = False  # not a pytest class, whatever its name says

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCESS = "success", "Success"
        FAILED = "failed", "Failed"
        PARTIAL = "partial", "Partial"
        CANCELLED = "cancelled", "Cancelled"
        ERROR = "error", "Error"

    ACTIVE_STATUSES = frozenset({Status.QUEUED, Status.RUNNING})
    FINISHED_STATUSES = frozenset({Status.SUCCESS, Status.FAILED, Status.PARTIAL, Status.CANCELLED, Status.ERROR})

    class Trigger(models.TextChoices):
        USER = "user", "User"
        API_KEY = "api_key", "API key"
        WEBHOOK = "webhook", "Webhook"
        SCHEDULE = "schedule", "Schedule"

    public_id = models.CharField(max_length=32, unique=True, editable=False)
    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="runs")
    trigger = models.CharField(max_length=16, choices=Trigger.choices, default=Trigger.USER)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="test_runs"
    )
    # {"test_ids": [...], "types": [...], "priorities": [...], "endpoint_ids": [...]}; empty = all approved.
    selection = models.JSONField(default=dict, blank=True)
    # The ordered test-case ids the run executes, fixed when it starts.
    plan = models.JSONField(default=list, blank=True)
    base_url = models.CharField(max_length=1000)
    # hostname → address, resolved and checked once when the run starts; every chunk connects
    # there, so a DNS answer that changes mid-run (rebinding) is never used.
    pinned_addresses = models.JSONField(default=dict, blank=True, editable=False)
    extra_headers = EncryptedJSONField(default=dict, blank=True)
    identity = models.ForeignKey(
        Identity, null=True, blank=True, on_delete=models.SET_NULL, related_name="runs",
        help_text="Credentials for `auth: default` steps; empty means the project's default headers.",
    )
    concurrency = models.PositiveSmallIntegerField(default=10)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    passed = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    errored = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    healed = models.PositiveIntegerField(default=0)
    pass_rate = models.FloatField(null=True, blank=True)
    duration_ms = models.PositiveBigIntegerField(null=True, blank=True)
    chunk_count = models.PositiveIntegerField(default=0)
    error_message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Past this, a run still queued or running is considered lost and becomes `error`.
    deadline = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["project", "-created_at"], name="execution_run_project_created"),
            models.Index(fields=["status", "deadline"], name="execution_run_status_deadline"),
        ]

    def __str__(self) -> str:
        return self.public_id

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED_STATUSES


class TestResult(models.Model):
    __test__ = False

    class Status(models.TextChoices):
        PASSED = "passed", "Passed"
        FAILED = "failed", "Failed"
        ERROR = "error", "Error"
        SKIPPED = "skipped", "Skipped"

    run = models.ForeignKey(TestRun, on_delete=models.CASCADE, related_name="results")
    test_case = models.ForeignKey(
        "generation.TestCase", null=True, blank=True, on_delete=models.SET_NULL, related_name="results"
    )
    # Kept when the test case is deleted, so history still names what ran.
    test_case_public_id = models.CharField(max_length=24)
    test_case_version = models.PositiveIntegerField(default=1)
    title = models.CharField(max_length=300, blank=True)
    test_type = models.CharField(max_length=16, blank=True)
    endpoint = models.ForeignKey(
        "scanning.Endpoint", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices)
    duration_ms = models.PositiveIntegerField(default=0)
    request = models.JSONField(null=True, blank=True)
    response = models.JSONField(null=True, blank=True)
    assertions = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    metrics = models.JSONField(null=True, blank=True)
    healed = models.BooleanField(default=False)
    chunk_index = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "test_case"], name="execution_result_run_test_case_unique"),
            # Also holds once the test case is deleted (test_case NULL).
            models.UniqueConstraint(
                fields=["run", "test_case_public_id"], name="execution_result_run_public_id_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["run", "status"], name="execution_result_run_status"),
            models.Index(fields=["test_case", "-created_at"], name="execution_result_case_created"),
        ]

    def __str__(self) -> str:
        return f"{self.test_case_public_id} {self.status}"
