from __future__ import annotations

import pytest
from django.test import Client

from accounts.tests.factories import AdminUserFactory
from projects.models import Project
from projects.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_() -> Client:
    client = Client()
    client.force_login(AdminUserFactory())
    return client


def test_the_changelist_searches_and_filters(admin_client_: Client) -> None:
    ProjectFactory(name="Billing API", status="archived")
    ProjectFactory(name="Search API")
    response = admin_client_.get("/admin/projects/project/", {"q": "billing", "status__exact": "archived"})
    assert response.status_code == 200
    assert "Billing API" in response.content.decode()
    assert "Search API" not in response.content.decode()


def test_the_change_form_never_shows_secrets(admin_client_: Client) -> None:
    project = ProjectFactory(repository_secret="ghp_AdminHiddenToken123", webhook_secret="hook-hidden")
    response = admin_client_.get(f"/admin/projects/project/{project.pk}/change/")
    assert response.status_code == 200
    assert "ghp_AdminHiddenToken123" not in response.content.decode()
    assert "hook-hidden" not in response.content.decode()


def test_the_archive_action_goes_through_the_lifecycle(admin_client_: Client) -> None:
    active = ProjectFactory()
    archived = ProjectFactory(status="archived")
    admin_client_.post("/admin/projects/project/", {"action": "archive", "_selected_action": [active.pk, archived.pk]})
    assert set(Project.objects.values_list("status", flat=True)) == {"archived"}
