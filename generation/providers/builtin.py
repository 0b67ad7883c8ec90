"""The default provider: the offline, seeded, schema-driven generator of `generation.builtin`."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from generation import builtin
from generation.providers.base import GenerationProvider, ProviderResult, TokenBudget, Usage

BUILTIN_MODEL = "schema-v1"


class BuiltinProvider(GenerationProvider):
    name = "builtin"
    label = "Built-in (schema-driven, offline)"

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
        # Instructions are for language models; the built-in generator follows the schemas only.
        drafts = builtin.generate(
            contract, seed=seed, related=related, test_types=test_types, max_tests=max_tests
        )
        return ProviderResult(drafts=drafts, usage=Usage(), cost_estimate=Decimal("0"), model=BUILTIN_MODEL)
