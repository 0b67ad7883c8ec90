"""Llama (or any open model) on an OpenAI-compatible server: Ollama, vLLM, llama.cpp, LM Studio.

Configured with a base URL (Ollama: ``http://host:11434/v1``; vLLM: ``http://host:8000/v1``)
and a model name; a key only when the server is set up to require one.
"""

from __future__ import annotations

from decimal import Decimal

from generation.providers.base import Usage
from generation.providers.openai import OpenAIProvider


class LlamaProvider(OpenAIProvider):
    name = "llama"
    label = "Llama (OpenAI-compatible server)"
    default_model = "llama3.1"
    token_parameter = "max_tokens"
    # The SDK insists on a key; servers without authentication ignore whatever is sent.
    api_key_when_unset = "no-key"

    def cost(self, usage: Usage) -> Decimal | None:
        # Self-hosted: tokens are not billed per call.
        return Decimal("0")
