from __future__ import annotations

from decimal import Decimal

import pytest

from generation.builtin import generate
from generation.providers.base import ProviderError
from generation.providers.builtin import BuiltinProvider
from generation.providers.config import ProviderConfig
from generation.providers.registry import build_provider, configuration_problem
from generation.tests.builtin.contracts import CONTRACTS

USERS = next(c for c in CONTRACTS if c["method"] == "POST" and c["path"] == "/users")


def test_the_builtin_provider_returns_the_seeded_generator_output_for_free():
    result = BuiltinProvider().generate(
        USERS, test_types=["security"], max_tests=3, related=CONTRACTS, seed=9
    )
    assert result.drafts == generate(USERS, seed=9, related=CONTRACTS, test_types=["security"], max_tests=3)
    assert result.usage.total == 0 and result.cost_estimate == Decimal("0")


def test_the_builtin_provider_needs_no_configuration():
    assert isinstance(build_provider(ProviderConfig(provider="builtin")), BuiltinProvider)


@pytest.mark.parametrize("provider", ["openai", "anthropic", "gemini"])
def test_hosted_models_without_a_key_are_refused_before_any_call(provider):
    with pytest.raises(ProviderError) as caught:
        build_provider(ProviderConfig(provider=provider, model="m"))
    assert caught.value.permanent and f"TESTGEN_{provider.upper()}_API_KEY" in caught.value.message


def test_a_llama_server_needs_a_base_url_but_no_key():
    assert configuration_problem(ProviderConfig(provider="llama", base_url="http://gpu:8000/v1")) is None
    assert configuration_problem(ProviderConfig(provider="llama")) is not None


def test_unknown_providers_are_refused():
    assert "Unknown provider" in configuration_problem(ProviderConfig(provider="mystery"))


def test_the_config_never_prints_its_key():
    assert "sk-secret" not in repr(ProviderConfig(provider="openai", api_key="sk-secret"))
