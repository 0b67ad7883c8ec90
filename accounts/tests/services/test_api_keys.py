from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from hypothesis import given, settings
from hypothesis import strategies as st

from accounts.keys import hash_secret
from accounts.models import APIKey
from accounts.selectors import api_key_get_usable, user_from_credentials
from accounts.services import MESSAGE_EXPIRY_IN_PAST, api_key_create, api_key_record_use, api_key_revoke
from accounts.tests.factories import UserFactory
from accounts.tests.strategies import rolled_back

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2030, 8, 1, 0, 0, tzinfo=dt.UTC)
KEY_FORMAT = re.compile(r"ak_[A-Za-z0-9_\-]{32,}")


@settings(max_examples=20, deadline=None)
@given(name=st.text(st.characters(categories=["L", "N", "P", "Zs"]), min_size=1, max_size=100).filter(str.strip))
def test_property_29_keys_have_the_format_and_only_a_hash_is_stored(name):
    with rolled_back():
        api_key, raw = api_key_create(user=UserFactory(), name=name)
        assert KEY_FORMAT.fullmatch(raw)
        stored = APIKey.objects.get(pk=api_key.pk)
        assert stored.key_hash == hash_secret(raw)
        assert raw.startswith(stored.display_prefix) and len(stored.display_prefix) <= 11
        assert not any(raw in str(v) for v in model_to_dict(stored).values())


def test_property_29_keys_are_unique():
    user = UserFactory()
    raws = {api_key_create(user=user, name=f"k{n}")[1] for n in range(200)}
    assert len(raws) == 200


@settings(max_examples=30, deadline=None)
@given(
    expires_in=st.one_of(st.none(), st.integers(min_value=1, max_value=10 * 86400)),
    revoke=st.booleans(),
    used_after=st.integers(min_value=0, max_value=12 * 86400),
)
def test_property_29_a_key_authenticates_iff_unrevoked_and_unexpired(expires_in, revoke, used_after):
    with rolled_back(), time_machine.travel(T0, tick=False) as clock:
        user = UserFactory()
        expires_at = T0 + dt.timedelta(seconds=expires_in) if expires_in is not None else None
        api_key, raw = api_key_create(user=user, name="ci", expires_at=expires_at)
        if revoke:
            api_key_revoke(api_key=api_key)
        clock.shift(dt.timedelta(seconds=used_after))
        expected = not revoke and (expires_in is None or used_after < expires_in)
        assert (user_from_credentials(api_key=raw) == user) is expected


@settings(max_examples=30, deadline=None)
@given(gaps=st.lists(st.integers(min_value=0, max_value=180), min_size=1, max_size=8))
def test_property_29_last_used_is_written_at_most_once_a_minute(gaps):
    with rolled_back(), time_machine.travel(T0, tick=False) as clock:
        api_key, raw = api_key_create(user=UserFactory(), name="ci")
        now, expected = T0, None
        for gap in gaps:
            clock.shift(dt.timedelta(seconds=gap))
            now += dt.timedelta(seconds=gap)
            if expected is None or now - expected >= dt.timedelta(seconds=60):
                expected = now
            assert user_from_credentials(api_key=raw) is not None
            assert APIKey.objects.get(pk=api_key.pk).last_used_at == expected


def test_a_stale_in_memory_copy_does_not_overwrite_a_newer_use():
    with time_machine.travel(T0, tick=False) as clock:
        api_key, _ = api_key_create(user=UserFactory(), name="ci")
        stale = APIKey.objects.get(pk=api_key.pk)
        clock.shift(dt.timedelta(seconds=120))
        api_key_record_use(api_key=APIKey.objects.get(pk=api_key.pk))
        clock.shift(dt.timedelta(seconds=10))
        api_key_record_use(api_key=stale)  # thinks last use was never: must not write
    assert APIKey.objects.get(pk=api_key.pk).last_used_at == T0 + dt.timedelta(seconds=120)


def test_expiry_must_be_in_the_future():
    with pytest.raises(ValidationError) as excinfo:
        api_key_create(user=UserFactory(), name="ci", expires_at=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    assert excinfo.value.message_dict == {"expires_at": [MESSAGE_EXPIRY_IN_PAST]}


def test_a_blank_name_is_rejected():
    with pytest.raises(ValidationError) as excinfo:
        api_key_create(user=UserFactory(), name="   ")
    assert "name" in excinfo.value.message_dict


def test_revoking_twice_keeps_the_first_revocation_time():
    api_key, _ = api_key_create(user=UserFactory(), name="ci")
    first = api_key_revoke(api_key=api_key).revoked_at
    assert api_key_revoke(api_key=api_key).revoked_at == first


@pytest.mark.parametrize("raw", ["", "ak_", "ak_short", "bearer-token", "ak_" + "A" * 43])
def test_malformed_or_unknown_keys_find_nothing(raw):
    api_key_create(user=UserFactory(), name="ci")
    assert api_key_get_usable(raw_key=raw) is None
