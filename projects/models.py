"""Projects: one API under test, its repository, its target environment."""
from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from testgen.api.scrub import scrub
from testgen.crypto import EncryptedJSONField, EncryptedTextField

# Header names whose values are credentials whatever they look like.
_SECRET_HEADER_NAME = re.compile(
    r"(?i)(authorization|cookie|token|secret|passw|api[-_]?key|auth|session|signature|credential|private)"
)


def header_is_secret(name: str, value: str) -> bool:
    """A header is secret when its name says so or its value has a known secret shape."""
    return bool(_SECRET_HEADER_NAME.search(name)) or scrub(str(value)) != str(value)


class Project(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        ARCHIVED = "archived", "Archived"

    class Health(models.TextChoices):
        OK = "ok", "OK"
        WARNING = "warning", "Warning"
        ERROR = "error", "Error"

    class AuthType(models.TextChoices):
        NONE = "none", "None"
        TOKEN = "token", "HTTPS token"
        PASSWORD = "password", "HTTPS username and password"
        SSH_KEY = "ssh_key", "SSH deploy key"

    class WebhookProvider(models.TextChoices):
        GITHUB = "github", "GitHub"
        GITLAB = "gitlab", "GitLab"
        BITBUCKET = "bitbucket", "Bitbucket"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="projects"
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    repository_url = models.CharField(max_length=500, blank=True)
    repository_branch = models.CharField(max_length=255, default="main")
    repository_subdirectory = models.CharField(max_length=500, blank=True)
    repository_auth_type = models.CharField(
        max_length=16, choices=AuthType.choices, default=AuthType.NONE
    )
    # The username is not a secret; the token, password or private key is, and is never
    # returned by the API.
    repository_username = models.CharField(max_length=255, blank=True)
    repository_secret = EncryptedTextField(blank=True)

    spec_file = models.FileField(upload_to="specs/%Y/%m/", blank=True)
    spec_url = models.URLField(max_length=1000, blank=True)

    target_base_url = models.URLField(max_length=1000, blank=True)
    # Default headers are split so credentials (Authorization, API keys, ...) are encrypted at
    # rest while ordinary headers stay readable; `default_headers` joins them.
    plain_headers = models.JSONField(default=dict, blank=True)
    secret_headers = EncryptedJSONField(default=dict, blank=True)

    coverage_threshold = models.PositiveSmallIntegerField(
        default=80, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)

    webhook_secret = EncryptedTextField(blank=True)
    webhook_provider = models.CharField(max_length=16, choices=WebhookProvider.choices, blank=True)
    webhook_external_id = models.CharField(max_length=255, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="projects_project_owner_name_unique"),
        ]
        indexes = [
            models.Index(fields=["owner", "status"], name="projects_owner_status_idx"),
            models.Index(fields=["status"], name="projects_status_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def default_headers(self) -> dict[str, str]:
        return {**(self.plain_headers or {}), **(self.secret_headers or {})}

    @default_headers.setter
    def default_headers(self, headers: dict[str, Any] | None) -> None:
        plain: dict[str, str] = {}
        secret: dict[str, str] = {}
        for name, value in (headers or {}).items():
            (secret if header_is_secret(name, str(value)) else plain)[name] = str(value)
        self.plain_headers = plain
        self.secret_headers = secret

    @property
    def has_repository_credentials(self) -> bool:
        return bool(self.repository_secret)

    @property
    def health(self) -> str:
        """ok / warning (coverage below threshold) / error (last scan failed), from cached stats."""
        from projects.selectors import project_stats

        return project_stats(project=self)["health"]

    @property
    def is_archived(self) -> bool:
        return self.status == self.Status.ARCHIVED


class WebhookDelivery(models.Model):
    """One received provider delivery; the unique id per provider makes replays no-ops."""

    class Outcome(models.TextChoices):
        TRIGGERED = "triggered", "Rescan triggered"
        IGNORED = "ignored", "Ignored"
        FAILED = "failed", "Rescan could not be created"

    provider = models.CharField(max_length=16, choices=Project.WebhookProvider.choices)
    delivery_id = models.CharField(max_length=255)
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="webhook_deliveries")
    event = models.CharField(max_length=100)
    branch = models.CharField(max_length=255, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    reason = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "delivery_id"], name="projects_webhookdelivery_provider_delivery_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider}:{self.delivery_id}"
