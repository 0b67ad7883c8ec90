from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from drf_spectacular.generators import SchemaGenerator

    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


def test_every_accounts_endpoint_is_documented(schema):
    expected = {
        ("/api/auth/register", "post"), ("/api/auth/login", "post"), ("/api/auth/refresh", "post"),
        ("/api/auth/verify", "get"), ("/api/auth/logout", "post"), ("/api/auth/me", "get"),
        ("/api/auth/me", "patch"), ("/api/auth/reset-password", "post"), ("/api/auth/confirm-reset", "post"),
        ("/api/auth/oauth/providers", "get"), ("/api/auth/oauth/exchange", "post"),
        ("/api/user/api-keys", "get"), ("/api/user/api-keys", "post"), ("/api/user/api-keys/{key_id}", "delete"),
    }
    documented = {(path, method) for path, ops in schema["paths"].items() for method in ops}
    assert expected <= documented


def test_both_credentials_are_documented_as_security_schemes(schema):
    schemes = schema["components"]["securitySchemes"]
    assert schemes["jwtAuth"] == {**schemes["jwtAuth"], "type": "http", "scheme": "bearer"}
    assert (schemes["apiKeyAuth"]["in"], schemes["apiKeyAuth"]["name"]) == ("header", "X-API-Key")
    assert {"jwtAuth": []} in schema["paths"]["/api/auth/me"]["get"]["security"]
    assert {"apiKeyAuth": []} in schema["paths"]["/api/auth/me"]["get"]["security"]


def test_login_documents_its_401_and_429(schema):
    assert {"200", "401", "429"} <= set(schema["paths"]["/api/auth/login"]["post"]["responses"])


def test_the_api_key_list_is_documented_as_paginated(schema):
    ref = schema["paths"]["/api/user/api-keys"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    component = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert {"count", "next", "previous", "results"} <= set(component["properties"])


def test_no_response_schema_exposes_a_password_or_key_hash(schema):
    for name, component in schema["components"]["schemas"].items():
        properties = component.get("properties", {})
        if name.endswith("Request"):
            continue
        assert "password" not in properties and "key_hash" not in properties, name
