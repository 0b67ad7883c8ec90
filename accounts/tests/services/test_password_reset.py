from __future__ import annotations

import base64
import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from accounts.keys import generate_reset_token, hash_secret
from accounts.models import PasswordResetToken
from accounts.services import (
    MESSAGE_RESET_TOKEN_INVALID,
    PASSWORD_RESET_EMAILS_PER_HOUR,
    password_reset_confirm,
    password_reset_request,
    password_reset_send,
)
from accounts.tests.factories import UserFactory
from accounts.tests.strategies import rolled_back

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "N3w-Secret-Phrase!"
T0 = dt.datetime(2030, 7, 1, 6, 0, tzinfo=dt.UTC)
URLSAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def _mailed_token() -> str:
    return re.search(r"token=([A-Za-z0-9_\-]+)", mail.outbox[-1].body).group(1)


def test_property_3_tokens_carry_at_least_128_random_bits_and_never_repeat():
    tokens = [generate_reset_token() for _ in range(2000)]
    assert len(set(tokens)) == len(tokens)
    for token in tokens[:50]:
        assert len(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))) * 8 >= 128


def test_property_3_only_the_hash_is_stored():
    user = UserFactory()
    reset = password_reset_send(email=user.email)
    token = _mailed_token()
    assert reset.token_hash == hash_secret(token)
    assert not PasswordResetToken.objects.filter(token_hash=token).exists()


@settings(max_examples=20, deadline=None)
@given(timeout=st.integers(min_value=60, max_value=6 * 3600), elapsed=st.integers(min_value=0, max_value=8 * 3600))
def test_property_3_a_token_works_once_and_only_before_it_expires(timeout, elapsed):
    from django.conf import settings as django_settings

    mail.outbox.clear()
    with rolled_back(), time_machine.travel(T0, tick=False) as clock:
        django_settings.PASSWORD_RESET_TIMEOUT, previous = timeout, django_settings.PASSWORD_RESET_TIMEOUT
        try:
            user = UserFactory()
            password_reset_send(email=user.email)
        finally:
            django_settings.PASSWORD_RESET_TIMEOUT = previous
        token = _mailed_token()
        clock.shift(dt.timedelta(seconds=elapsed))
        if elapsed < timeout:
            assert password_reset_confirm(token=token, new_password=NEW_PASSWORD) == user
        with pytest.raises(ValidationError) as excinfo:
            password_reset_confirm(token=token, new_password="Another-Pass-987!")
        assert excinfo.value.message_dict == {"token": [MESSAGE_RESET_TOKEN_INVALID]}


@settings(max_examples=25, deadline=None)
@given(guess=st.text(alphabet=URLSAFE, min_size=43, max_size=43))
def test_property_3_guessed_tokens_are_rejected(guess):
    with rolled_back():
        user = UserFactory()
        password_reset_send(email=user.email)
        with pytest.raises(ValidationError):
            password_reset_confirm(token=guess, new_password=NEW_PASSWORD)


def test_the_request_enqueues_after_commit_and_the_task_sends(django_capture_on_commit_callbacks, eager_celery):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        password_reset_request(email=user.email)
    assert mail.outbox == [] and len(callbacks) == 1
    callbacks[0]()
    assert [m.to for m in mail.outbox] == [[user.email]]


def test_mail_per_account_is_capped_per_hour():
    user = UserFactory()
    sent = [password_reset_send(email=user.email) for _ in range(PASSWORD_RESET_EMAILS_PER_HOUR + 2)]
    assert sum(r is not None for r in sent) == PASSWORD_RESET_EMAILS_PER_HOUR
    assert len(mail.outbox) == PASSWORD_RESET_EMAILS_PER_HOUR


def test_unknown_and_inactive_accounts_get_nothing():
    UserFactory(email="gone@example.com", is_active=False)
    assert password_reset_send(email="gone@example.com") is None
    assert password_reset_send(email="nobody@example.com") is None
    assert mail.outbox == []


def test_a_token_stops_working_if_the_user_is_deactivated():
    user = UserFactory()
    password_reset_send(email=user.email)
    user.is_active = False
    user.save()
    with pytest.raises(ValidationError):
        password_reset_confirm(token=_mailed_token(), new_password=NEW_PASSWORD)


def test_a_confirmed_reset_marks_the_email_verified_for_oauth_linking():
    from allauth.account.models import EmailAddress

    user = UserFactory()
    password_reset_send(email=user.email)
    password_reset_confirm(token=_mailed_token(), new_password=NEW_PASSWORD)
    assert EmailAddress.objects.get(user=user, email=user.email).verified
