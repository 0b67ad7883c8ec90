from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_openapi_schema_is_served_and_documents_health(api_client):
    response = api_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/health" in schema["paths"]
    assert set(schema["paths"]["/api/health"]["get"]["responses"]) == {"200", "503"}


def test_every_protected_operation_documents_the_error_shape(api_client):
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            assert any(code.startswith("2") for code in operation["responses"]), (method, path)
            if {} not in operation.get("security", [{}]):
                ref = operation["responses"]["401"]["content"]["application/json"]["schema"]["$ref"]
                assert ref.endswith("/Error"), (method, path)


def test_schema_generation_has_no_warnings_or_errors():
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    GENERATOR_STATS.reset()
    SchemaGenerator().get_schema(request=None, public=True)
    assert not GENERATOR_STATS._warn_cache, list(GENERATOR_STATS._warn_cache)
    assert not GENERATOR_STATS._error_cache, list(GENERATOR_STATS._error_cache)


def test_swagger_ui_is_served(client):
    assert client.get("/api/docs/").status_code == 200


NOT_PAGINATED = {"/api/auth/oauth/providers", "/api/projects/{project_id}/provider-credentials"}


def test_list_endpoints_document_the_paginated_envelope_they_return(api_client):
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    for path, operations in schema["paths"].items():
        response = operations.get("get", {}).get("responses", {}).get("200", {})
        body = response.get("content", {}).get("application/json", {}).get("schema", {})
        if body.get("type") == "array":
            assert path in NOT_PAGINATED, f"{path} answers a paginated envelope but documents a bare array"
        elif body.get("$ref", "").split("/")[-1].startswith("Paginated"):
            component = schema["components"]["schemas"][body["$ref"].split("/")[-1]]
            assert {"count", "next", "previous", "results"} <= set(component["properties"]), path
