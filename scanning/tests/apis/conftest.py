from __future__ import annotations

import pytest

from scanning.tests.factories import ProjectFactory




@pytest.fixture
def project(owner):
    return ProjectFactory(owner=owner, repository_url="https://git.example.com/acme/api.git")
