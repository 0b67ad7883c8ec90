from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from accounts.keys import display_prefix, generate_api_key, hash_secret
from accounts.models import APIKey, User

DEFAULT_PASSWORD = "Str0ng-Pass-123!"


class UserFactory(factory.django.DjangoModelFactory):
    """A member who can log in with DEFAULT_PASSWORD."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    role = User.Role.MEMBER
    is_active = True

    # `UserFactory(password=None)` gives the user an unusable password (an OAuth-only account).
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @classmethod
    def _after_postgeneration(cls, instance: User, create: bool, results: dict | None = None) -> None:
        if create and results:
            instance.save(update_fields=["password"])


class AdminUserFactory(UserFactory):
    role = User.Role.ADMIN
    is_staff = True
    is_superuser = True


class APIKeyFactory(factory.django.DjangoModelFactory):
    """An API key; the plain key is on `instance.raw_key` (it is never stored)."""

    class Meta:
        model = APIKey

    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"ci-key-{n}")
    raw_key = factory.LazyFunction(generate_api_key)
    key_hash = factory.LazyAttribute(lambda o: hash_secret(o.raw_key))
    display_prefix = factory.LazyAttribute(lambda o: display_prefix(o.raw_key))
    expires_at = None

    @classmethod
    def _create(cls, model_class: type[APIKey], *args: object, **kwargs: object) -> APIKey:
        raw_key = kwargs.pop("raw_key", None)
        instance = super()._create(model_class, *args, **kwargs)
        instance.raw_key = raw_key  # type: ignore[attr-defined]
        return instance


def expired_at() -> dt.datetime:
    return timezone.now() - dt.timedelta(minutes=1)
