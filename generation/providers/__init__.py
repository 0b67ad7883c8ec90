"""Generation providers: the built-in generator and language models behind one interface."""

from __future__ import annotations

from generation.providers.base import GenerationProvider, ProviderError, ProviderResult, TokenBudget, Usage

__all__ = ["GenerationProvider", "ProviderError", "ProviderResult", "TokenBudget", "Usage"]
