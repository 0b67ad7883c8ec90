"""Where a provider's key, base URL and model come from: the project, else the environment.

A project's `ProviderCredential` wins; otherwise these variables (read with django-environ,
or from Django settings of the same name once the settings module defines them):

- ``TESTGEN_OPENAI_API_KEY``, ``TESTGEN_OPENAI_BASE_URL``, ``TESTGEN_OPENAI_MODEL``
- ``TESTGEN_ANTHROPIC_API_KEY``, ``TESTGEN_ANTHROPIC_BASE_URL``, ``TESTGEN_ANTHROPIC_MODEL``
- ``TESTGEN_GEMINI_API_KEY``, ``TESTGEN_GEMINI_BASE_URL``, ``TESTGEN_GEMINI_MODEL``
- ``TESTGEN_LLAMA_BASE_URL``, ``TESTGEN_LLAMA_MODEL``, ``TESTGEN_LLAMA_API_KEY``
- ``TESTGEN_LLM_TIMEOUT`` (s), ``TESTGEN_LLM_MAX_ATTEMPTS``, ``TESTGEN_LLM_BACKOFF_BASE`` (s),
  ``TESTGEN_LLM_BACKOFF_CAP`` (s), ``TESTGEN_LLM_MAX_OUTPUT_TOKENS``
- ``TESTGEN_GENERATION_TOKEN_BUDGET``: default tokens one generation job may spend.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import environ
from django.conf import settings

_env = environ.Env()

DEFAULTS: dict[str, dict[str, str]] = {
    "openai": {"model": "gpt-4o-mini", "base_url": ""},
    "anthropic": {"model": "claude-3-5-haiku-latest", "base_url": ""},
    "gemini": {
        "model": "gemini-2.0-flash",
        "base_url": "https://generativelanguage.googleapis.com/v1beta/openai/",
    },
    "llama": {"model": "llama3.1", "base_url": "http://localhost:11434/v1"},
}
# Providers that cannot work without an API key (a Llama server usually needs none).
KEY_REQUIRED = frozenset({"openai", "anthropic", "gemini"})


def setting(name: str, default: Any, cast: type = str) -> Any:
    """`name` from Django settings if defined there, else from the environment."""
    if hasattr(settings, name):
        return getattr(settings, name)
    if cast is int:
        return _env.int(name, default=default)
    if cast is float:
        return _env.float(name, default=default)
    return _env.str(name, default=default)


@dataclass(frozen=True)
class ProviderConfig:
    provider: str
    model: str = ""
    api_key: str = ""
    base_url: str = ""
    timeout: float = 60.0
    max_attempts: int = 4
    backoff_base: float = 1.0
    backoff_cap: float = 30.0
    max_output_tokens: int = 8192
    source: str = "settings"  # "project" when a ProviderCredential supplied it
    # True when `base_url` is the project's own: user input, checked before every call
    # (`generation.validators.check_base_url_address`); the operator's settings are trusted.
    base_url_from_project: bool = False

    def __repr__(self) -> str:  # never print the key
        return (
            f"ProviderConfig(provider={self.provider!r}, model={self.model!r}, base_url={self.base_url!r}, "
            f"api_key={'***' if self.api_key else ''!r}, source={self.source!r}, "
            f"base_url_from_project={self.base_url_from_project!r})"
        )


def default_token_budget() -> int:
    return int(setting("TESTGEN_GENERATION_TOKEN_BUDGET", 200_000, int))


def resolve_provider_config(*, provider: str, project: Any = None, model: str = "") -> ProviderConfig:
    """The configuration for `provider` in `project`; `model` overrides the configured one."""
    common = {
        "timeout": float(setting("TESTGEN_LLM_TIMEOUT", 60.0, float)),
        "max_attempts": int(setting("TESTGEN_LLM_MAX_ATTEMPTS", 4, int)),
        "backoff_base": float(setting("TESTGEN_LLM_BACKOFF_BASE", 1.0, float)),
        "backoff_cap": float(setting("TESTGEN_LLM_BACKOFF_CAP", 30.0, float)),
        "max_output_tokens": int(setting("TESTGEN_LLM_MAX_OUTPUT_TOKENS", 8192, int)),
    }
    if provider == "builtin":
        return ProviderConfig(provider=provider, model=model, **common)
    defaults = DEFAULTS.get(provider, {"model": "", "base_url": ""})
    prefix = f"TESTGEN_{provider.upper()}_"
    api_key = setting(prefix + "API_KEY", "")
    base_url = setting(prefix + "BASE_URL", "") or defaults["base_url"]
    configured_model = setting(prefix + "MODEL", "") or defaults["model"]
    source = "settings"
    base_url_from_project = False
    credential = None
    if project is not None:
        from generation.models import ProviderCredential

        credential = ProviderCredential.objects.filter(project=project, provider=provider).first()
    if credential is not None:
        source = "project"
        api_key = credential.api_key or api_key
        base_url = credential.base_url or base_url
        base_url_from_project = bool(credential.base_url)
        configured_model = credential.model or configured_model
    return ProviderConfig(
        provider=provider,
        model=model or configured_model,
        api_key=api_key,
        base_url=base_url,
        source=source,
        base_url_from_project=base_url_from_project,
        **common,
    )
