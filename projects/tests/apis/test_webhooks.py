from __future__ import annotations

import json
from typing import Any

import pytest
from rest_framework.test import APIClient

from projects import webhooks
from projects.models import Project, WebhookDelivery
from projects.tests.factories import ProjectFactory
from scanning.models import ScanJob

pytestmark = pytest.mark.django_db

SECRET = "hook-secret-value-123"


@pytest.fixture
def project(owner) -> Project:
    return ProjectFactory(
        owner=owner, repository_url="https://github.com/acme/shop.git", repository_branch="main",
        webhook_secret=SECRET,
    )


@pytest.fixture
def other_project(outsider) -> Project:
    return ProjectFactory(owner=outsider, repository_url="https://github.com/evil/x.git", webhook_secret="outsider-secret")


def _push(provider: str, branch: str) -> dict[str, Any]:
    if provider == "bitbucket":
        return {"push": {"changes": [{"new": {"type": "branch", "name": branch}}]}}
    if provider == "gitlab":
        return {"object_kind": "push", "ref": f"refs/heads/{branch}", "after": "1a2b"}
    return {"ref": f"refs/heads/{branch}", "after": "1a2b"}


_EVENT_HEADERS = {
    "github": lambda delivery, event: {"X-GitHub-Event": event or "push", "X-GitHub-Delivery": delivery},
    "gitlab": lambda delivery, event: {"X-Gitlab-Event": event or "Push Hook", "X-Gitlab-Event-UUID": delivery},
    "bitbucket": lambda delivery, event: {"X-Event-Key": event or "repo:push", "X-Request-UUID": delivery},
}


def deliver(
    client: APIClient, provider: str, project: Project, payload: dict[str, Any], *,
    delivery: str = "delivery-1", event: str = "", secret: str = SECRET, signature: dict[str, str] | None = None,
    execute: Any = None,
):
    body = json.dumps(payload).encode()
    headers = {**_EVENT_HEADERS[provider](delivery, event), **(signature if signature is not None else webhooks.sign(provider, secret, body))}
    meta = {"HTTP_" + name.upper().replace("-", "_"): value for name, value in headers.items()}
    return client.post(
        f"/api/webhooks/{provider}?project={project.pk}", data=body, content_type="application/json", **meta
    )


@pytest.mark.parametrize("provider", webhooks.PROVIDERS)
def test_a_signed_push_to_the_tracked_branch_enqueues_exactly_one_rescan(
    provider: str, project: Project, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = deliver(APIClient(), provider, project, _push(provider, "main"))
    assert response.status_code == 202
    assert response.json() == {"outcome": "triggered", "delivery_id": "delivery-1"}
    delivery = WebhookDelivery.objects.get()
    assert (delivery.provider, delivery.branch, delivery.outcome) == (provider, "main", "triggered")
    job = ScanJob.objects.get(project=project)
    assert (job.trigger, job.source, job.requested_by) == ("webhook", "repository", None)


@pytest.mark.parametrize("provider", webhooks.PROVIDERS)
def test_a_bad_signature_is_401_and_nothing_happens(provider: str, project: Project, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = deliver(APIClient(), provider, project, _push(provider, "main"), secret="wrong-secret")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_signature"
    assert response.json()["error"]["message"] == webhooks.MSG_BAD_SIGNATURE
    assert not WebhookDelivery.objects.exists()
    assert not ScanJob.objects.exists()


@pytest.mark.parametrize("provider", webhooks.PROVIDERS)
def test_a_missing_signature_is_401(provider: str, project: Project) -> None:
    response = deliver(APIClient(), provider, project, _push(provider, "main"), signature={})
    assert response.status_code == 401


@pytest.mark.parametrize("provider", webhooks.PROVIDERS)
def test_a_push_to_another_branch_is_accepted_and_ignored(provider: str, project: Project, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = deliver(APIClient(), provider, project, _push(provider, "feature/x"))
    assert response.status_code == 202
    assert response.json()["outcome"] == "ignored"
    assert WebhookDelivery.objects.get().reason == "not the tracked branch"
    assert not ScanJob.objects.exists()


@pytest.mark.parametrize(("provider", "event"), [("github", "ping"), ("gitlab", "Merge Request Hook"),
                                                 ("bitbucket", "pullrequest:created")])
def test_other_events_are_accepted_and_ignored(provider: str, event: str, project: Project, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = deliver(APIClient(), provider, project, _push(provider, "main"), event=event)
    assert response.status_code == 202
    assert response.json()["outcome"] == "ignored"
    assert not ScanJob.objects.exists()


@pytest.mark.parametrize("provider", webhooks.PROVIDERS)
def test_the_same_delivery_twice_is_processed_once(provider: str, project: Project, django_capture_on_commit_callbacks) -> None:
    client = APIClient()
    with django_capture_on_commit_callbacks(execute=True):
        first = deliver(client, provider, project, _push(provider, "main"), delivery="same")
    ScanJob.objects.update(status=ScanJob.Status.SUCCEEDED)  # so a second enqueue would not coalesce
    with django_capture_on_commit_callbacks(execute=True):
        second = deliver(client, provider, project, _push(provider, "main"), delivery="same")
    assert (first.status_code, second.status_code) == (202, 202)
    assert second.json() == {"outcome": "duplicate", "delivery_id": "same"}
    assert WebhookDelivery.objects.count() == 1
    assert ScanJob.objects.count() == 1


def test_distinct_deliveries_are_each_recorded(project: Project, django_capture_on_commit_callbacks) -> None:
    client = APIClient()
    with django_capture_on_commit_callbacks(execute=True):
        deliver(client, "github", project, _push("github", "main"), delivery="a")
        deliver(client, "github", project, _push("github", "main"), delivery="b")
    assert WebhookDelivery.objects.count() == 2


def test_an_unknown_project_answers_like_a_bad_signature(project: Project) -> None:
    body = json.dumps(_push("github", "main")).encode()
    response = APIClient().post(
        "/api/webhooks/github?project=999999", data=body, content_type="application/json",
        HTTP_X_GITHUB_EVENT="push", HTTP_X_HUB_SIGNATURE_256=webhooks.sign("github", SECRET, body)["X-Hub-Signature-256"],
    )
    assert response.status_code == 401


def test_a_signature_for_another_project_is_refused(project: Project, other_project: Project) -> None:
    response = deliver(APIClient(), "github", project, _push("github", "main"), secret=other_project.webhook_secret)
    assert response.status_code == 401


def test_a_project_without_a_webhook_secret_refuses_everything(owner) -> None:
    project = ProjectFactory(owner=owner, repository_url="https://github.com/a/b.git")
    response = deliver(APIClient(), "github", project, _push("github", "main"), secret="")
    assert response.status_code == 401


def test_a_push_to_an_archived_project_is_ignored(project: Project, django_capture_on_commit_callbacks) -> None:
    Project.objects.filter(pk=project.pk).update(status=Project.Status.ARCHIVED)
    with django_capture_on_commit_callbacks(execute=True):
        response = deliver(APIClient(), "github", project, _push("github", "main"))
    assert response.json()["outcome"] == "ignored"
    assert not ScanJob.objects.exists()


def test_a_rescan_that_cannot_be_created_is_recorded_on_the_delivery(owner, django_capture_on_commit_callbacks) -> None:
    project = ProjectFactory(owner=owner, repository_url="", webhook_secret=SECRET)
    with django_capture_on_commit_callbacks(execute=True):
        response = deliver(APIClient(), "github", project, _push("github", "main"))
    assert response.status_code == 202
    delivery = WebhookDelivery.objects.get()
    assert delivery.outcome == WebhookDelivery.Outcome.FAILED
    assert delivery.reason
    assert not ScanJob.objects.exists()


def test_the_rescan_is_created_only_after_commit(project: Project, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        deliver(APIClient(), "github", project, _push("github", "main"))
    assert not ScanJob.objects.exists()
    assert len(callbacks) == 1


def test_a_body_that_is_not_json_is_400_after_verification(project: Project) -> None:
    body = b"not json"
    response = APIClient().post(
        f"/api/webhooks/github?project={project.pk}", data=body, content_type="application/json",
        HTTP_X_GITHUB_EVENT="push", HTTP_X_HUB_SIGNATURE_256=webhooks.sign("github", SECRET, body)["X-Hub-Signature-256"],
    )
    assert response.status_code == 400


def test_logged_in_users_get_no_special_treatment(owner_client: APIClient, project: Project) -> None:
    response = deliver(owner_client, "github", project, _push("github", "main"), secret="nope")
    assert response.status_code == 401


def test_outsider_cannot_trigger_a_rescan_of_someone_elses_project(outsider_client: APIClient, project: Project) -> None:
    response = deliver(outsider_client, "gitlab", project, _push("gitlab", "main"), secret="guess")
    assert response.status_code == 401
    assert not WebhookDelivery.objects.exists()
