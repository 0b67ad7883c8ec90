from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from generation.providers.config import ProviderConfig
from generation.providers.llm import LLMProvider
from generation.providers.registry import build_provider
from generation.tests.providers.fakes import FakeAnthropic, FakeOpenAI, FakeProviderAPI

API_KEY = "sk-test-0123456789abcdef"


@dataclass
class LLMCase:
    provider: str
    fake_class: type[FakeProviderAPI]
    base_url: str
    model: str
    sleeps: list[float]

    def build(self, fake: FakeProviderAPI, **overrides: Any) -> LLMProvider:
        config = ProviderConfig(
            provider=self.provider,
            model=self.model,
            api_key=API_KEY,
            base_url=self.base_url,
            max_attempts=4,
            backoff_base=1.0,
            backoff_cap=30.0,
            timeout=5.0,
            **overrides,
        )
        provider = build_provider(config, http_client=fake.client(), sleep=self.sleeps.append)
        assert isinstance(provider, LLMProvider)
        provider.jitter = lambda: 1.0  # deterministic backoff in tests
        return provider

    def fake(self, script: list[Any], **kwargs: Any) -> FakeProviderAPI:
        return self.fake_class(script, **kwargs)


CASES: dict[str, Callable[[], LLMCase]] = {
    "openai": lambda: LLMCase("openai", FakeOpenAI, "https://api.openai.test/v1", "gpt-4o-mini", []),
    "anthropic": lambda: LLMCase(
        "anthropic", FakeAnthropic, "https://api.anthropic.test", "claude-3-5-haiku-latest", []
    ),
    "gemini": lambda: LLMCase(
        "gemini", FakeOpenAI, "https://generativelanguage.test/v1beta/openai/", "gemini-2.0-flash", []
    ),
    "llama": lambda: LLMCase("llama", FakeOpenAI, "http://ollama.test:11434/v1", "llama3.1:8b", []),
}


@pytest.fixture(params=sorted(CASES))
def llm(request: pytest.FixtureRequest) -> LLMCase:
    return CASES[request.param]()
