from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.test import APIRequestFactory
from rest_framework_simplejwt.tokens import AccessToken

from accounts.authentication import (
    MESSAGE_INVALID_API_KEY,
    MESSAGE_TOKEN_REVOKED,
    APIKeyAuthentication,
    JWTAuthentication,
)
from accounts.keys import revoked_access_cache_key
from accounts.tests.factories import APIKeyFactory, UserFactory

pytestmark = pytest.mark.django_db

factory = APIRequestFactory()


def _bearer(token: str):
    return factory.get("/api/auth/me", HTTP_AUTHORIZATION=f"Bearer {token}")


def test_jwt_authentication_accepts_a_fresh_access_token():
    user = UserFactory()
    token = AccessToken.for_user(user)
    authenticated_user, validated = JWTAuthentication().authenticate(_bearer(str(token)))
    assert authenticated_user == user
    assert validated["jti"] == token["jti"]


def test_jwt_authentication_rejects_an_access_token_revoked_in_the_cache():
    token = AccessToken.for_user(UserFactory())
    cache.set(revoked_access_cache_key(token["jti"]), 1, 60)
    with pytest.raises(AuthenticationFailed, match=MESSAGE_TOKEN_REVOKED):
        JWTAuthentication().authenticate(_bearer(str(token)))


def test_jwt_authentication_rejects_tokens_issued_before_a_password_change():
    user = UserFactory()
    token = AccessToken.for_user(user)
    user.set_password("An0ther-Pass-456!")
    user.save()
    with pytest.raises(AuthenticationFailed):
        JWTAuthentication().authenticate(_bearer(str(token)))


def test_jwt_challenge_names_the_api_realm():
    assert JWTAuthentication().authenticate_header(_bearer("x")) == 'Bearer realm="api"'


def test_api_key_authentication_returns_the_owner_and_the_key():
    api_key = APIKeyFactory()
    request = factory.get("/api/auth/me", HTTP_X_API_KEY=api_key.raw_key)
    user, key = APIKeyAuthentication().authenticate(request)
    assert (user, key.pk) == (api_key.user, api_key.pk)


@pytest.mark.parametrize(
    "overrides",
    [
        {"revoked_at": timezone.now()},
        {"expires_at": timezone.now() - dt.timedelta(seconds=1)},
    ],
    ids=["revoked", "expired"],
)
def test_api_key_authentication_rejects_unusable_keys(overrides):
    api_key = APIKeyFactory(**overrides)
    request = factory.get("/", HTTP_X_API_KEY=api_key.raw_key)
    with pytest.raises(AuthenticationFailed, match=MESSAGE_INVALID_API_KEY):
        APIKeyAuthentication().authenticate(request)


def test_api_key_authentication_rejects_the_key_of_an_inactive_user():
    api_key = APIKeyFactory(user=UserFactory(is_active=False))
    with pytest.raises(AuthenticationFailed, match=MESSAGE_INVALID_API_KEY):
        APIKeyAuthentication().authenticate(factory.get("/", HTTP_X_API_KEY=api_key.raw_key))


def test_api_key_authentication_ignores_requests_without_the_header():
    assert APIKeyAuthentication().authenticate(factory.get("/")) is None


def test_api_key_use_is_written_at_most_once_a_minute(django_assert_num_queries):
    api_key = APIKeyFactory()
    request = factory.get("/", HTTP_X_API_KEY=api_key.raw_key)
    with time_machine.travel(dt.datetime(2030, 1, 1, 12, 0, tzinfo=dt.UTC), tick=False):
        with django_assert_num_queries(2):  # lookup + the first last_used_at write
            APIKeyAuthentication().authenticate(request)
        with django_assert_num_queries(1):  # lookup only
            APIKeyAuthentication().authenticate(request)
    with time_machine.travel(dt.datetime(2030, 1, 1, 12, 1, 1, tzinfo=dt.UTC), tick=False):
        with django_assert_num_queries(2):
            APIKeyAuthentication().authenticate(request)
    api_key.refresh_from_db()
    assert api_key.last_used_at == dt.datetime(2030, 1, 1, 12, 1, 1, tzinfo=dt.UTC)


def test_user_factory_password_is_usable():
    from accounts.tests.factories import DEFAULT_PASSWORD

    assert UserFactory().check_password(DEFAULT_PASSWORD)
    assert not UserFactory(password=None).has_usable_password()
