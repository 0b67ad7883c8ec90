from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from accounts.keys import hash_secret
from accounts.models import APIKey
from accounts.services import MESSAGE_EXPIRY_IN_PAST
from accounts.tests.factories import APIKeyFactory

pytestmark = pytest.mark.django_db

URL = "/api/user/api-keys"


def test_create_returns_the_key_once_and_stores_only_its_hash(owner_client, owner):
    response = owner_client.post(URL, {"name": "CI"})
    assert response.status_code == 201
    body = response.json()
    assert re.fullmatch(r"ak_[A-Za-z0-9_\-]{32,}", body["key"])
    assert body["key"].startswith(body["prefix"]) and len(body["prefix"]) < 16
    stored = APIKey.objects.get(pk=body["id"])
    assert stored.user == owner
    assert stored.key_hash == hash_secret(body["key"]) and body["key"] not in stored.key_hash
    listed = owner_client.get(URL).json()["results"]
    assert "key" not in listed[0] and listed[0]["prefix"] == body["prefix"]


def test_create_accepts_a_future_expiry(owner_client):
    expires = (timezone.now() + dt.timedelta(days=30)).isoformat()
    response = owner_client.post(URL, {"name": "CI", "expires_at": expires})
    assert response.status_code == 201
    assert response.json()["expires_at"] is not None


def test_create_rejects_a_past_expiry_and_a_missing_name(owner_client):
    past = owner_client.post(URL, {"name": "CI", "expires_at": "2000-01-01T00:00:00Z"})
    assert past.status_code == 400
    assert past.json()["error"]["details"] == {"expires_at": [MESSAGE_EXPIRY_IN_PAST]}
    assert "name" in owner_client.post(URL, {}).json()["error"]["details"]


def test_the_new_key_authenticates_as_its_owner(owner_client, api_client, owner):
    key = owner_client.post(URL, {"name": "CI"}).json()["key"]
    response = api_client.get("/api/auth/me", HTTP_X_API_KEY=key)
    assert response.status_code == 200 and response.json()["id"] == owner.pk


def test_list_shows_only_the_callers_active_keys(owner_client, owner, outsider):
    mine = APIKeyFactory(user=owner)
    APIKeyFactory(user=owner, revoked_at=timezone.now())
    APIKeyFactory(user=outsider)
    body = owner_client.get(URL).json()
    assert body["count"] == 1
    assert [k["id"] for k in body["results"]] == [mine.pk]


def test_list_is_paginated(owner_client, owner):
    APIKeyFactory.create_batch(3, user=owner)
    body = owner_client.get(URL, {"page_size": 2}).json()
    assert (body["count"], len(body["results"])) == (3, 2)
    assert body["next"]


def test_list_query_count_does_not_grow_with_keys(owner_client, owner, django_assert_num_queries):
    APIKeyFactory.create_batch(2, user=owner)
    with django_assert_num_queries(3):  # user, count, page
        owner_client.get(URL)
    APIKeyFactory.create_batch(2, user=owner)
    with django_assert_num_queries(3):
        assert owner_client.get(URL).json()["count"] == 4


def test_delete_revokes_the_key(owner_client, api_client, owner):
    key = APIKeyFactory(user=owner)
    assert owner_client.delete(f"{URL}/{key.pk}").status_code == 204
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert api_client.get("/api/auth/me", HTTP_X_API_KEY=key.raw_key).status_code == 401
    assert owner_client.delete(f"{URL}/{key.pk}").status_code == 404


def test_an_outsider_cannot_see_or_revoke_the_owners_key(outsider_client, owner):
    key = APIKeyFactory(user=owner)
    assert outsider_client.get(URL).json()["count"] == 0
    assert outsider_client.delete(f"{URL}/{key.pk}").status_code == 404
    key.refresh_from_db()
    assert key.revoked_at is None


@pytest.mark.parametrize(
    "header",
    ["ak_" + "x" * 43, "not-a-key", ""],
    ids=["unknown", "malformed", "empty"],
)
def test_unknown_keys_are_401(api_client, owner, header):
    response = api_client.get("/api/auth/me", HTTP_X_API_KEY=header)
    assert response.status_code == 401


def test_expired_and_revoked_keys_are_401(api_client, owner):
    expired = APIKeyFactory(user=owner, expires_at=timezone.now() - dt.timedelta(seconds=1))
    revoked = APIKeyFactory(user=owner, revoked_at=timezone.now())
    for key in (expired, revoked):
        response = api_client.get("/api/auth/me", HTTP_X_API_KEY=key.raw_key)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "not_authenticated"


def test_api_key_management_requires_authentication(api_client):
    assert api_client.get(URL).status_code == 401
    assert api_client.post(URL, {"name": "x"}).status_code == 401
