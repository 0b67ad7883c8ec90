from __future__ import annotations

import json
import logging

import pytest

pytestmark = [pytest.mark.urls("testgen.tests.urls"), pytest.mark.django_db]


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details", "request_id"}
    assert body["error"]["code"] == code
    assert body["error"]["request_id"] == response["X-Request-ID"]
    return body["error"]


def test_invalid_input_is_400_validation_error_with_field_details(api_client):
    error = assert_error(api_client.post("/api/_test/echo", {"name": "too long"}), 400, "validation_error")
    assert "name" in error["details"]


def test_django_validation_error_is_400_with_field_details(api_client):
    error = assert_error(api_client.post("/api/_test/django-validation", {}), 400, "validation_error")
    assert error["details"] == {"url": ["Only https:// URLs are allowed."]}


def test_malformed_json_is_400_parse_error(api_client):
    response = api_client.post("/api/_test/echo", data="{not json", content_type="application/json")
    assert_error(response, 400, "parse_error")


def test_missing_credentials_is_401_with_challenge(api_client):
    response = api_client.get("/api/_test/private")
    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_unknown_api_url_is_json_404(api_client):
    assert_error(api_client.get("/api/no-such-thing"), 404, "not_found")


def test_unknown_api_url_is_json_404_even_with_debug(api_client, settings):
    settings.DEBUG = True
    assert_error(api_client.get("/api/no-such-thing/deeper"), 404, "not_found")


def test_wrong_method_is_405(api_client):
    response = api_client.delete("/api/_test/echo")
    assert_error(response, 405, "method_not_allowed")


def test_conflict_is_409_with_domain_message(api_client):
    error = assert_error(api_client.post("/api/_test/conflict", {}), 409, "conflict")
    assert error["message"] == "That name is taken."
    assert error["details"] == {"field": "name"}


def test_oversized_body_is_413_and_view_not_called(api_client, settings):
    settings.TESTGEN_MAX_REQUEST_BYTES = 100
    response = api_client.post("/api/_test/conflict", {"blob": "x" * 500})
    assert_error(response, 413, "payload_too_large")


def test_unsupported_media_type_is_415(api_client):
    response = api_client.post("/api/_test/echo", data="<name/>", content_type="application/xml")
    assert_error(response, 415, "unsupported_media_type")


def test_throttled_is_429_with_retry_after(api_client):
    response = api_client.get("/api/_test/throttled")
    error = assert_error(response, 429, "rate_limited")
    assert response["Retry-After"] == "42"
    assert error["details"]["retry_after"] == 42


def test_unhandled_exception_is_json_500_without_trace_and_logged(api_client, caplog):
    api_client.raise_request_exception = False
    with caplog.at_level(logging.ERROR, logger="testgen.errors"):
        response = api_client.get("/api/_test/boom", HTTP_X_REQUEST_ID="req-500-test")
    error = assert_error(response, 500, "server_error")
    assert "kaboom" not in response.content.decode()
    assert "Traceback" not in response.content.decode()
    assert error["request_id"] == "req-500-test"
    record = next(r for r in caplog.records if r.name == "testgen.errors")
    assert record.exc_info is not None
    assert record.request_id == "req-500-test"


def test_unhandled_exception_in_plain_view_is_json_500(api_client, settings, caplog):
    settings.DEBUG = True
    api_client.raise_request_exception = False
    with caplog.at_level(logging.ERROR, logger="testgen.errors"):
        response = api_client.get("/api/_test/plain-boom")
    assert_error(response, 500, "server_error")
    assert "plain django view failure" not in response.content.decode()
    assert any(r.exc_info for r in caplog.records if r.name == "testgen.errors")


def test_json_log_line_of_a_500_has_stack_trace_request_id_and_no_secret(api_client, capsys):
    from testgen.api.logging import JsonFormatter, RequestContextFilter, SecretScrubFilter

    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestContextFilter())
    handler.addFilter(SecretScrubFilter())
    logger = logging.getLogger("testgen.errors")
    logger.addHandler(handler)
    try:
        api_client.raise_request_exception = False
        api_client.get("/api/_test/boom", HTTP_X_REQUEST_ID="req-json-500")
    finally:
        logger.removeHandler(handler)
    line = next(l for l in capsys.readouterr().err.splitlines() if "req-json-500" in l)
    record = json.loads(line)
    assert record["level"] == "ERROR"
    assert record["request_id"] == "req-json-500"
    assert "Traceback" in record["exc_info"] and "Boom" in record["exc_info"]
    assert "hunter2" not in line


def test_trailing_slash_reaches_the_same_view(api_client):
    assert api_client.post("/api/_test/echo/", {"name": "abc"}).json() == {"name": "abc"}
    assert api_client.post("/api/_test/echo", {"name": "abc"}).json() == {"name": "abc"}


def test_non_api_paths_keep_html_errors(client):
    response = client.get("/not-api/missing")
    assert response.status_code == 404
    assert not response["Content-Type"].startswith("application/json")
