"""Stored identities and the resolvers the engine gets for them."""
from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from execution.engine import LoginIdentity, StaticHeadersIdentity
from execution.models import Identity
from execution.services import (
    MESSAGE_IDENTITY_HEADER_TEMPLATE,
    MESSAGE_IDENTITY_HEADERS_REQUIRED,
    MESSAGE_IDENTITY_JSON_PATH,
    MESSAGE_IDENTITY_LOGIN_UNUSED_KEY,
    MESSAGE_IDENTITY_MASK_UNKNOWN,
    MESSAGE_IDENTITY_NAME_TAKEN,
    MESSAGE_IDENTITY_STATIC_NO_LOGIN,
    MESSAGE_LOGIN_REQUEST,
    identity_create,
    identity_delete,
    identity_mask,
    identity_resolver,
    identity_update,
)
from execution.tests.factories import IdentityFactory, TestRunFactory
from projects.tests.factories import ProjectFactory
from testgen.api.errors import ConflictError

pytestmark = pytest.mark.django_db

LOGIN = {"method": "POST", "path": "/login", "body": {"username": "alice", "password": "s3cret-pass"}}


def test_a_login_identity_becomes_a_login_resolver_with_its_settings():
    identity = identity_create(project=ProjectFactory(), name="alice", kind=Identity.Kind.LOGIN, login_request=LOGIN,
                               headers={"X-Client": "ci"}, token_path="$.jwt", header_template="JWT {token}",
                               ttl_seconds=300)
    resolver = identity_resolver(Identity.objects.get(pk=identity.pk))
    assert isinstance(resolver, LoginIdentity)
    assert (resolver.token_path, resolver.header_template, resolver.ttl_seconds) == ("$.jwt", "JWT {token}", 300)
    assert resolver.request["headers"] == {"X-Client": "ci"}
    assert resolver.request["body"] == LOGIN["body"]


def test_a_static_identity_becomes_a_static_resolver():
    identity = identity_create(project=ProjectFactory(), name="ci", kind=Identity.Kind.STATIC_HEADERS,
                               headers={"X-Api-Key": "key-1234567"})
    resolver = identity_resolver(identity)
    assert isinstance(resolver, StaticHeadersIdentity) and resolver.secrets() == ("key-1234567",)


def test_login_credentials_are_encrypted_at_rest():
    from django.db import connection

    identity = identity_create(project=ProjectFactory(), name="alice", kind=Identity.Kind.LOGIN, login_request=LOGIN)
    with connection.cursor() as cursor:
        cursor.execute("SELECT login_request FROM execution_identity WHERE id = %s", [identity.pk])
        stored = cursor.fetchone()[0]
    assert "s3cret-pass" not in stored


def test_a_login_identity_needs_a_request_path():
    with pytest.raises(ValidationError) as refused:
        identity_create(project=ProjectFactory(), name="x", kind=Identity.Kind.LOGIN, login_request={"method": "POST"})
    assert refused.value.message_dict == {"login_request": [MESSAGE_LOGIN_REQUEST]}


def test_identity_names_are_unique_per_project():
    project = ProjectFactory()
    identity_create(project=project, name="ci", kind=Identity.Kind.STATIC_HEADERS, headers={"X-Key": "k"})
    with pytest.raises(ConflictError) as refused:
        identity_create(project=project, name="ci", kind=Identity.Kind.STATIC_HEADERS, headers={"X-Key": "k"})
    assert refused.value.status_code == 409 and refused.value.details == {
        "name": [MESSAGE_IDENTITY_NAME_TAKEN.format(name="ci")]
    }


def test_a_login_identity_reports_every_bad_field_at_once():
    with pytest.raises(ValidationError) as refused:
        identity_create(project=ProjectFactory(), name="x", kind=Identity.Kind.LOGIN, login_request=LOGIN,
                        token_path="access_token", header_template="Bearer", expires_in_path="expires")
    assert refused.value.message_dict == {
        "token_path": [MESSAGE_IDENTITY_JSON_PATH],
        "header_template": [MESSAGE_IDENTITY_HEADER_TEMPLATE],
        "expires_in_path": [MESSAGE_IDENTITY_JSON_PATH],
    }


def test_a_login_request_is_checked_like_a_spec_request():
    request = {"method": "FETCH", "path": "/login", "auth": "none", "extra": 1}
    with pytest.raises(ValidationError) as refused:
        identity_create(project=ProjectFactory(), name="x", kind=Identity.Kind.LOGIN, login_request=request)
    messages = refused.value.message_dict["login_request"]
    assert MESSAGE_IDENTITY_LOGIN_UNUSED_KEY.format(key="auth") in messages
    assert any(m.startswith("method: ") for m in messages)
    assert any("extra" in m for m in messages)


def test_a_login_request_cannot_use_variables_nothing_captured():
    request = {"method": "POST", "path": "/login/{{tenant}}"}
    with pytest.raises(ValidationError) as refused:
        identity_create(project=ProjectFactory(), name="x", kind=Identity.Kind.LOGIN, login_request=request)
    assert "tenant" in refused.value.message_dict["login_request"][0]


def test_a_static_identity_needs_headers_and_no_login_request():
    with pytest.raises(ValidationError) as refused:
        identity_create(project=ProjectFactory(), name="x", kind=Identity.Kind.STATIC_HEADERS, login_request=LOGIN)
    assert refused.value.message_dict == {
        "headers": [MESSAGE_IDENTITY_HEADERS_REQUIRED], "login_request": [MESSAGE_IDENTITY_STATIC_NO_LOGIN],
    }


def test_masking_keeps_keys_and_hides_every_value():
    assert identity_mask({"user": "alice", "n": 3, "list": ["a", {"k": True}]}) == {
        "user": "***", "n": "***", "list": ["***", {"k": "***"}],
    }


def test_an_update_keeps_masked_values_and_replaces_the_rest():
    identity = identity_create(project=ProjectFactory(), name="alice", kind=Identity.Kind.LOGIN, login_request=LOGIN)
    identity_update(identity=identity, data={
        "login_request": {"method": "POST", "path": "/v2/login", "body": {"username": "bob", "password": "***"}},
    })
    identity.refresh_from_db()
    assert identity.login_request == {"method": "POST", "path": "/v2/login",
                                      "body": {"username": "bob", "password": "s3cret-pass"}}


def test_an_update_refuses_a_mask_with_nothing_stored_behind_it():
    identity = IdentityFactory()
    with pytest.raises(ValidationError) as refused:
        identity_update(identity=identity, data={"headers": {"X-New": "***"}})
    assert refused.value.message_dict == {"headers": [MESSAGE_IDENTITY_MASK_UNKNOWN.format(path="headers.X-New")]}


def test_turning_a_login_into_static_headers_drops_the_login_request():
    identity = identity_create(project=ProjectFactory(), name="alice", kind=Identity.Kind.LOGIN, login_request=LOGIN)
    identity_update(identity=identity, data={"kind": Identity.Kind.STATIC_HEADERS, "headers": {"X-Key": "k-123456"}})
    identity.refresh_from_db()
    assert (identity.kind, identity.login_request) == (Identity.Kind.STATIC_HEADERS, None)


def test_renaming_onto_a_taken_name_is_a_conflict():
    taken = IdentityFactory(name="ci")
    identity = IdentityFactory(project=taken.project, name="other")
    with pytest.raises(ConflictError):
        identity_update(identity=identity, data={"name": "ci"})


def test_deleting_an_identity_keeps_the_runs_that_used_it():
    identity = IdentityFactory()
    run = TestRunFactory(project=identity.project, identity=identity)
    identity_delete(identity=identity)
    run.refresh_from_db()
    assert run.identity is None and not Identity.objects.filter(pk=identity.pk).exists()
