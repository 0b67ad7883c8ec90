from __future__ import annotations

from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generation.priority import (
    BANDS,
    REASON_BASELINE,
    assess,
    assess_test,
    band,
)
from generation.tests.factories import status_spec


def reasons_for(**kwargs):
    return assess(**{"method": "GET", "path": "/items", **kwargs}).reasons


def test_a_public_read_of_a_plain_resource_is_low_with_a_baseline_reason():
    assert assess(method="GET", path="/items") == ("low", [REASON_BASELINE])


@pytest.mark.parametrize("method, points", [("DELETE", 3), ("PUT", 2), ("PATCH", 2), ("POST", 2)])
def test_state_changing_methods_add_points(method, points):
    assert reasons_for(method=method) == [f"{method} changes server state (+{points})"]


@pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS"])
def test_read_methods_add_nothing(method):
    assert reasons_for(method=method) == [REASON_BASELINE]


def test_delete_ranks_above_get():
    order = ["low", "medium", "high", "critical"]
    assert order.index(assess(method="DELETE", path="/x").priority) > order.index(
        assess(method="GET", path="/x").priority
    )


def test_required_authentication_adds_a_point_and_unknown_adds_none():
    assert reasons_for(auth_required=True) == ["the endpoint requires authentication (+1)"]
    assert reasons_for(auth_required=None) == [REASON_BASELINE]
    assert reasons_for(auth_required=False) == [REASON_BASELINE]


@pytest.mark.parametrize(
    "path, reason",
    [
        ("/auth/login", "the path touches authentication (+2)"),
        ("/api/v1/oauth2/token", "the path touches authentication (+2)"),
        ("/admin/settings", "the path touches administration (+2)"),
        ("/payments/{id}/refund", "the path touches payments (+3)"),
        ("/billing/invoices", "the path touches payments (+3)"),
        ("/users/{id}", "the path touches user data (+1)"),
        ("/me", "the path touches user data (+1)"),
    ],
)
def test_sensitive_paths_say_which_area_they_touch(path, reason):
    assert reason in reasons_for(path=path)


@pytest.mark.parametrize(
    "path",
    ["/items", "/authors", "/administrative-regions", "/usernames-available", "/payment-methods-doc/x"],
)
def test_look_alike_words_are_not_sensitive(path):
    assert not [
        r
        for r in reasons_for(path=path)
        if "authentication" in r or "administration" in r or "user data" in r
    ]


def test_a_security_test_adds_points():
    assert reasons_for(test_type="security") == ["security test (+3)"]


@pytest.mark.parametrize("failures, points", [(1, 2), (2, 2), (3, 3), (10, 3)])
def test_past_failures_add_more_points_when_repeated(failures, points):
    assert reasons_for(past_failures=failures) == [
        f"the endpoint failed {failures} time(s) recently (+{points})"
    ]


def test_everything_together_is_critical():
    priority, reasons = assess(
        method="DELETE", path="/admin/users/{id}", auth_required=True, test_type="security", past_failures=3
    )
    assert priority == "critical" and len(reasons) == 6


@pytest.mark.parametrize(
    "score, priority",
    [
        (0, "low"),
        (1, "low"),
        (2, "medium"),
        (3, "medium"),
        (4, "high"),
        (6, "high"),
        (7, "critical"),
        (30, "critical"),
    ],
)
def test_bands(score, priority):
    assert band(score) == priority


@given(
    method=st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]),
    path=st.text(max_size=30),
    auth=st.sampled_from([True, False, None]),
    test_type=st.sampled_from(["functional", "security", "negative"]),
    failures=st.integers(0, 20),
)
def test_every_decision_is_explained_and_more_risk_never_lowers_priority(
    method, path, auth, test_type, failures
):
    ranks = [p for _, p in reversed(BANDS)]
    priority, reasons = assess(
        method=method, path=path, auth_required=auth, test_type=test_type, past_failures=failures
    )
    assert reasons
    riskier, _ = assess(
        method=method, path=path, auth_required=True, test_type="security", past_failures=failures + 1
    )
    assert ranks.index(riskier) >= ranks.index(priority)


def test_a_test_is_ranked_by_its_endpoint_when_it_has_one():
    endpoint = SimpleNamespace(method="POST", path="/payments", auth_required=True)
    assert assess_test(spec=status_spec(), test_type="functional", endpoint=endpoint).priority == "high"


def test_a_scenario_without_endpoint_is_as_risky_as_its_riskiest_step():
    spec = status_spec(path="/items")
    spec["steps"].append(
        status_spec(method="DELETE", path="/admin/items/{id}", path_params={"id": 1})["steps"][0]
    )
    priority, reasons = assess_test(spec=spec, test_type="scenario")
    assert priority == "high"
    assert reasons == ["DELETE changes server state (+3)", "the path touches administration (+2)"]
