"""The generation provider interface: one endpoint contract in, test drafts out.

Every provider (the built-in generator, OpenAI, Anthropic, Gemini, any OpenAI-compatible
Llama server) implements `GenerationProvider.generate`. A draft is
``{"title", "description", "type", "priority"?, "spec"}`` whose spec validates against
`generation.spec`; providers never hand back anything that does not.

Failures are `ProviderError`s: ``permanent`` ones (a bad key, a model that keeps answering
out of shape, an exhausted token budget) are recorded and not retried; transient ones (rate
limits, 5xx, timeouts that outlived the provider's own backoff) may be retried by the caller.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar


class ProviderError(Exception):
    """A provider could not produce drafts. ``permanent`` errors are not worth retrying."""

    def __init__(self, message: str, *, permanent: bool = True, code: str = "provider_error") -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent
        self.code = code


@dataclass
class Usage:
    input_tokens: int = 0
    output_tokens: int = 0

    @property
    def total(self) -> int:
        return self.input_tokens + self.output_tokens

    def add(self, other: Usage) -> None:
        self.input_tokens += other.input_tokens
        self.output_tokens += other.output_tokens

    def to_dict(self) -> dict[str, int]:
        return {"input_tokens": self.input_tokens, "output_tokens": self.output_tokens}


@dataclass
class ProviderResult:
    drafts: list[dict[str, Any]]
    usage: Usage = field(default_factory=Usage)
    # USD; None when the model's price is unknown (a self-hosted or unlisted model).
    cost_estimate: Decimal | None = Decimal("0")
    model: str = ""
    # Versions of the prompt templates used, by test type ({"security": "security.v1"}).
    prompt_versions: dict[str, str] = field(default_factory=dict)
    # Drafts the provider produced that failed validation and were dropped (never saved).
    rejected: list[str] = field(default_factory=list)


class TokenBudget:
    """Tokens one job may spend across all its provider calls."""

    def __init__(self, limit: int | None, used: int = 0) -> None:
        self.limit = limit
        self.used = used

    @property
    def remaining(self) -> int | None:
        return None if self.limit is None else max(self.limit - self.used, 0)

    @property
    def exhausted(self) -> bool:
        return self.limit is not None and self.used >= self.limit

    def charge(self, usage: Usage) -> None:
        self.used += usage.total


class GenerationProvider(ABC):
    """One way of producing test drafts for an endpoint."""

    name: ClassVar[str]
    label: ClassVar[str]

    @abstractmethod
    def generate(
        self,
        contract: Any,
        *,
        existing: Sequence[dict[str, Any]] = (),
        test_types: Sequence[str],
        instructions: str = "",
        max_tests: int = 20,
        related: Sequence[Any] = (),
        seed: int = 0,
        budget: TokenBudget | None = None,
    ) -> ProviderResult:
        """Drafts for `contract` (an `EndpointContract` or anything convertible to one).

        `existing` are drafts already made for the endpoint (to add to, not repeat);
        `related` the project's other endpoints (for scenarios); `instructions` the user's
        own guidance. Raises ProviderError.
        """
