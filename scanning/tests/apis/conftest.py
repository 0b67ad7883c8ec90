from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from scanning.tests.factories import ProjectFactory, UserFactory


@pytest.fixture
def owner():
    return UserFactory()


@pytest.fixture
def outsider():
    return UserFactory()


@pytest.fixture
def owner_client(owner) -> APIClient:
    client = APIClient()
    client.force_authenticate(owner)
    return client


@pytest.fixture
def outsider_client(outsider) -> APIClient:
    client = APIClient()
    client.force_authenticate(outsider)
    return client


@pytest.fixture
def project(owner):
    return ProjectFactory(owner=owner, repository_url="https://git.example.com/acme/api.git")
