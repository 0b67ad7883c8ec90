from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest
import time_machine
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework_simplejwt.tokens import AccessToken

from accounts.selectors import user_from_credentials
from accounts.services import InvalidCredentials, auth_login, auth_logout, auth_refresh
from accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from accounts.tests.strategies import rolled_back

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2030, 6, 1, 12, 0, tzinfo=dt.UTC)
ACCESS_LIFETIME = dt.timedelta(hours=24)
REFRESH_LIFETIME = dt.timedelta(days=7)

steps = st.lists(
    st.one_of(
        st.just(("verify",)),
        st.just(("refresh",)),
        st.just(("replay_old_refresh",)),
        st.just(("logout",)),
        st.tuples(st.just("shift"), st.integers(min_value=0, max_value=9 * 24 * 3600)),
    ),
    max_size=8,
)


@dataclass
class Model:
    """What the specification says about the session at each moment."""

    access: str
    refresh: str
    access_expires: dt.datetime
    refresh_expires: dt.datetime
    logged_out: bool = False
    old_refreshes: list[str] = field(default_factory=list)

    def access_ok(self, now: dt.datetime) -> bool:
        return not self.logged_out and now < self.access_expires

    def refresh_ok(self, now: dt.datetime) -> bool:
        return not self.logged_out and now < self.refresh_expires


@settings(max_examples=30, deadline=None)
@given(steps=steps)
def test_property_2_each_lifecycle_step_is_accepted_or_rejected_as_specified(steps):
    with rolled_back(), time_machine.travel(T0, tick=False) as clock:
        user = UserFactory(email="life@example.com")
        pair = auth_login(email=user.email, password=DEFAULT_PASSWORD, ip="198.51.100.1")
        now = T0
        model = Model(pair.access, pair.refresh, now + ACCESS_LIFETIME, now + REFRESH_LIFETIME)
        for step in steps:
            if step[0] == "shift":
                clock.shift(dt.timedelta(seconds=step[1]))
                now += dt.timedelta(seconds=step[1])
            elif step[0] == "verify":
                assert (user_from_credentials(access_token=model.access) is not None) is model.access_ok(now)
            elif step[0] == "refresh":
                if model.refresh_ok(now):
                    new = auth_refresh(refresh=model.refresh)
                    model.old_refreshes.append(model.refresh)
                    model.access, model.refresh = new.access, new.refresh
                    model.access_expires, model.refresh_expires = now + ACCESS_LIFETIME, now + REFRESH_LIFETIME
                else:
                    with pytest.raises(InvalidCredentials):
                        auth_refresh(refresh=model.refresh)
            elif step[0] == "replay_old_refresh":
                for old in model.old_refreshes:
                    with pytest.raises(InvalidCredentials):
                        auth_refresh(refresh=old)
            elif step[0] == "logout":
                # Logging out needs a working access token (the endpoint is authenticated).
                if model.access_ok(now) and model.refresh_ok(now):
                    auth_logout(user=user, refresh=model.refresh, access=AccessToken(model.access))
                    model.logged_out = True


def test_logout_is_idempotent():
    user = UserFactory()
    pair = auth_login(email=user.email, password=DEFAULT_PASSWORD, ip="198.51.100.1")
    auth_logout(user=user, refresh=pair.refresh, access=AccessToken(pair.access))
    auth_logout(user=user, refresh=pair.refresh, access=None)
    with pytest.raises(InvalidCredentials):
        auth_refresh(refresh=pair.refresh)


def test_logout_rejects_an_access_token_in_place_of_the_refresh():
    user = UserFactory()
    pair = auth_login(email=user.email, password=DEFAULT_PASSWORD, ip="198.51.100.1")
    with pytest.raises(ValidationError):
        auth_logout(user=user, refresh=pair.access, access=None)


def test_a_refresh_token_never_authenticates_as_access():
    user = UserFactory()
    pair = auth_login(email=user.email, password=DEFAULT_PASSWORD, ip="198.51.100.1")
    assert user_from_credentials(access_token=pair.refresh) is None


def test_login_records_last_login():
    user = UserFactory()
    auth_login(email=user.email, password=DEFAULT_PASSWORD, ip="198.51.100.1")
    user.refresh_from_db()
    assert user.last_login is not None


def test_default_lifetimes_are_24_hours_and_7_days():
    from rest_framework_simplejwt.tokens import RefreshToken

    assert (AccessToken.lifetime, RefreshToken.lifetime) == (ACCESS_LIFETIME, REFRESH_LIFETIME)


def test_lifetimes_are_configurable_from_the_environment():
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "testgen.settings.test",
        "JWT_ACCESS_TOKEN_LIFETIME_MINUTES": "15",
        "JWT_REFRESH_TOKEN_LIFETIME_DAYS": "2",
        "PASSWORD_RESET_TIMEOUT": "600",
    }
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "from rest_framework_simplejwt.tokens import AccessToken, RefreshToken; "
        "print(int(AccessToken.lifetime.total_seconds()), RefreshToken.lifetime.days, settings.PASSWORD_RESET_TIMEOUT)"
    )
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["900", "2", "600"]
