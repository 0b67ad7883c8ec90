from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generation.builtin import (
    EDGE_CASE,
    FUNCTIONAL,
    NEGATIVE,
    PERFORMANCE,
    SCENARIO,
    SECURITY,
    EndpointContract,
    generate,
)
from generation.builtin.generator import INJECTION_PAYLOADS, OVERSIZED_BODY_CHARS
from generation.spec import spec_errors
from generation.tests.builtin.contracts import CONTRACTS
from generation.tests.builtin.strategies import leaf_schemas, schemas
from scanning.scanners.base import DiscoveredEndpoint, Parameter


def contract(method: str, path: str) -> dict[str, Any]:
    return next(c for c in CONTRACTS if c["method"] == method and c["path"] == path)


def drafts_for(method: str, path: str, seed: int = 7, **kwargs: Any) -> list[dict[str, Any]]:
    return generate(contract(method, path), seed=seed, related=CONTRACTS, **kwargs)


def titled(drafts: list[dict[str, Any]], fragment: str) -> list[dict[str, Any]]:
    return [d for d in drafts if fragment in d["title"]]


def last_step(draft: dict[str, Any]) -> dict[str, Any]:
    return draft["spec"]["steps"][-1]


@pytest.mark.parametrize("endpoint", CONTRACTS, ids=lambda c: f"{c['method']} {c['path']}")
def test_every_endpoint_gets_functional_security_and_performance_tests(endpoint):
    types = Counter(d["type"] for d in generate(endpoint, seed=1, related=CONTRACTS))
    assert types[FUNCTIONAL] >= 1 and types[SECURITY] >= 1 and types[PERFORMANCE] >= 1


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**31))
def test_every_generated_spec_validates_for_any_seed(seed):
    for endpoint in CONTRACTS:
        for draft in generate(endpoint, seed=seed, related=CONTRACTS):
            assert spec_errors(draft["spec"]) == [], draft["title"]
            assert draft["description"] and draft["title"]


def test_the_same_seed_gives_identical_output():
    assert drafts_for("POST", "/users", seed=42) == drafts_for("POST", "/users", seed=42)


def test_a_different_seed_changes_the_generated_values():
    assert drafts_for("POST", "/users", seed=1) != drafts_for("POST", "/users", seed=2)


def test_output_does_not_depend_on_the_order_of_related_endpoints():
    one = generate(contract("GET", "/users/{id}"), seed=3, related=CONTRACTS)
    other = generate(contract("GET", "/users/{id}"), seed=3, related=list(reversed(CONTRACTS)))
    assert one == other


def test_discovered_endpoints_and_dicts_give_the_same_contract():
    raw = contract("GET", "/users/{id}")
    discovered = DiscoveredEndpoint(
        method="GET",
        path="/users/{id}",
        framework="openapi",
        parameters=[Parameter(**p) for p in raw["parameters"]],
        responses=raw["responses"],
        auth_required=True,
    )
    assert EndpointContract.of(discovered) == EndpointContract.of(raw)


def test_the_valid_request_asserts_the_documented_status_and_schema():
    happy = titled(drafts_for("POST", "/users"), "valid request succeeds")[0]
    assertions = last_step(happy)["assertions"]
    assert {"type": "status", "expected": 201} in assertions
    assert any(a["type"] == "json_schema" and a["schema"]["required"][0] == "id" for a in assertions)


def test_item_endpoints_create_their_resource_first_and_use_its_id():
    happy = titled(drafts_for("PUT", "/users/{id}"), "valid request succeeds")[0]
    create, update = happy["spec"]["steps"]
    assert (create["request"]["method"], create["request"]["path"]) == ("POST", "/users")
    assert create["capture"] == {"resource_id": {"from": "json_path", "path": "$.id"}}
    assert update["request"]["path_params"] == {"id": "{{resource_id}}"}


def test_the_crud_lifecycle_ends_with_a_404_after_delete():
    (scenario,) = [d for d in drafts_for("POST", "/users") if d["type"] == SCENARIO]
    steps = scenario["spec"]["steps"]
    assert [s["request"]["method"] for s in steps] == ["POST", "GET", "PUT", "PATCH", "DELETE", "GET"]
    assert steps[-1]["assertions"] == [{"type": "status", "expected": 404}]
    assert all(s["request"]["path_params"] == {"id": "{{resource_id}}"} for s in steps[1:])


def test_only_collection_posts_with_item_routes_get_a_lifecycle():
    assert not [d for d in drafts_for("POST", "/auth/login") if d["type"] == SCENARIO]
    assert not [d for d in drafts_for("GET", "/users/{id}") if d["type"] == SCENARIO]


def test_missing_required_fields_expect_a_client_error():
    (missing,) = titled(drafts_for("POST", "/users"), "missing required field 'email'")
    assert missing["type"] == NEGATIVE
    assert "email" not in last_step(missing)["request"]["body"]
    assert {"type": "status", "expected": [400, 422]} in last_step(missing)["assertions"]


def test_wrong_types_are_sent_for_typed_fields():
    (wrong,) = titled(drafts_for("POST", "/users"), "wrong type for field 'age'")
    assert last_step(wrong)["request"]["body"]["age"] == "not-a-number"


def test_boundaries_accept_the_limit_and_reject_one_past_it():
    drafts = drafts_for("GET", "/search")
    (at_max,) = titled(drafts, "'limit' at maximum 100")
    (past_max,) = titled(drafts, "'limit' at 101 above the maximum")
    assert at_max["type"] == EDGE_CASE and last_step(at_max)["request"]["query"]["limit"] == 100
    assert past_max["type"] == NEGATIVE and last_step(past_max)["request"]["query"]["limit"] == 101
    assert len(last_step(titled(drafts, "'q' at length 101")[0])["request"]["query"]["q"]) == 101


def test_every_enum_member_is_tried_and_an_outsider_rejected():
    drafts = drafts_for("GET", "/search")
    tried = {last_step(d)["request"]["query"]["sort"] for d in titled(drafts, "'sort' at enum member")}
    assert tried == {"relevance", "newest", "oldest"}
    assert titled(drafts, "'sort' at value outside the enum")[0]["type"] == NEGATIVE


def test_auth_required_endpoints_refuse_missing_and_invalid_credentials():
    drafts = drafts_for("GET", "/users")
    (missing,) = titled(drafts, "without credentials")
    (invalid,) = titled(drafts, "invalid credentials")
    assert last_step(missing)["request"]["auth"] == "none"
    assert last_step(invalid)["request"]["headers"]["Authorization"].startswith("Bearer invalid-")
    assert {"type": "status", "expected": [401, 403]} in last_step(invalid)["assertions"]


def test_public_endpoints_get_no_credential_tests():
    assert not titled(drafts_for("POST", "/auth/login"), "credentials")


def test_another_users_resource_is_requested_as_the_other_identity():
    (bola,) = titled(drafts_for("DELETE", "/users/{id}"), "another user's resource")
    create, attack = bola["spec"]["steps"]
    assert create["request"]["auth"] == "default"
    assert attack["request"]["auth"] == {"identity": "other"}
    assert attack["assertions"] == [{"type": "status", "expected": [403, 404]}]


def test_injection_payloads_of_every_category_expect_no_5xx_and_no_reflection():
    drafts = [
        d
        for d in drafts_for("GET", "/search")
        if "injection" in d["title"] or "scripting" in d["title"] or "traversal" in d["title"]
    ]
    labels = {info["label"] for info in INJECTION_PAYLOADS.values()}
    assert {label for label in labels if any(label in d["title"] for d in drafts)} == labels
    sql = titled(drafts, "SQL injection in query parameter 'q'")[0]
    payload = last_step(sql)["request"]["query"]["q"]
    assert payload in INJECTION_PAYLOADS["sql"]["payloads"]
    assert {"type": "status", "not_expected": "5xx"} in last_step(sql)["assertions"]
    assert {"type": "body", "op": "not_contains", "value": payload} in last_step(sql)["assertions"]


def test_body_injection_targets_free_text_fields_not_formatted_ones():
    (xss,) = titled(drafts_for("POST", "/users"), "cross-site scripting in body")
    body = last_step(xss)["request"]["body"]
    assert body["name"] in INJECTION_PAYLOADS["xss"]["payloads"]
    assert "@" in body["email"]


def test_oversized_bodies_expect_413_or_400_and_no_5xx():
    (big,) = titled(drafts_for("POST", "/users"), "oversized body")
    assert len(last_step(big)["request"]["body"]["name"]) == OVERSIZED_BODY_CHARS
    assert {"type": "status", "expected": [400, 413, 422]} in last_step(big)["assertions"]


def test_read_only_response_fields_are_sent_and_must_not_be_echoed():
    (mass,) = titled(drafts_for("POST", "/users"), "mass-assigned")
    body = last_step(mass)["request"]["body"]
    assert body["is_admin"] is True and body["role"] == "admin" and "id" in body
    assert {"type": "json_path", "path": "$.is_admin", "op": "not_equals", "value": True} in last_step(mass)[
        "assertions"
    ]


def test_reads_get_a_bounded_load_test_and_writes_a_timed_request():
    (load,) = [d for d in drafts_for("GET", "/search") if d["type"] == PERFORMANCE]
    assert 50 <= load["spec"]["load"]["requests"] <= 200 and 5 <= load["spec"]["load"]["concurrency"] <= 10
    assert load["spec"]["load"]["limits"]["p95_ms"] == 500
    (timed,) = [d for d in drafts_for("POST", "/users") if d["type"] == PERFORMANCE]
    assert "load" not in timed["spec"]
    assert {"type": "response_time", "max_ms": 1000} in last_step(timed)["assertions"]


def test_type_filter_and_cap_keep_every_requested_type():
    drafts = drafts_for("POST", "/users", test_types=[SECURITY, PERFORMANCE], max_tests=4)
    assert len(drafts) == 4
    assert {d["type"] for d in drafts} == {SECURITY, PERFORMANCE}


def test_filtering_does_not_change_the_generated_tests():
    everything = drafts_for("POST", "/users")
    only_security = drafts_for("POST", "/users", test_types=[SECURITY])
    assert only_security == [d for d in everything if d["type"] == SECURITY]


@st.composite
def contracts(draw: st.DrawFn) -> dict[str, Any]:
    """Arbitrary endpoint contracts: nested paths, typed parameters, generated schemas."""
    segments = draw(
        st.lists(
            st.sampled_from(["users", "{userId}", "posts", "{id}", "v1", "items"]), min_size=1, max_size=4
        )
    )
    path = "/" + "/".join(dict.fromkeys(segments))
    method = draw(st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE"]))
    parameters = [
        {"name": n, "location": "path", "required": True, "schema": draw(leaf_schemas), "description": ""}
        for n in ("userId", "id")
        if "{" + n + "}" in path
    ]
    parameters += [
        {
            "name": f"q{i}",
            "location": "query",
            "required": draw(st.booleans()),
            "schema": draw(leaf_schemas),
            "description": "",
        }
        for i in range(draw(st.integers(0, 3)))
    ]
    body = draw(schemas) if method in ("POST", "PUT", "PATCH") and draw(st.booleans()) else None
    responses = {str(draw(st.sampled_from([200, 201, 204]))): {"description": "ok", "schema": draw(schemas)}}
    return {
        "method": method,
        "path": path,
        "parameters": parameters,
        "request_body": body,
        "responses": responses,
        "auth_required": draw(st.sampled_from([True, False, None])),
    }


@settings(max_examples=60, deadline=None)
@given(endpoints=st.lists(contracts(), min_size=1, max_size=4), seed=st.integers(0, 2**31))
def test_every_spec_validates_for_arbitrary_contracts(endpoints, seed):
    """Property 9 beyond the fixture set: whatever the contract, the drafts are valid specs."""
    for endpoint in endpoints:
        drafts = generate(endpoint, seed=seed, related=endpoints)
        assert {FUNCTIONAL, SECURITY, PERFORMANCE} <= {d["type"] for d in drafts}
        for draft in drafts:
            assert spec_errors(draft["spec"]) == [], (draft["title"], spec_errors(draft["spec"])[:2])
