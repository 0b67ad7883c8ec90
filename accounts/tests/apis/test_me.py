from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

URL = "/api/auth/me"


def test_it_returns_the_callers_profile(owner_client, owner):
    response = owner_client.get(URL)
    assert response.status_code == 200
    assert response.json()["email"] == owner.email
    assert "password" not in response.json()


def test_each_user_sees_only_themselves(owner_client, outsider_client, outsider):
    assert outsider_client.get(URL).json()["id"] == outsider.pk
    assert owner_client.get(URL).json()["id"] != outsider.pk


def test_patch_updates_the_name(owner_client, owner):
    response = owner_client.patch(URL, {"first_name": " Grace ", "last_name": "Hopper"})
    assert response.status_code == 200
    owner.refresh_from_db()
    assert (owner.first_name, owner.last_name) == ("Grace", "Hopper")


def test_patch_cannot_change_email_or_role(owner_client, owner):
    owner_client.patch(URL, {"email": "evil@example.com", "role": "admin"})
    owner.refresh_from_db()
    assert (owner.email, owner.role) == ("owner@example.com", "member")


def test_patch_rejects_a_too_long_name(owner_client):
    response = owner_client.patch(URL, {"first_name": "x" * 151})
    assert response.status_code == 400
    assert "first_name" in response.json()["error"]["details"]


def test_it_requires_authentication(api_client):
    assert api_client.get(URL).status_code == 401
    assert api_client.patch(URL, {"first_name": "x"}).status_code == 401


def test_an_api_key_authenticates_as_its_owner(api_client, owner):
    from accounts.tests.factories import APIKeyFactory

    key = APIKeyFactory(user=owner)
    response = api_client.get(URL, HTTP_X_API_KEY=key.raw_key)
    assert response.status_code == 200
    assert response.json()["email"] == owner.email
