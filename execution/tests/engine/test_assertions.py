"""Each assertion kind, passing and failing, with expected vs actual, against the real server."""
from __future__ import annotations

import pytest

from execution.tests.conftest import get, run_specs

pytestmark = pytest.mark.usefixtures("api")


def outcome(api, path: str, assertion: dict) -> dict:
    [result] = run_specs(api.url, get(path, assertion))
    [recorded] = result.assertions
    return recorded


@pytest.mark.parametrize("expected", [201, [200, 201], "2xx"])
def test_status_expectation_matches_an_int_a_list_or_a_class(api, expected):
    recorded = outcome(api, "/status/201", {"type": "status", "expected": expected})
    assert recorded["passed"] is True
    assert recorded["actual"] == 201


def test_status_mismatch_fails_with_expected_and_actual(api):
    [result] = run_specs(api.url, get("/status/404", {"type": "status", "expected": 200}))
    assert result.status == "failed"
    assert result.assertions[0] == {
        "type": "status", "passed": False, "expected": 200, "actual": 404,
        "message": "expected status 200, got 404",
    }


def test_status_not_expected_fails_on_a_server_error(api):
    recorded = outcome(api, "/status/503", {"type": "status", "not_expected": "5xx"})
    assert recorded["passed"] is False
    assert recorded["expected"] == {"not": "5xx"}
    assert recorded["actual"] == 503


def test_status_not_expected_passes_otherwise(api):
    assert outcome(api, "/status/200", {"type": "status", "not_expected": "5xx"})["passed"] is True


SCHEMA = {"type": "object", "required": ["id", "name"], "properties": {"id": {"type": "integer"}}}


def test_json_schema_passes_on_a_matching_body(api):
    recorded = outcome(api, "/json", {"type": "json_schema", "schema": SCHEMA})
    assert recorded["passed"] is True


def test_json_schema_failure_names_the_violation(api):
    schema = {"type": "object", "properties": {"name": {"type": "integer"}}}
    recorded = outcome(api, "/json", {"type": "json_schema", "schema": schema})
    assert recorded["passed"] is False
    assert recorded["actual"] == ["$.name: 'widget' is not of type 'integer'"]


def test_json_schema_fails_on_a_non_json_body(api):
    recorded = outcome(api, "/text", {"type": "json_schema", "schema": SCHEMA})
    assert recorded["passed"] is False
    assert recorded["actual"] == "the response body is not JSON"


@pytest.mark.parametrize(("path", "op", "value", "passed", "actual"), [
    ("$.id", "exists", None, True, 7),
    ("$.missing", "exists", None, False, "absent"),
    ("$.missing", "not_exists", None, True, "absent"),
    ("$.name", "equals", "widget", True, "widget"),
    ("$.name", "equals", "gadget", False, "widget"),
    ("$.active", "equals", 1, False, True),  # JSON true is not 1
    ("$.price", "not_equals", 10, True, 9.5),
    ("$.tags", "contains", "b", True, ["a", "b"]),
    ("$.tags[0]", "equals", "a", True, "a"),
    ("$.name", "contains", "zz", False, "widget"),
])
def test_json_path_operators_record_expected_and_actual(api, path, op, value, passed, actual):
    assertion = {"type": "json_path", "path": path, "op": op}
    if value is not None:
        assertion["value"] = value
    recorded = outcome(api, "/json", assertion)
    assert (recorded["passed"], recorded["actual"]) == (passed, actual)


@pytest.mark.parametrize(("op", "value", "passed", "actual"), [
    ("present", None, True, "hello world"),
    ("absent", None, False, "hello world"),
    ("equals", "hello world", True, "hello world"),
    ("equals", "hello", False, "hello world"),
    ("contains", "world", True, "hello world"),
    ("contains", "mars", False, "hello world"),
])
def test_header_operators_are_case_insensitive_on_the_name(api, op, value, passed, actual):
    assertion = {"type": "header", "name": "X-Custom", "op": op}
    if value is not None:
        assertion["value"] = value
    recorded = outcome(api, "/json", assertion)
    assert (recorded["passed"], recorded["actual"]) == (passed, actual)


def test_header_present_fails_when_the_header_is_missing(api):
    recorded = outcome(api, "/json", {"type": "header", "name": "X-Missing", "op": "present"})
    assert (recorded["passed"], recorded["actual"]) == (False, "absent")


@pytest.mark.parametrize(("op", "value", "passed"), [
    ("contains", "<b>markup</b>", True),
    ("contains", "nothing like it", False),
    ("not_contains", "<script>", True),
    ("not_contains", "markup", False),
])
def test_body_contains_and_not_contains(api, op, value, passed):
    recorded = outcome(api, "/text", {"type": "body", "op": op, "value": value})
    assert recorded["passed"] is passed
    assert recorded["expected"] == {op: value}


def test_body_failure_shows_the_text_around_the_match(api):
    recorded = outcome(api, "/text", {"type": "body", "op": "not_contains", "value": "markup"})
    assert "<b>markup</b>" in recorded["actual"]


def test_response_time_passes_under_the_limit(api):
    recorded = outcome(api, "/fast", {"type": "response_time", "max_ms": 5000})
    assert recorded["passed"] is True
    assert 0 < recorded["actual"] < 5000


def test_response_time_fails_over_the_limit(api):
    recorded = outcome(api, "/slow?ms=150", {"type": "response_time", "max_ms": 50})
    assert recorded["passed"] is False
    assert recorded["actual"] >= 150
    assert recorded["expected"] == {"max_ms": 50}


def test_a_test_passes_only_when_every_assertion_passes(api):
    [result] = run_specs(api.url, get("/json", {"type": "status", "expected": 200},
                                      {"type": "json_path", "path": "$.id", "op": "equals", "value": 8}))
    assert result.status == "failed"
    assert [a["passed"] for a in result.assertions] == [True, False]
    assert result.error.startswith("1 of 2 assertion(s) failed")
