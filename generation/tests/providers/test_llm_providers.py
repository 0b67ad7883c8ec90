"""Every language-model provider end to end against a local fake of its HTTP API."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlsplit

import httpx2
import pytest

from generation.providers.base import ProviderError, TokenBudget
from generation.providers.llm import TOOL_NAME
from generation.spec import spec_errors
from generation.tests.builtin.contracts import CONTRACTS
from generation.tests.providers.conftest import API_KEY
from generation.tests.providers.fakes import (
    BAD_SPEC_ANSWER,
    GOOD_ANSWER,
    FakeAnthropic,
    answer_by_instructions,
)

USER_ITEM = next(c for c in CONTRACTS if c["method"] == "GET" and c["path"] == "/users/{id}")
TYPES = ["negative", "performance", "security"]


def run(provider, **kwargs):
    options = {"existing": [], "test_types": TYPES, "instructions": "", "max_tests": 5, "related": CONTRACTS}
    return provider.generate(USER_ITEM, **{**options, **kwargs})


def test_the_request_carries_the_model_the_prompt_and_the_answer_schema(llm):
    fake = llm.fake([GOOD_ANSWER])
    run(llm.build(fake), instructions="Focus on pagination.")
    request, body = fake.requests[0], fake.bodies[0]
    assert body["model"] == llm.model
    assert str(request.url).startswith(llm.base_url.rstrip("/"))
    if llm.fake_class is FakeAnthropic:
        assert request.url.path.endswith("/v1/messages") and "anthropic-version" in request.headers
        # SDK generations differ: older ones send x-api-key, this one a bearer token.
        assert API_KEY in (request.headers.get("x-api-key"), request.headers.get("authorization", "")[7:])
        assert body["tool_choice"] == {"type": "tool", "name": TOOL_NAME}
        schema = body["tools"][0]["input_schema"]
        assert "You are a senior API test engineer" in body["system"]
    else:
        assert request.url.path.endswith("/chat/completions")
        assert request.headers["authorization"] == f"Bearer {API_KEY}"
        assert body["response_format"]["type"] == "json_schema"
        schema = body["response_format"]["json_schema"]["schema"]
        assert body["messages"][0]["role"] == "system"
    assert sorted(schema["properties"]["tests"]["items"]["properties"]["type"]["enum"]) == TYPES
    assert "step" in schema["$defs"]
    prompt = llm.fake_class.user_text(body)
    assert "GET /users/{id}" in prompt and "Focus on pagination." in prompt
    assert "- POST /users" in prompt  # related endpoints, for scenarios


def test_a_good_answer_becomes_validated_drafts_with_usage_and_versions(llm):
    result = run(llm.build(llm.fake([GOOD_ANSWER])))
    assert [d["title"] for d in result.drafts] == [
        "Unknown user id answers 404",
        "Listing is fast under load",
    ]
    assert all(spec_errors(d["spec"]) == [] for d in result.drafts)
    assert result.drafts[1]["priority"] == "high"
    assert result.usage.to_dict() == {"input_tokens": 1200, "output_tokens": 300}
    assert result.model == llm.model
    assert result.prompt_versions == {
        "negative": "negative.v1",
        "performance": "performance.v1",
        "security": "security.v1",
    }


def test_the_cost_is_estimated_from_list_prices(llm):
    result = run(llm.build(llm.fake([GOOD_ANSWER])))
    expected = {
        "openai": Decimal("0.000360"),
        "anthropic": Decimal("0.002160"),
        "gemini": Decimal("0.000240"),
        "llama": Decimal("0"),
    }[llm.provider]
    assert result.cost_estimate == expected


def test_a_malformed_answer_is_sent_back_once_with_its_problems(llm):
    fake = llm.fake(
        ["this is not json", GOOD_ANSWER]
        if llm.fake_class is not FakeAnthropic
        else [BAD_SPEC_ANSWER, GOOD_ANSWER]
    )
    result = run(llm.build(fake))
    assert len(result.drafts) == 2 and len(fake.requests) == 2
    repair = fake.bodies[1]["messages"]
    assert len(repair) == len(fake.bodies[0]["messages"]) + 2
    assert "did not validate" in llm.fake_class.user_text(fake.bodies[1])
    if llm.fake_class is FakeAnthropic:
        assert (
            repair[-1]["content"][0]["type"] == "tool_result" and repair[-1]["content"][0]["is_error"] is True
        )
        assert repair[-1]["content"][0]["tool_use_id"] == repair[-2]["content"][0]["id"]


def test_an_answer_malformed_twice_is_reported_and_nothing_is_returned(llm):
    fake = llm.fake([BAD_SPEC_ANSWER, BAD_SPEC_ANSWER])
    with pytest.raises(ProviderError) as caught:
        run(llm.build(fake))
    assert caught.value.permanent and caught.value.code == "invalid_answer"
    assert "method" in caught.value.message
    assert caught.value.usage.input_tokens == 2400 and len(fake.requests) == 2


def test_after_the_repair_invalid_drafts_are_dropped_and_valid_ones_kept(llm):
    mixed = {"tests": GOOD_ANSWER["tests"][:1] + BAD_SPEC_ANSWER["tests"]}
    result = run(llm.build(llm.fake([mixed, mixed])))
    assert [d["title"] for d in result.drafts] == ["Unknown user id answers 404"]
    assert result.rejected and "tests[1]" in result.rejected[0]


def test_a_test_type_that_was_not_asked_for_is_rejected(llm):
    answer = {"tests": [{**GOOD_ANSWER["tests"][0], "type": "scenario"}]}
    with pytest.raises(ProviderError):
        run(llm.build(llm.fake([answer, answer])))


def test_rate_limiting_is_retried_with_exponential_backoff(llm):
    fake = llm.fake([429, 429, GOOD_ANSWER])
    result = run(llm.build(fake))
    assert len(result.drafts) == 2 and len(fake.requests) == 3
    assert llm.sleeps == [1.0, 2.0]


def test_retry_after_is_honoured(llm):
    fake = llm.fake([429, GOOD_ANSWER], retry_after="7")
    run(llm.build(fake))
    assert llm.sleeps == [7.0]


def test_timeouts_are_retried(llm):
    fake = llm.fake([httpx2.ReadTimeout("slow"), GOOD_ANSWER])
    assert len(run(llm.build(fake)).drafts) == 2
    assert llm.sleeps == [1.0]


def test_a_persistent_server_error_is_a_transient_failure_after_every_attempt(llm):
    fake = llm.fake([500, 502, 503, 500])
    with pytest.raises(ProviderError) as caught:
        run(llm.build(fake))
    assert caught.value.permanent is False and caught.value.code == "provider_unavailable"
    assert len(fake.requests) == 4 and llm.sleeps == [1.0, 2.0, 4.0]


def test_a_rejected_key_is_permanent_and_not_retried(llm):
    fake = llm.fake([401])
    with pytest.raises(ProviderError) as caught:
        run(llm.build(fake))
    assert caught.value.permanent and caught.value.code == "http_401"
    assert len(fake.requests) == 1 and API_KEY not in caught.value.message


def test_user_instructions_change_what_the_model_answers(llm):
    """Property 12: the fake answers by the instruction text it receives."""
    auth_only = {
        "tests": [{**GOOD_ANSWER["tests"][0], "title": "Expired token is refused", "type": "security"}]
    }
    choose = answer_by_instructions({"expired tokens": auth_only}, GOOD_ANSWER)
    plain = run(llm.build(llm.fake([choose])))
    steered = run(llm.build(llm.fake([choose])), instructions="Concentrate on expired tokens.")
    assert [d["title"] for d in plain.drafts] != [d["title"] for d in steered.drafts]
    assert [d["title"] for d in steered.drafts] == ["Expired token is refused"]


def test_existing_tests_are_listed_so_the_model_adds_rather_than_repeats(llm):
    fake = llm.fake([GOOD_ANSWER])
    existing = [
        {
            "title": "GET /users/{id}: request without credentials is refused",
            "type": "security",
            "spec": {"steps": [{"request": {"method": "GET", "path": "/users/{id}", "auth": "none"}}]},
        }
    ]
    run(llm.build(fake), existing=existing)
    assert (
        '[security] GET /users/{id}: request without credentials is refused (GET /users/{id} auth="none")'
        in llm.fake_class.user_text(fake.bodies[0])
    )


def test_the_token_budget_caps_output_and_stops_calls_once_spent(llm):
    fake = llm.fake([GOOD_ANSWER])
    budget = TokenBudget(limit=3000)
    provider = llm.build(fake)
    run(provider, budget=budget)
    sent = fake.bodies[0].get("max_tokens") or fake.bodies[0].get("max_completion_tokens")
    assert sent == 3000 and budget.used == 1500
    with pytest.raises(ProviderError) as caught:
        run(provider, budget=TokenBudget(limit=3000, used=2900))
    assert caught.value.code == "token_budget_exhausted" and len(fake.requests) == 1


def test_max_tests_caps_the_drafts_returned(llm):
    assert len(run(llm.build(llm.fake([GOOD_ANSWER])), max_tests=1).drafts) == 1


# --- a base URL the project supplied ---------------------------------------------------------------


def test_a_projects_base_url_leading_to_a_private_address_fails_permanently_without_a_request(
    llm, private_targets_refused, fake_dns
):
    fake_dns.answers[urlsplit(llm.base_url).hostname] = ["169.254.169.254"]
    fake = llm.fake([GOOD_ANSWER])
    with pytest.raises(ProviderError) as caught:
        run(llm.build(fake, base_url_from_project=True))
    assert (caught.value.code, caught.value.permanent) == ("base_url_refused", True)
    assert "169.254.169.254, a link-local address" in caught.value.message
    assert API_KEY not in caught.value.message
    assert fake.requests == [] and llm.sleeps == []


def test_a_projects_public_base_url_is_checked_before_every_call(llm, private_targets_refused, fake_dns):
    host = urlsplit(llm.base_url).hostname
    fake_dns.answers[host] = ["93.184.215.14"]
    fake = llm.fake([BAD_SPEC_ANSWER, GOOD_ANSWER])  # an answer and its repair: two calls
    assert len(run(llm.build(fake, base_url_from_project=True)).drafts) == 2
    assert len(fake.requests) == 2 and fake_dns.lookups == [host, host]


def test_a_projects_base_url_that_stops_resolving_is_retried_like_a_refused_connection(
    llm, private_targets_refused, fake_dns
):
    fake = llm.fake([GOOD_ANSWER])
    with pytest.raises(ProviderError) as caught:
        run(llm.build(fake, base_url_from_project=True))
    assert (caught.value.code, caught.value.permanent) == ("provider_unavailable", False)
    assert fake.requests == [] and len(fake_dns.lookups) == 4 and len(llm.sleeps) == 3


def test_the_servers_own_base_url_is_trusted_and_not_resolved(llm, private_targets_refused, fake_dns):
    fake = llm.fake([GOOD_ANSWER])
    run(llm.build(fake))
    assert len(fake.requests) == 1 and fake_dns.lookups == []
