"""Test cases: a reviewed, versioned spec for one endpoint (or a scenario across several)."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q

from projects.models import Project
from scanning.models import Endpoint

# The file name matches pytest's `test_*.py`; this keeps pytest from collecting the models.
__test__ = False

PUBLIC_ID_PREFIX = "TC-"
_PUBLIC_ID = re.compile(r"^TC-(\d{1,18})$", re.IGNORECASE)


def format_public_id(pk: int) -> str:
    # Derived from the primary key, a database sequence, so two concurrent creations can
    # never be handed the same number (unlike count() + 1).
    return f"{PUBLIC_ID_PREFIX}{pk:05d}"


def parse_public_id(value: str) -> int | None:
    """The primary key named by `TC-00042` (or `tc-42`), or None when `value` is not such an id."""
    match = _PUBLIC_ID.match(value.strip()) if isinstance(value, str) else None
    if not match:
        return None
    pk = int(match.group(1))
    return pk if pk > 0 else None


def _canonical_request(request: dict[str, Any]) -> dict[str, Any]:
    canonical: dict[str, Any] = {
        "method": str(request.get("method", "")).upper(),
        "path": request.get("path", ""),
        "auth": request.get("auth", "default"),
    }
    for key in ("path_params", "query"):
        if request.get(key):
            canonical[key] = request[key]
    if request.get("headers"):
        # HTTP header names are case-insensitive: `X-Trace` and `x-trace` are the same test.
        canonical["headers"] = {name.lower(): value for name, value in request["headers"].items()}
    if "body" in request:
        canonical["body"] = request["body"]
    return canonical


def _dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def spec_fingerprint(spec: dict[str, Any]) -> str:
    """sha256 of what a spec sends and checks, ignoring names and ordering that change nothing.

    Step names are labels and assertions are a set (their order does not change the verdict),
    so neither takes part; the order of steps does, as later steps use earlier captures.
    """
    steps = [
        {
            "request": _canonical_request(step.get("request", {})),
            "assertions": sorted(_dumps(a) for a in step.get("assertions", [])),
            "capture": step.get("capture", {}),
        }
        for step in spec.get("steps", [])
    ]
    canonical = {"steps": steps, "load": spec.get("load")}
    return hashlib.sha256(_dumps(canonical).encode("utf-8")).hexdigest()


class TestCase(models.Model):
    __test__ = False  # not a pytest class, whatever its name says

    class Type(models.TextChoices):
        FUNCTIONAL = "functional", "Functional"
        NEGATIVE = "negative", "Negative"
        EDGE_CASE = "edge_case", "Edge case"
        SECURITY = "security", "Security"
        PERFORMANCE = "performance", "Performance"
        SCENARIO = "scenario", "Scenario"

    class Priority(models.TextChoices):
        CRITICAL = "critical", "Critical"
        HIGH = "high", "High"
        MEDIUM = "medium", "Medium"
        LOW = "low", "Low"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        NEEDS_REVIEW = "needs_review", "Needs review"
        ARCHIVED = "archived", "Archived"

    # The review workflow, in one place: which status may follow which. Archiving is allowed
    # from everywhere and is final (an archived test is read-only history).
    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        Status.DRAFT: frozenset({Status.APPROVED, Status.REJECTED, Status.ARCHIVED}),
        Status.APPROVED: frozenset({Status.NEEDS_REVIEW, Status.ARCHIVED}),
        Status.NEEDS_REVIEW: frozenset({Status.APPROVED, Status.REJECTED, Status.ARCHIVED}),
        Status.REJECTED: frozenset({Status.ARCHIVED}),
        Status.ARCHIVED: frozenset(),
    }
    # Editing the spec of a test in one of these statuses sends it back to review as a draft:
    # an approval covers the spec that was approved, not the one that replaced it.
    SPEC_EDIT_RESETS_TO_DRAFT: ClassVar[frozenset[str]] = frozenset({Status.APPROVED})
    # Highest first; used for ordering by risk rather than alphabetically.
    PRIORITY_RANK: ClassVar[dict[str, int]] = {
        Priority.CRITICAL: 4,
        Priority.HIGH: 3,
        Priority.MEDIUM: 2,
        Priority.LOW: 1,
    }

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="test_cases")
    endpoint = models.ForeignKey(
        Endpoint, null=True, blank=True, on_delete=models.SET_NULL, related_name="test_cases"
    )
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    type = models.CharField(max_length=16, choices=Type.choices)
    priority = models.CharField(max_length=10, choices=Priority.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    spec = models.JSONField()
    spec_fingerprint = models.CharField(max_length=64, editable=False)
    generator_provider = models.CharField(max_length=50, blank=True)
    generator_model = models.CharField(max_length=100, blank=True)
    prompt_version = models.CharField(max_length=50, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="created_test_cases",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="approved_test_cases",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    last_healed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "spec_fingerprint"],
                condition=~Q(status="archived"),
                name="generation_testcase_live_fingerprint_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["project", "status"], name="generation_tc_project_status"),
            models.Index(fields=["project", "-created_at"], name="generation_tc_project_created"),
            models.Index(fields=["endpoint", "status"], name="generation_tc_endpoint_status"),
        ]

    def __str__(self) -> str:
        return f"{self.public_id} {self.title}"

    @property
    def public_id(self) -> str:
        return format_public_id(self.pk) if self.pk else ""

    @property
    def is_archived(self) -> bool:
        return self.status == self.Status.ARCHIVED

    def can_transition_to(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, frozenset())


class TestCaseVersion(models.Model):
    """The title and spec of a test case as of one version; version 1 is what was generated."""

    __test__ = False

    test_case = models.ForeignKey(TestCase, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=300)
    spec = models.JSONField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="test_case_versions",
    )
    reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["test_case", "version"], name="generation_testcaseversion_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{format_public_id(self.test_case_id)} v{self.version}"
