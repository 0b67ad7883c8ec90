"""The providers by name, and how to build one for a project."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from generation.providers.anthropic import AnthropicProvider
from generation.providers.base import GenerationProvider, ProviderError
from generation.providers.builtin import BuiltinProvider
from generation.providers.config import KEY_REQUIRED, ProviderConfig, resolve_provider_config
from generation.providers.gemini import GeminiProvider
from generation.providers.llama import LlamaProvider
from generation.providers.llm import LLMProvider
from generation.providers.openai import OpenAIProvider

PROVIDERS: dict[str, type[GenerationProvider]] = {
    BuiltinProvider.name: BuiltinProvider,
    OpenAIProvider.name: OpenAIProvider,
    AnthropicProvider.name: AnthropicProvider,
    GeminiProvider.name: GeminiProvider,
    LlamaProvider.name: LlamaProvider,
}
PROVIDER_CHOICES = [(name, cls.label) for name, cls in PROVIDERS.items()]
DEFAULT_PROVIDER = BuiltinProvider.name

MESSAGE_UNKNOWN_PROVIDER = "Unknown provider {name!r}."
MESSAGE_NO_KEY = "No API key is configured for {label}: add one to the project or set TESTGEN_{env}_API_KEY."
MESSAGE_NO_BASE_URL = "No base URL is configured for {label}."


def configuration_problem(config: ProviderConfig) -> str | None:
    """Why `config` cannot work, or None."""
    cls = PROVIDERS.get(config.provider)
    if cls is None:
        return MESSAGE_UNKNOWN_PROVIDER.format(name=config.provider)
    if config.provider in KEY_REQUIRED and not config.api_key:
        return MESSAGE_NO_KEY.format(label=cls.label, env=config.provider.upper())
    if config.provider == LlamaProvider.name and not config.base_url:
        return MESSAGE_NO_BASE_URL.format(label=cls.label)
    return None


def build_provider(
    config: ProviderConfig,
    *,
    http_client: Any = None,
    sleep: Callable[[float], None] = time.sleep,
) -> GenerationProvider:
    """An instance ready to generate; ProviderError (permanent) when misconfigured."""
    problem = configuration_problem(config)
    if problem:
        raise ProviderError(problem, permanent=True, code="provider_not_configured")
    cls = PROVIDERS[config.provider]
    if issubclass(cls, LLMProvider):
        return cls(config, http_client=http_client, sleep=sleep)
    return cls()


def provider_for_project(
    *,
    provider: str,
    project: Any,
    model: str = "",
    http_client: Any = None,
    sleep: Callable[[float], None] = time.sleep,
) -> GenerationProvider:
    return build_provider(
        resolve_provider_config(provider=provider, project=project, model=model),
        http_client=http_client,
        sleep=sleep,
    )
