from __future__ import annotations

import logging

import pytest

pytestmark = [pytest.mark.urls("testgen.tests.urls"), pytest.mark.django_db]


def _access_records(caplog):
    return [r for r in caplog.records if r.name == "testgen.request"]


def test_each_request_logs_one_line_with_required_fields(api_client, caplog):
    with caplog.at_level(logging.INFO, logger="testgen.request"):
        api_client.post("/api/_test/echo", {"name": "ab"}, HTTP_X_REQUEST_ID="abc-123")
    (record,) = _access_records(caplog)
    assert record.levelno == logging.INFO
    assert (record.method, record.path, record.status) == ("POST", "/api/_test/echo", 200)
    assert record.request_id == "abc-123"
    assert record.duration_ms >= 0
    assert record.user_id is None


def test_request_id_is_generated_and_echoed(api_client):
    response = api_client.get("/api/health")
    assert len(response["X-Request-ID"]) == 32


def test_malformed_request_id_is_replaced(api_client):
    response = api_client.get("/api/health", HTTP_X_REQUEST_ID="bad id\nwith newline")
    assert response["X-Request-ID"] != "bad id\nwith newline"


def test_authenticated_request_logs_user_id(api_client, caplog, django_user_model):
    user = django_user_model.objects.create_user("log@example.com", "S3cure-pass-123")
    api_client.force_authenticate(user)
    with caplog.at_level(logging.INFO, logger="testgen.request"):
        api_client.get("/api/_test/private")
    assert _access_records(caplog)[0].user_id == user.pk


def test_slow_request_logs_a_warning(api_client, caplog, settings):
    settings.TESTGEN_SLOW_REQUEST_MS = 0
    with caplog.at_level(logging.INFO, logger="testgen.request"):
        api_client.get("/api/_test/plain-ok")
    warnings = [r for r in _access_records(caplog) if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and warnings[0].slow is True


def test_fast_request_logs_no_warning(api_client, caplog, settings):
    settings.TESTGEN_SLOW_REQUEST_MS = 60_000
    with caplog.at_level(logging.INFO, logger="testgen.request"):
        api_client.get("/api/_test/plain-ok")
    assert all(r.levelno == logging.INFO for r in _access_records(caplog))
