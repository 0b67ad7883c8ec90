from __future__ import annotations

import pytest
from django.db import connection

from projects.models import Project, header_is_secret
from projects.tests.factories import ProjectFactory


def test_header_named_like_a_credential_is_secret() -> None:
    assert header_is_secret("Authorization", "Bearer abc")
    assert header_is_secret("X-API-Key", "x")


def test_plain_header_is_not_secret() -> None:
    assert not header_is_secret("Accept", "application/json")


def test_header_value_shaped_like_a_token_is_secret() -> None:
    assert header_is_secret("X-Custom", "ghp_abcdefghijklmnop")


@pytest.mark.django_db
def test_secret_headers_are_encrypted_at_rest_and_joined_back() -> None:
    project = ProjectFactory()
    project.default_headers = {"Accept": "application/json", "Authorization": "Bearer s3cr3t-value"}
    project.save()

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT plain_headers, secret_headers FROM projects_project WHERE id = %s", [project.pk]
        )
        plain, secret = cursor.fetchone()
    assert "s3cr3t-value" not in secret
    assert "s3cr3t-value" not in str(plain)
    assert Project.objects.get(pk=project.pk).default_headers == {
        "Accept": "application/json",
        "Authorization": "Bearer s3cr3t-value",
    }
