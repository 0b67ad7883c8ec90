from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from accounts.selectors import user_from_credentials
from accounts.services import access_token_revoke
from accounts.tests.factories import APIKeyFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_valid_access_token_resolves_to_its_user():
    user = UserFactory()
    assert user_from_credentials(access_token=str(AccessToken.for_user(user))) == user


def test_a_valid_api_key_resolves_to_its_owner():
    key = APIKeyFactory()
    assert user_from_credentials(api_key=key.raw_key) == key.user


@pytest.mark.parametrize("value", [None, "", "garbage", "a.b.c"])
def test_missing_or_malformed_credentials_give_none(value):
    assert user_from_credentials(access_token=value, api_key=value) is None


def test_a_revoked_access_token_gives_none():
    token = AccessToken.for_user(UserFactory())
    access_token_revoke(token=token)
    assert user_from_credentials(access_token=str(token)) is None


def test_an_expired_access_token_gives_none():
    with time_machine.travel(dt.datetime(2030, 1, 1, tzinfo=dt.UTC), tick=False) as clock:
        token = str(AccessToken.for_user(UserFactory()))
        clock.shift(dt.timedelta(hours=24, seconds=1))
        assert user_from_credentials(access_token=token) is None


def test_an_inactive_user_gives_none_for_both_kinds():
    user = UserFactory(is_active=False)
    key = APIKeyFactory(user=user)
    assert user_from_credentials(access_token=str(AccessToken.for_user(user)), api_key=key.raw_key) is None


def test_a_refresh_token_is_not_an_access_token():
    assert user_from_credentials(access_token=str(RefreshToken.for_user(UserFactory()))) is None


def test_revoked_and_expired_api_keys_give_none():
    revoked = APIKeyFactory(revoked_at=timezone.now())
    expired = APIKeyFactory(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert user_from_credentials(api_key=revoked.raw_key) is None
    assert user_from_credentials(api_key=expired.raw_key) is None


def test_a_bad_access_token_falls_back_to_a_good_api_key():
    key = APIKeyFactory()
    assert user_from_credentials(access_token="garbage", api_key=key.raw_key) == key.user
