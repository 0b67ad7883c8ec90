"""Identities: static headers, login with token capture, refresh on expiry and on 401."""
from __future__ import annotations

from execution.engine import LoginIdentity, StaticHeadersIdentity
from execution.tests.conftest import get, run_specs
from execution.tests.server import PASSWORD, USERNAME

OK = {"type": "status", "expected": 200}
LOGIN = {"method": "POST", "path": "/login", "body": {"username": USERNAME, "password": PASSWORD}}


def login_identity(**options) -> LoginIdentity:
    return LoginIdentity("alice", request=options.pop("request", LOGIN), **options)


def test_static_headers_are_sent_as_the_default_identity(api):
    identity = StaticHeadersIdentity("ci", {"Authorization": "Bearer static-secret-token"})
    [result] = run_specs(api.url, get("/echo", OK), default_identity=identity)
    assert result.response["body"]["headers"]["authorization"] == "***"  # masked in the record ...
    assert result.request["headers"]["Authorization"] == "***"
    assert "static-secret-token" not in str(result.response)  # ... including the echoed value


def test_auth_none_sends_no_credentials(api):
    identity = StaticHeadersIdentity("ci", {"Authorization": "Bearer static-secret-token"})
    [result] = run_specs(api.url, get("/echo", OK, auth="none"), default_identity=identity)
    assert "authorization" not in result.response["body"]["headers"]


def test_a_login_identity_captures_the_token_once_for_the_run(api):
    identity = login_identity()
    results = run_specs(api.url, *[get("/protected", OK, auth={"identity": "alice"}) for _ in range(6)],
                        identities={"alice": identity}, concurrency=3)
    assert [r.status for r in results] == ["passed"] * 6
    assert api.app.state.logins == 1
    assert identity.logins == 1


def test_a_401_triggers_one_new_login_and_a_retry(api):
    identity = login_identity()
    spec = {"steps": [
        {"request": {"method": "GET", "path": "/protected", "auth": {"identity": "alice"}}, "assertions": [OK]},
        {"request": {"method": "POST", "path": "/revoke", "auth": "none"}},
        {"request": {"method": "GET", "path": "/protected", "auth": {"identity": "alice"}}, "assertions": [OK]},
    ]}
    [result] = run_specs(api.url, spec, identities={"alice": identity})
    assert result.status == "passed"
    assert api.app.state.logins == 2


def test_an_expired_token_is_renewed_before_use(api):
    identity = login_identity(ttl_seconds=0.05)
    spec = {"steps": [
        {"request": {"method": "GET", "path": "/protected", "auth": {"identity": "alice"}}, "assertions": [OK]},
        {"request": {"method": "GET", "path": "/slow", "query": {"ms": 100}, "auth": "none"}},
        {"request": {"method": "GET", "path": "/protected", "auth": {"identity": "alice"}}, "assertions": [OK]},
    ]}
    [result] = run_specs(api.url, spec, identities={"alice": identity})
    assert result.status == "passed"
    assert identity.logins == 2


def test_a_refused_login_is_an_error_naming_the_identity(api):
    identity = login_identity(request={**LOGIN, "body": {"username": USERNAME, "password": "wrong-password"}})
    [result] = run_specs(api.url, get("/protected", OK, auth={"identity": "alice"}), identities={"alice": identity})
    assert result.status == "error"
    assert result.error == "Login for identity 'alice' was answered 401."


def test_a_login_answer_without_the_token_is_an_error(api):
    identity = login_identity(token_path="$.jwt")
    [result] = run_specs(api.url, get("/protected", OK, auth={"identity": "alice"}), identities={"alice": identity})
    assert result.status == "error"
    assert "no token at $.jwt" in result.error


def test_an_unknown_identity_is_an_error(api):
    [result] = run_specs(api.url, get("/protected", OK, auth={"identity": "bob"}))
    assert result.status == "error"
    assert result.error == "The identity 'bob' does not exist in this project."


def test_a_captured_token_is_masked_in_the_records(api):
    identity = login_identity()
    [result] = run_specs(api.url, get("/echo", OK, auth={"identity": "alice"}), identities={"alice": identity})
    token = identity._token
    assert token and token not in str(result.request) and token not in str(result.response)
