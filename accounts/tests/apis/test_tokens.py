from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from rest_framework.test import APIClient

from accounts.tests.conftest import bearer_client
from accounts.tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2030, 3, 1, 9, 0, tzinfo=dt.UTC)


def _login(client: APIClient, email: str = "owner@example.com") -> dict:
    response = client.post("/api/auth/login", {"email": email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 200
    return response.json()


def _verify(client: APIClient, access: str):
    return client.get("/api/auth/verify", HTTP_AUTHORIZATION=f"Bearer {access}")


def test_verify_returns_the_user_of_a_valid_access_token(api_client, owner):
    pair = _login(api_client)
    response = _verify(api_client, pair["access"])
    assert response.status_code == 200
    assert response.json()["email"] == "owner@example.com"


def test_verify_rejects_a_tampered_token(api_client, owner):
    access = _login(api_client)["access"]
    header, payload, signature = access.split(".")
    tampered = f"{header}.{payload}.{signature[:-4]}AAAA"
    response = _verify(api_client, tampered)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_verify_rejects_a_refresh_token_used_as_access(api_client, owner):
    assert _verify(api_client, _login(api_client)["refresh"]).status_code == 401


def test_verify_without_credentials_is_401_not_403(api_client):
    response = api_client.get("/api/auth/verify")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_verify_does_not_accept_an_api_key(api_client, owner):
    from accounts.tests.factories import APIKeyFactory

    key = APIKeyFactory(user=owner)
    assert api_client.get("/api/auth/verify", HTTP_X_API_KEY=key.raw_key).status_code == 401


def test_access_tokens_expire_after_24_hours(api_client, owner):
    with time_machine.travel(T0, tick=False) as clock:
        access = _login(api_client)["access"]
        clock.shift(dt.timedelta(hours=23, minutes=59))
        assert _verify(api_client, access).status_code == 200
        clock.shift(dt.timedelta(minutes=1))
        assert _verify(api_client, access).status_code == 401


def test_refresh_rotates_and_the_old_refresh_stops_working(api_client, owner):
    pair = _login(api_client)
    response = api_client.post("/api/auth/refresh", {"refresh": pair["refresh"]})
    assert response.status_code == 200
    rotated = response.json()
    assert rotated["refresh"] != pair["refresh"]
    assert _verify(api_client, rotated["access"]).status_code == 200
    again = api_client.post("/api/auth/refresh", {"refresh": pair["refresh"]})
    assert again.status_code == 401
    assert api_client.post("/api/auth/refresh", {"refresh": rotated["refresh"]}).status_code == 200


def test_refresh_tokens_expire_after_7_days(api_client, owner):
    with time_machine.travel(T0, tick=False) as clock:
        refresh = _login(api_client)["refresh"]
        clock.shift(dt.timedelta(days=7))
        assert api_client.post("/api/auth/refresh", {"refresh": refresh}).status_code == 401


def test_refresh_is_refused_for_a_deactivated_user(api_client, owner):
    refresh = _login(api_client)["refresh"]
    owner.is_active = False
    owner.save()
    assert api_client.post("/api/auth/refresh", {"refresh": refresh}).status_code == 401


@pytest.mark.parametrize("value", ["", "garbage", "a.b.c"])
def test_refresh_rejects_malformed_tokens(api_client, value):
    response = api_client.post("/api/auth/refresh", {"refresh": value})
    assert response.status_code in (400, 401)


def test_logout_revokes_both_the_refresh_and_the_access_token(api_client, owner):
    pair = _login(api_client)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {pair['access']}")
    assert client.post("/api/auth/logout", {"refresh": pair["refresh"]}).status_code == 204
    assert _verify(api_client, pair["access"]).status_code == 401
    assert client.get("/api/auth/me").status_code == 401
    assert api_client.post("/api/auth/refresh", {"refresh": pair["refresh"]}).status_code == 401


def test_logout_leaves_other_sessions_alone(api_client, owner):
    first, second = _login(api_client), _login(api_client)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {first['access']}")
    client.post("/api/auth/logout", {"refresh": first["refresh"]})
    assert _verify(api_client, second["access"]).status_code == 200
    assert api_client.post("/api/auth/refresh", {"refresh": second["refresh"]}).status_code == 200


def test_logout_cannot_revoke_someone_elses_refresh_token(owner, outsider):
    outsider_client = bearer_client(outsider)
    response = bearer_client(owner).post("/api/auth/logout", {"refresh": outsider_client.refresh})
    assert response.status_code == 400
    assert "refresh" in response.json()["error"]["details"]
    assert APIClient().post("/api/auth/refresh", {"refresh": outsider_client.refresh}).status_code == 200


def test_logout_requires_authentication(api_client, owner):
    assert api_client.post("/api/auth/logout", {"refresh": _login(api_client)["refresh"]}).status_code == 401


def test_the_revocation_entry_expires_with_the_access_token(api_client, owner):
    from unittest import mock

    from django.core.cache import cache
    from rest_framework_simplejwt.tokens import AccessToken

    from accounts.keys import revoked_access_cache_key

    with time_machine.travel(T0, tick=False) as clock:
        pair = _login(api_client)
        clock.shift(dt.timedelta(hours=20))
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {pair['access']}")
        with mock.patch.object(cache, "set", wraps=cache.set) as cache_set:
            client.post("/api/auth/logout", {"refresh": pair["refresh"]})
    key = revoked_access_cache_key(AccessToken(pair["access"], verify=False)["jti"])
    cache_set.assert_called_once_with(key, 1, timeout=4 * 3600 + 1)


def test_verify_rejects_the_token_of_a_deactivated_or_deleted_user(api_client, owner, outsider):
    owner_access = _login(api_client)["access"]
    outsider_access = _login(api_client, "outsider@example.com")["access"]
    owner.is_active = False
    owner.save()
    outsider.delete()
    assert _verify(api_client, owner_access).status_code == 401
    assert _verify(api_client, outsider_access).status_code == 401
