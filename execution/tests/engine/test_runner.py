"""The run loop against a real server: transport failures, bodies, redirects, scenarios, load."""
from __future__ import annotations

import asyncio
import socket
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from execution.engine import CaseInput, Engine, run_cases
from execution.tests.conftest import engine_config, get, run_specs

STATUS_200 = {"type": "status", "expected": 200}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_slow_answer_is_an_error_after_the_request_timeout(api):
    [result] = run_specs(api.url, get("/slow?ms=1500", STATUS_200), request_timeout=0.2)
    assert result.status == "error"
    assert result.error == "The request timed out after 0.2 s."
    assert result.request["url"].endswith("/slow?ms=1500")


def test_connection_refused_is_an_error_naming_the_host():
    [result] = run_specs(f"http://127.0.0.1:{free_port()}", get("/json", STATUS_200))
    assert result.status == "error"
    assert result.error.startswith("Could not connect to 127.0.0.1")


def test_a_non_json_body_is_recorded_as_text(api):
    [result] = run_specs(api.url, get("/text", STATUS_200))
    assert result.status == "passed"
    assert result.response["body"] == "plain text body with <b>markup</b>"
    assert result.response["body_truncated"] is False


def test_a_huge_body_is_truncated_in_the_record(api):
    [result] = run_specs(api.url, get("/huge?bytes=200000", STATUS_200), max_recorded_body=1000)
    assert result.status == "passed"
    assert result.response["body"] == "x" * 1000
    assert result.response["body_truncated"] is True
    assert result.response["body_bytes"] == 200_000


def test_a_body_past_the_read_limit_is_cut_and_marked(api):
    spec = get("/huge?bytes=300000", {"type": "body", "op": "contains", "value": "x"})
    [result] = run_specs(api.url, spec, max_response_bytes=100_000)
    assert result.response["body_bytes"] == 100_000
    assert result.response["body_truncated"] is True


def test_a_large_json_body_is_stored_as_truncated_text(api):
    spec = {"steps": [{"request": {"method": "POST", "path": "/echo", "body": {"blob": "y" * 5000}},
                       "assertions": [STATUS_200]}]}
    [result] = run_specs(api.url, spec, max_recorded_body=300)
    assert isinstance(result.response["body"], str) and len(result.response["body"]) == 300
    assert result.request["body_truncated"] is True


def test_redirects_within_the_target_are_followed(api):
    [result] = run_specs(api.url, get("/redirect?to=/json", STATUS_200))
    assert result.status == "passed"
    assert result.request["url"].endswith("/json")


def test_a_redirect_to_another_host_is_refused(api):
    [result] = run_specs(api.url, get("/redirect?to=http://169.254.169.254/latest/meta-data", STATUS_200))
    assert result.status == "error"
    assert result.error.startswith("Redirect to http://169.254.169.254/latest/meta-data refused")
    assert result.response["status_code"] == 302


def test_a_redirect_to_a_non_http_scheme_is_refused(api):
    [result] = run_specs(api.url, get("/redirect?to=file:///etc/passwd", STATUS_200))
    assert result.status == "error"
    assert "only http and https" in result.error


def test_a_step_expecting_a_redirect_sees_it_unfollowed(api):
    [result] = run_specs(api.url, get("/redirect?to=http://elsewhere.example/", {"type": "status", "expected": 302}))
    assert result.status == "passed"


def test_path_parameters_are_filled_and_encoded_as_one_segment(api):
    spec = get("/echo/{name}", STATUS_200, path_params={"name": "a/../b c"})
    [result] = run_specs(api.url, spec)
    assert result.response["body"]["path"] == "/echo/a/../b c"  # decoded by the server: one segment
    assert result.request["url"].endswith("/echo/a%2F..%2Fb%20c")


def test_query_headers_and_json_body_are_sent_from_the_spec(api):
    spec = {"steps": [{"request": {"method": "PATCH", "path": "/echo", "query": {"q": "x", "tag": ["a", "b"]},
                                   "headers": {"X-Trace": "t1"}, "body": {"n": 1}},
                       "assertions": [{"type": "json_path", "path": "$.body.n", "op": "equals", "value": 1}]}]}
    [result] = run_specs(api.url, spec, headers={"X-Env": "ci"})
    body = result.response["body"]
    assert result.status == "passed"
    assert (body["method"], body["query"], body["headers"]["x-trace"], body["headers"]["x-env"]) == (
        "PATCH", {"q": "x", "tag": ["a", "b"]}, "t1", "ci")


def test_secrets_are_masked_in_request_and_response_records(api):
    spec = get("/secret", STATUS_200, query={"api_key": "k-1234567890"}, headers={"X-API-Key": "k-1234567890"})
    [result] = run_specs(api.url, spec)
    assert result.request["headers"]["X-API-Key"] == "***"
    assert "k-1234567890" not in result.request["url"]
    assert result.response["headers"]["set-cookie"] == "***"
    assert result.response["body"] == {"token": "***", "user": {"password": "***", "name": "bob"}}


SCENARIO = {
    "steps": [
        {"name": "create", "request": {"method": "POST", "path": "/items", "body": {"name": "lamp"}},
         "assertions": [{"type": "status", "expected": 201}],
         "capture": {"item_id": {"from": "json_path", "path": "$.id"}, "etag": {"from": "header", "name": "ETag"}}},
        {"name": "read", "request": {"method": "GET", "path": "/items/{id}", "path_params": {"id": "{{item_id}}"},
                                     "headers": {"If-None-Match": "{{etag}}"}},
         "assertions": [{"type": "json_path", "path": "$.name", "op": "equals", "value": "lamp"}]},
        {"name": "delete", "request": {"method": "DELETE", "path": "/items/{id}", "path_params": {"id": "{{item_id}}"}},
         "assertions": [{"type": "status", "expected": 204}]},
    ]
}


def test_a_scenario_substitutes_captured_values_in_later_steps(api):
    [result] = run_specs(api.url, SCENARIO)
    assert result.status == "passed"
    assert [s["status"] for s in result.metrics["steps"]] == ["passed", "passed", "passed"]
    assert api.app.state.items == {}


def test_a_failing_middle_step_stops_the_scenario_and_is_named(api):
    spec = {"steps": [dict(SCENARIO["steps"][0]), {**SCENARIO["steps"][1], "assertions": [
        {"type": "json_path", "path": "$.name", "op": "equals", "value": "desk"}]}, SCENARIO["steps"][2]]}
    [result] = run_specs(api.url, spec)
    assert result.status == "failed"
    assert result.error.startswith("Step 2 of 3 ('read'): 1 of 1 assertion(s) failed")
    assert [s["status"] for s in result.metrics["steps"]] == ["passed", "failed"]
    assert len(api.app.state.items) == 1  # the delete step never ran
    assert result.assertions[-1]["step"] == 1


def test_a_capture_missing_from_the_response_is_an_error(api):
    spec = {"steps": [{"name": "create", "request": {"method": "POST", "path": "/items", "body": {}},
                       "capture": {"x": {"from": "json_path", "path": "$.nope"}}},
                      {"request": {"method": "GET", "path": "/items/{id}", "path_params": {"id": "{{x}}"}}}]}
    [result] = run_specs(api.url, spec)
    assert result.status == "error"
    assert result.error.startswith("Step 1 of 2 ('create'): could not capture 'x'")


def test_a_load_test_computes_percentiles_and_checks_limits(api):
    spec = {"steps": [{"request": {"method": "GET", "path": "/inflight?bucket=load&ms=5"}}],
            "load": {"requests": 40, "concurrency": 4, "limits": {"p95_ms": 5000, "max_error_rate": 0}}}
    [result] = run_specs(api.url, spec)
    assert result.status == "passed"
    assert api.app.state.hits["load"] == 40
    metrics = result.metrics
    assert (metrics["requests"], metrics["errors"], metrics["error_rate"]) == (40, 0, 0.0)
    assert 5 <= metrics["p50_ms"] <= metrics["p95_ms"] <= metrics["p99_ms"]
    assert [a["name"] for a in result.assertions] == ["p95_ms", "error_rate"]


def test_a_load_test_over_its_error_rate_fails(api):
    spec = {"steps": [{"request": {"method": "GET", "path": "/status/500"}}],
            "load": {"requests": 10, "concurrency": 2, "limits": {"max_error_rate": 0.1}}}
    [result] = run_specs(api.url, spec)
    assert result.status == "failed"
    assert result.metrics["error_rate"] == 1.0
    assert result.assertions[0]["actual"] == 1.0


def test_tests_not_started_by_the_run_time_limit_are_skipped(api):
    specs = [get("/slow?ms=400", STATUS_200) for _ in range(4)]
    results = run_specs(api.url, *specs, concurrency=1, run_timeout=0.7)
    assert [r.status for r in results] == ["passed", "error", "skipped", "skipped"]
    assert results[1].error == "The run's time limit was reached while this test was running."


def test_no_test_is_sent_when_the_run_has_no_time_left(api):
    results = run_specs(api.url, get("/inflight?bucket=late", STATUS_200), run_timeout=0)
    assert [r.status for r in results] == ["skipped"]
    assert api.app.state.hits["late"] == 0


def test_a_stop_request_ends_the_run_before_the_remaining_tests(api):
    cases = [CaseInput(key=i, spec=get("/slow?ms=50", STATUS_200)) for i in range(20)]
    seen: list[int] = []
    results, stopped = run_cases(cases, engine_config(api.url, concurrency=1, stop_check_interval=0),
                                 on_result=lambda r: seen.append(r.key), should_stop=lambda: len(seen) >= 3)
    assert stopped is True
    assert len(results) == 3


def inflight_specs(bucket: str, count: int, ms: int) -> list[CaseInput]:
    return [CaseInput(key=i, spec=get(f"/inflight?bucket={bucket}&ms={ms}", STATUS_200)) for i in range(count)]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(limit=st.integers(min_value=1, max_value=8), tests=st.integers(min_value=1, max_value=30),
       load=st.booleans())
def test_in_flight_requests_never_exceed_the_limit_at_the_server(api_server, limit, tests, load):
    """Property 37, measured by the server itself, including the requests of a load test."""
    bucket = f"p37-{limit}-{tests}-{load}-{time.monotonic_ns()}"
    cases = inflight_specs(bucket, tests, 15)
    if load:
        cases.append(CaseInput(key="load", spec={
            "steps": [{"request": {"method": "GET", "path": f"/inflight?bucket={bucket}&ms=5"}}],
            "load": {"requests": 20, "concurrency": 20, "limits": {"max_error_rate": 0}}}))
    results, _ = run_cases(cases, engine_config(api_server.url, concurrency=limit))
    state = api_server.app.state
    assert all(r.status == "passed" for r in results)
    assert 1 <= state.max_inflight[bucket] <= limit
    assert state.hits[bucket] == tests + (20 if load else 0)


def test_concurrency_ten_takes_well_under_the_sequential_time(api):
    """Property 18: with a fixed 40 ms server latency, 40 tests at concurrency 10 vs 1 (a ratio)."""
    def elapsed(concurrency: int) -> float:
        started = time.perf_counter()
        results, _ = run_cases(inflight_specs(f"p18-{concurrency}", 40, 40), engine_config(api.url, concurrency=concurrency))
        assert all(r.status == "passed" for r in results)
        return time.perf_counter() - started

    assert elapsed(10) / elapsed(1) < 0.5


def test_results_arrive_through_on_result_as_tests_finish(api):
    seen = []
    engine = Engine(engine_config(api.url), on_result=seen.append)
    results = asyncio.run(engine.run([CaseInput(key=i, spec=get("/fast", STATUS_200)) for i in range(5)]))
    assert seen == results and len(seen) == 5
