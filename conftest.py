"""Shared fixtures: services, API clients, personas, a real Celery worker."""
from __future__ import annotations

import os

import pytest
from django.conf import settings
from django.db import connection

IN_CI = os.environ.get("CI", "").lower() == "true"


def require_service(name: str, available: bool) -> None:
    """Skip locally when a service is not configured; in CI its absence is a failure."""
    if available:
        return
    message = f"{name} is not configured for this test run"
    if IN_CI:
        pytest.fail(f"{message}, and CI must exercise it (set DATABASE_URL/REDIS_URL).")
    pytest.skip(message)


@pytest.fixture
def require_postgres() -> None:
    require_service("PostgreSQL", connection.vendor == "postgresql")


@pytest.fixture
def require_redis() -> None:
    require_service("Redis", bool(settings.REDIS_URL))


@pytest.fixture(autouse=True)
def _service_markers(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("postgres"):
        request.getfixturevalue("require_postgres")
    if request.node.get_closest_marker("redis"):
        request.getfixturevalue("require_redis")


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    from testgen.tests.cache import clear_test_cache

    clear_test_cache()


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


# Personas: a project owner and somebody else, each with an authenticated API client. An
# app's conftest overrides them where it needs more (accounts: real bearer tokens).


@pytest.fixture
def owner():
    from accounts.tests.factories import UserFactory

    return UserFactory(email="owner@example.com")


@pytest.fixture
def outsider():
    from accounts.tests.factories import UserFactory

    return UserFactory(email="outsider@example.com")


def _client_for(user):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def owner_client(owner):
    return _client_for(owner)


@pytest.fixture
def outsider_client(outsider):
    return _client_for(outsider)


@pytest.fixture
def celery_worker(transactional_db):
    """A real Celery worker (thread, solo pool) consuming the configured broker.

    With REDIS_URL set (CI) this is the real Redis broker, exactly as production runs.
    """
    from celery.contrib.testing.worker import start_worker

    from testgen.celery import app

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=20) as worker:
        yield worker
