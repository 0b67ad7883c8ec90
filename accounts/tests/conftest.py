from __future__ import annotations

from collections.abc import Iterator

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.models import User
from accounts.tests.factories import UserFactory


@pytest.fixture
def owner(db) -> User:
    return UserFactory(email="owner@example.com")


@pytest.fixture
def outsider(db) -> User:
    return UserFactory(email="outsider@example.com")


def bearer_client(user: User) -> APIClient:
    """A client holding a fresh access token for `user` (and its refresh on `.refresh`)."""
    refresh = RefreshToken.for_user(user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {refresh.access_token}")
    client.refresh = str(refresh)  # type: ignore[attr-defined]
    client.access = str(refresh.access_token)  # type: ignore[attr-defined]
    return client


@pytest.fixture
def owner_client(owner: User) -> APIClient:
    return bearer_client(owner)


@pytest.fixture
def outsider_client(outsider: User) -> APIClient:
    return bearer_client(outsider)


@pytest.fixture
def eager_celery() -> Iterator[None]:
    """Run tasks inline when enqueued (unit tests); the real worker is tested separately."""
    from testgen.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = previous
