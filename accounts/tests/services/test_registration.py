from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from accounts.models import User
from accounts.services import MESSAGE_EMAIL_TAKEN, auth_login, user_register
from accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from accounts.tests.strategies import emails, names, passwords, rolled_back
from testgen.api.errors import ConflictError

pytestmark = pytest.mark.django_db


def _valid(password: str, email: str, first: str, last: str) -> bool:
    try:
        validate_password(password, user=User(email=email, first_name=first, last_name=last))
    except ValidationError:
        return False
    return True


@settings(max_examples=25, deadline=None)
@given(email=emails, first=names, last=names, password=passwords)
def test_property_1_any_valid_registration_makes_one_account_that_can_log_in(email, first, last, password):
    assume(_valid(password, email, first, last))
    with rolled_back():
        user = user_register(email=email, password=password, first_name=first, last_name=last)
        assert User.objects.filter(email__iexact=email).count() == 1
        stored = User.objects.get(pk=user.pk).password
        assert stored != password and password not in stored
        assert stored.startswith("bcrypt_sha256$")
        pair = auth_login(email=email.upper(), password=password, ip="192.0.2.1")
        assert pair.user.pk == user.pk


@settings(max_examples=15, deadline=None)
@given(email=emails)
def test_property_1_a_second_registration_of_the_same_email_in_any_case_conflicts(email):
    with rolled_back():
        user_register(email=email, password=DEFAULT_PASSWORD)
        with pytest.raises(ConflictError, match=MESSAGE_EMAIL_TAKEN):
            user_register(email=email.swapcase(), password=DEFAULT_PASSWORD)
        assert User.objects.filter(email__iexact=email).count() == 1


def test_a_rejected_password_creates_nothing():
    with pytest.raises(ValidationError) as excinfo:
        user_register(email="new@example.com", password="123")
    assert "password" in excinfo.value.message_dict
    assert not User.objects.exists()


def test_a_password_like_the_email_is_rejected():
    with pytest.raises(ValidationError) as excinfo:
        user_register(email="averylongname@example.com", password="averylongname")
    assert "password" in excinfo.value.message_dict


def test_email_domain_is_normalised_but_lookup_is_case_insensitive():
    user = user_register(email="  Mixed.Case@EXAMPLE.COM ", password=DEFAULT_PASSWORD)
    assert user.email == "Mixed.Case@example.com"
    assert auth_login(email="mixed.case@example.com", password=DEFAULT_PASSWORD, ip="192.0.2.1").user == user


def test_role_defaults_to_member():
    assert user_register(email="m@example.com", password=DEFAULT_PASSWORD).role == User.Role.MEMBER


@pytest.mark.postgres
def test_the_database_refuses_case_variants_of_an_email():
    from django.db import IntegrityError, transaction

    UserFactory(email="dup@example.com")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.bulk_create([User(email="DUP@example.com", password="x")])


@settings(max_examples=10, deadline=None)
@given(st.text(max_size=30).filter(lambda s: "@" not in s))
def test_strings_without_an_at_sign_are_not_emails(value):
    with rolled_back(), pytest.raises(ValidationError) as excinfo:
        user_register(email=value or " ", password=DEFAULT_PASSWORD)
    assert "email" in excinfo.value.message_dict
