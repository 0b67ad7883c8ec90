"""Identity endpoints, with an owner and an outsider in every scenario."""
from __future__ import annotations

import json
from typing import Any
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from execution.models import Identity, TestRun
from execution.services import (
    MESSAGE_IDENTITY_HEADER_TEMPLATE,
    MESSAGE_IDENTITY_HEADERS_REQUIRED,
    MESSAGE_IDENTITY_JSON_PATH,
    MESSAGE_IDENTITY_LOGIN_VALUE,
    MESSAGE_IDENTITY_NAME,
    MESSAGE_IDENTITY_NAME_TAKEN,
    MESSAGE_LOGIN_REQUEST,
)
from execution.tests.factories import ApprovedTestCaseFactory, IdentityFactory
from projects.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

PASSWORD = "s3cret-pass-word"
API_KEY = "key-abcdef-123456"
LOGIN = {"method": "POST", "path": "/login", "body": {"username": "alice", "password": PASSWORD}}
STATIC = {"name": "ci", "kind": "static_headers", "headers": {"X-Api-Key": API_KEY}}


@pytest.fixture
def project(owner):
    return ProjectFactory(owner=owner, target_base_url="https://api.example.com")




def identities_url(project, name: str = "") -> str:
    return f"/api/projects/{project.pk}/identities" + (f"/{name}" if name else "")


def login_payload(**overrides: Any) -> dict[str, Any]:
    return {"name": "alice", "kind": "login", "login_request": LOGIN, "token_path": "$.data.token",
            "header_template": "Token {token}", "ttl_seconds": 600, **overrides}


def stored_column(identity_id: int, column: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM execution_identity WHERE id = %s", [identity_id])
        return cursor.fetchone()[0]


# --- access ---------------------------------------------------------------------------------------


def test_every_verb_on_another_users_project_is_a_404(outsider_client, project):
    IdentityFactory(project=project, name="ci")
    responses = [
        outsider_client.get(identities_url(project)),
        outsider_client.post(identities_url(project), STATIC, format="json"),
        outsider_client.get(identities_url(project, "ci")),
        outsider_client.patch(identities_url(project, "ci"), {"name": "mine"}, format="json"),
        outsider_client.delete(identities_url(project, "ci")),
    ]
    assert [r.status_code for r in responses] == [404] * 5
    assert Identity.objects.get(project=project).name == "ci"


def test_an_anonymous_request_is_a_401(api_client, project):
    assert api_client.get(identities_url(project)).status_code == 401


def test_a_missing_identity_is_a_404(owner_client, project):
    assert owner_client.get(identities_url(project, "nobody")).status_code == 404


# --- create ---------------------------------------------------------------------------------------


def test_owner_creates_static_headers_and_sees_only_their_names(owner_client, project):
    response = owner_client.post(identities_url(project), STATIC, format="json")
    assert response.status_code == 201
    body = response.json()
    assert (body["name"], body["kind"], body["headers"], body["login_request"]) == (
        "ci", "static_headers", {"X-Api-Key": "***"}, None,
    )
    assert Identity.objects.get(project=project, name="ci").headers == {"X-Api-Key": API_KEY}


def test_owner_creates_a_login_identity_whose_credentials_stay_hidden(owner_client, project):
    response = owner_client.post(identities_url(project), login_payload(), format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["login_request"] == {"method": "POST", "path": "/login",
                                     "body": {"username": "***", "password": "***"}}
    assert (body["token_path"], body["header_template"], body["ttl_seconds"]) == ("$.data.token", "Token {token}", 600)
    assert PASSWORD not in response.content.decode()


def test_a_duplicate_name_is_a_409(owner_client, project):
    IdentityFactory(project=project, name="ci")
    response = owner_client.post(identities_url(project), STATIC, format="json")
    assert response.status_code == 409
    assert response.json()["error"]["details"] == {"name": [MESSAGE_IDENTITY_NAME_TAKEN.format(name="ci")]}


def test_the_same_name_in_another_project_is_fine(owner_client, project):
    IdentityFactory(name="ci")
    assert owner_client.post(identities_url(project), STATIC, format="json").status_code == 201


# --- validation -----------------------------------------------------------------------------------


def test_a_login_identity_with_bad_fields_is_a_400_naming_each(owner_client, project):
    payload = login_payload(token_path="data.token", header_template="Bearer")
    response = owner_client.post(identities_url(project), payload, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["details"] == {
        "token_path": [MESSAGE_IDENTITY_JSON_PATH], "header_template": [MESSAGE_IDENTITY_HEADER_TEMPLATE],
    }


def test_a_login_identity_without_a_request_is_a_400(owner_client, project):
    response = owner_client.post(identities_url(project), login_payload(login_request=None), format="json")
    assert response.status_code == 400
    assert response.json()["error"]["details"] == {"login_request": [MESSAGE_LOGIN_REQUEST]}


def test_a_login_request_with_a_bad_method_is_a_400(owner_client, project):
    payload = login_payload(login_request={**LOGIN, "method": "FETCH"})
    response = owner_client.post(identities_url(project), payload, format="json")
    assert response.status_code == 400
    [message] = response.json()["error"]["details"]["login_request"]
    assert message.startswith("method: ")


def test_a_bad_login_value_is_reported_without_echoing_it(owner_client, project):
    payload = login_payload(login_request={**LOGIN, "query": {"key": {"nested": PASSWORD}}})
    response = owner_client.post(identities_url(project), payload, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["details"] == {"login_request": [f"query/key: {MESSAGE_IDENTITY_LOGIN_VALUE}"]}
    assert PASSWORD not in response.content.decode()


def test_static_headers_without_headers_and_a_bad_name_are_a_400(owner_client, project):
    response = owner_client.post(identities_url(project), {"name": "a/b", "kind": "static_headers"}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["details"] == {
        "name": [MESSAGE_IDENTITY_NAME], "headers": [MESSAGE_IDENTITY_HEADERS_REQUIRED],
    }


def test_an_unknown_kind_is_a_400(owner_client, project):
    response = owner_client.post(identities_url(project), {**STATIC, "kind": "oauth"}, format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]["details"]) == {"kind"}


# --- read -----------------------------------------------------------------------------------------


def test_owner_lists_identities_by_name_paginated(owner_client, project):
    IdentityFactory(project=project, name="zeta")
    IdentityFactory(project=project, name="alpha")
    IdentityFactory(name="elsewhere")
    body = owner_client.get(identities_url(project)).json()
    assert body["count"] == 2
    assert [item["name"] for item in body["results"]] == ["alpha", "zeta"]


def test_the_list_query_count_does_not_grow_with_the_data(owner_client, project, django_assert_num_queries):
    IdentityFactory.create_batch(3, project=project)
    owner_client.get(identities_url(project))
    with CaptureQueriesContext(connection) as first:
        owner_client.get(identities_url(project))
    IdentityFactory.create_batch(3, project=project)
    with django_assert_num_queries(len(first.captured_queries)):
        response = owner_client.get(identities_url(project))
    assert response.json()["count"] == 6


def test_owner_reads_one_identity(owner_client, project):
    IdentityFactory(project=project, name="ci", headers={"Authorization": "Bearer static-token-123"})
    response = owner_client.get(identities_url(project, "ci"))
    assert response.status_code == 200
    assert response.json()["headers"] == {"Authorization": "***"}


def test_secrets_never_appear_in_any_response(owner_client, project):
    static = owner_client.post(identities_url(project), STATIC, format="json")
    login = owner_client.post(identities_url(project), login_payload(headers={"X-Client-Secret": API_KEY + "2"}),
                              format="json")
    bodies = [
        static, login,
        owner_client.get(identities_url(project)),
        owner_client.get(identities_url(project, "alice")),
        owner_client.patch(identities_url(project, "alice"), {"ttl_seconds": 60}, format="json"),
    ]
    for response in bodies:
        text = response.content.decode()
        assert response.status_code in (200, 201)
        assert PASSWORD not in text and API_KEY not in text, text


def test_secrets_are_encrypted_at_rest(owner_client, project):
    owner_client.post(identities_url(project), STATIC, format="json")
    owner_client.post(identities_url(project), login_payload(), format="json")
    static, login = Identity.objects.get(name="ci"), Identity.objects.get(name="alice")
    assert API_KEY not in stored_column(static.pk, "headers")
    assert PASSWORD not in stored_column(login.pk, "login_request")


# --- update ---------------------------------------------------------------------------------------


def test_patching_a_masked_header_keeps_the_stored_value(owner_client, project):
    owner_client.post(identities_url(project), STATIC, format="json")
    response = owner_client.patch(identities_url(project, "ci"), {"headers": {"X-Api-Key": "***", "X-Team": "qa"}},
                                  format="json")
    assert response.status_code == 200
    assert response.json()["headers"] == {"X-Api-Key": "***", "X-Team": "***"}
    assert Identity.objects.get(name="ci").headers == {"X-Api-Key": API_KEY, "X-Team": "qa"}


def test_sending_back_the_read_login_request_keeps_its_credentials(owner_client, project):
    owner_client.post(identities_url(project), login_payload(), format="json")
    shown = owner_client.get(identities_url(project, "alice")).json()["login_request"]
    response = owner_client.patch(identities_url(project, "alice"), {"login_request": {**shown, "path": "/v2/login"}},
                                  format="json")
    assert response.status_code == 200
    assert Identity.objects.get(name="alice").login_request == {**LOGIN, "path": "/v2/login"}


def test_renaming_changes_the_address(owner_client, project):
    IdentityFactory(project=project, name="ci")
    response = owner_client.patch(identities_url(project, "ci"), {"name": "ci-bot"}, format="json")
    assert response.status_code == 200 and response.json()["name"] == "ci-bot"
    assert owner_client.get(identities_url(project, "ci")).status_code == 404


def test_renaming_onto_a_taken_name_is_a_409(owner_client, project):
    IdentityFactory(project=project, name="ci")
    IdentityFactory(project=project, name="other")
    response = owner_client.patch(identities_url(project, "other"), {"name": "ci"}, format="json")
    assert response.status_code == 409


def test_an_invalid_patch_is_a_400_and_changes_nothing(owner_client, project):
    owner_client.post(identities_url(project), login_payload(), format="json")
    response = owner_client.patch(identities_url(project, "alice"), {"token_path": "token"}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["details"] == {"token_path": [MESSAGE_IDENTITY_JSON_PATH]}
    assert Identity.objects.get(name="alice").token_path == "$.data.token"


# --- delete ---------------------------------------------------------------------------------------


def test_owner_deletes_an_identity(owner_client, project):
    IdentityFactory(project=project, name="ci")
    response = owner_client.delete(identities_url(project, "ci"))
    assert response.status_code == 204
    assert not Identity.objects.filter(project=project).exists()


# --- runs -----------------------------------------------------------------------------------------


def test_a_run_started_with_an_identity_name_uses_that_identity(owner_client, project):
    ApprovedTestCaseFactory(project=project)
    created = owner_client.post(identities_url(project), STATIC, format="json").json()
    with mock.patch("execution.tasks.execute_test_run.delay"):
        response = owner_client.post(f"/api/projects/{project.pk}/runs", {"identity": created["name"]}, format="json")
    assert response.status_code == 202 and response.json()["identity"] == "ci"
    run = TestRun.objects.get(public_id=response.json()["id"])
    assert run.identity == Identity.objects.get(project=project, name="ci")
    assert API_KEY not in json.dumps(response.json())
