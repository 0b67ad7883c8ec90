"""Stored identities and the resolvers the engine gets for them."""
from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from execution.engine import LoginIdentity, StaticHeadersIdentity
from execution.models import Identity
from execution.services import MESSAGE_LOGIN_REQUEST, identity_create, identity_resolver
from projects.tests.factories import ProjectFactory

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
    identity_create(project=project, name="ci", kind=Identity.Kind.STATIC_HEADERS, headers={})
    with pytest.raises((ValidationError, IntegrityError)):
        identity_create(project=project, name="ci", kind=Identity.Kind.STATIC_HEADERS, headers={})
