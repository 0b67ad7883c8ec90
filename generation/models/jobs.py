"""Generation jobs (one request to generate tests for some endpoints) and provider credentials."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from generation.validators import BASE_URL_MAX_LENGTH, validate_base_url
from projects.models import Project
from testgen.crypto import EncryptedTextField

__all__ = ["GenerationJob", "ProviderCredential"]

PROVIDER_NAMES = (
    ("builtin", "Built-in"),
    ("openai", "OpenAI"),
    ("anthropic", "Anthropic"),
    ("gemini", "Google Gemini"),
    ("llama", "Llama (OpenAI-compatible)"),
)
MAX_TESTS_PER_ENDPOINT = 100
# Shorter keys get no hint: four characters of an eight-character key is half of it.
API_KEY_HINT_MIN_LENGTH = 12


class ProviderCredential(models.Model):
    """A project's own key, base URL and model for one language-model provider.

    It overrides the server-wide TESTGEN_<PROVIDER>_* settings; the key is encrypted at rest
    and never returned by the API.
    """

    class Provider(models.TextChoices):
        OPENAI = "openai", "OpenAI"
        ANTHROPIC = "anthropic", "Anthropic"
        GEMINI = "gemini", "Google Gemini"
        LLAMA = "llama", "Llama (OpenAI-compatible)"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="provider_credentials")
    provider = models.CharField(max_length=16, choices=Provider.choices)
    api_key = EncryptedTextField(blank=True)
    # Not a URLField: its validator refuses single-label hosts such as http://ollama:11434/v1.
    base_url = models.CharField(max_length=BASE_URL_MAX_LENGTH, blank=True, validators=[validate_base_url])
    model = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["provider"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "provider"], name="generation_providercredential_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project_id}:{self.provider}"

    @property
    def has_api_key(self) -> bool:
        return bool(self.api_key)

    @property
    def api_key_hint(self) -> str | None:
        """`…` and the key's last four characters, to tell keys apart; None for no or short keys."""
        if len(self.api_key or "") < API_KEY_HINT_MIN_LENGTH:
            return None
        return f"…{self.api_key[-4:]}"


class GenerationJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        PARTIAL = "partial", "Partially succeeded"
        FAILED = "failed", "Failed"

    FINISHED_STATUSES = (Status.SUCCEEDED, Status.PARTIAL, Status.FAILED)

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="generation_jobs")
    # --- configuration, fixed at creation
    endpoint_ids = models.JSONField(
        null=True, blank=True, help_text="Selected endpoints; null means all active."
    )
    test_types = models.JSONField(default=list)
    provider = models.CharField(max_length=16, choices=PROVIDER_NAMES, default="builtin")
    model = models.CharField(max_length=100, blank=True)
    include_builtin = models.BooleanField(
        default=True,
        help_text="With a language model, run the built-in generator first and let the model add to it.",
    )
    max_tests_per_endpoint = models.PositiveIntegerField(
        default=20, validators=[MinValueValidator(1), MaxValueValidator(MAX_TESTS_PER_ENDPOINT)]
    )
    instructions = models.TextField(blank=True, max_length=4000)
    seed = models.BigIntegerField(default=0)
    token_budget = models.PositiveIntegerField(null=True, blank=True)
    # --- progress and outcome
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(
        default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    endpoints_total = models.PositiveIntegerField(default=0)
    endpoints_done = models.PositiveIntegerField(default=0)
    tests_created = models.PositiveIntegerField(default=0)
    duplicates_skipped = models.PositiveIntegerField(default=0)
    counts_by_type = models.JSONField(default=dict, blank=True)
    errors = models.JSONField(
        default=list,
        blank=True,
        help_text="[{endpoint_id, method, path, provider, code, message, permanent}]",
    )
    input_tokens = models.PositiveIntegerField(default=0)
    output_tokens = models.PositiveIntegerField(default=0)
    estimated_cost = models.DecimalField(
        max_digits=12,
        decimal_places=6,
        null=True,
        blank=True,
        help_text="USD from list prices; null when a model's price is unknown.",
    )
    error_message = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="generation_jobs",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["project", "-created_at"], name="generation_job_project_created"),
            models.Index(fields=["status"], name="generation_job_status"),
        ]

    def __str__(self) -> str:
        return f"generation job {self.pk} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED_STATUSES

    @property
    def usage(self) -> dict[str, Any]:
        return {"input_tokens": self.input_tokens, "output_tokens": self.output_tokens}
