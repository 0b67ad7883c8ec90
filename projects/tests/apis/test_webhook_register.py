from __future__ import annotations

import json
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from rest_framework.test import APIClient

from projects import providers, webhooks
from projects.models import Project
from projects.services import MSG_WEBHOOK_NEEDS_CREDENTIALS
from projects.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

TOKEN = "ghp_ProviderToken1234567890"


class FakeProvider:
    """Records requests; answers like the provider's REST API would."""

    def __init__(self, respond: Callable[[httpx.Request], httpx.Response]) -> None:
        self.requests: list[httpx.Request] = []
        self.respond = respond

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.respond(request)


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Callable[..., FakeProvider]:
    def install(respond: Callable[[httpx.Request], httpx.Response]) -> FakeProvider:
        provider = FakeProvider(respond)
        monkeypatch.setattr(providers, "http_client", lambda: httpx.Client(transport=httpx.MockTransport(provider.handler)))
        return provider

    return install


def created(payload: dict) -> Callable[[httpx.Request], httpx.Response]:
    return lambda request: httpx.Response(201, json=payload)


def _project(owner, url: str, auth_type: str = "token", username: str = "") -> Project:
    return ProjectFactory(owner=owner, repository_url=url, repository_auth_type=auth_type,
                          repository_username=username, repository_secret=TOKEN)


def test_it_registers_a_github_hook_and_returns_the_secret_once(owner_client: APIClient, owner, fake) -> None:
    project = _project(owner, "https://github.com/acme/shop.git")
    github = fake(created({"id": 4242}))

    response = owner_client.post(f"/api/projects/{project.pk}/webhook", {})

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["provider"], body["hook_id"]) == ("github", "4242")
    request = github.requests[0]
    assert (request.method, str(request.url)) == ("POST", "https://api.github.com/repos/acme/shop/hooks")
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    sent = json.loads(request.content)
    assert sent["events"] == ["push"]
    assert sent["config"]["secret"] == body["secret"]
    assert sent["config"]["url"] == body["url"]
    assert urlsplit(body["url"]).path == "/api/webhooks/github"
    assert parse_qs(urlsplit(body["url"]).query) == {"project": [str(project.pk)]}
    project.refresh_from_db()
    assert project.webhook_secret == body["secret"]
    detail = owner_client.get(f"/api/projects/{project.pk}").json()
    assert detail["webhook_registered"] is True
    assert body["secret"] not in json.dumps(detail)


def test_it_registers_a_gitlab_hook_with_the_private_token(owner_client: APIClient, owner, fake) -> None:
    project = _project(owner, "https://gitlab.example.com/group/sub/api.git")
    gitlab = fake(created({"id": 7}))
    response = owner_client.post(f"/api/projects/{project.pk}/webhook", {})
    assert response.status_code == 201
    request = gitlab.requests[0]
    assert str(request.url) == "https://gitlab.example.com/api/v4/projects/group%2Fsub%2Fapi/hooks"
    assert request.headers["PRIVATE-TOKEN"] == TOKEN
    assert json.loads(request.content)["token"] == response.json()["secret"]


def test_it_registers_a_bitbucket_hook_with_an_app_password(owner_client: APIClient, owner, fake) -> None:
    project = _project(owner, "https://bitbucket.org/team/repo.git", auth_type="password", username="bob")
    bitbucket = fake(created({"uuid": "{abc-123}"}))
    response = owner_client.post(f"/api/projects/{project.pk}/webhook", {})
    assert response.status_code == 201
    assert response.json()["hook_id"] == "{abc-123}"
    request = bitbucket.requests[0]
    assert str(request.url) == "https://api.bitbucket.org/2.0/repositories/team/repo/hooks"
    assert request.headers["Authorization"] == httpx.BasicAuth("bob", TOKEN)._auth_header
    assert json.loads(request.content)["events"] == ["repo:push"]


def test_a_registered_hook_then_verifies_deliveries(owner_client: APIClient, owner, fake) -> None:
    project = _project(owner, "https://github.com/acme/shop.git")
    fake(created({"id": 1}))
    registration = owner_client.post(f"/api/projects/{project.pk}/webhook", {}).json()
    body = json.dumps({"ref": "refs/heads/main"}).encode()
    response = APIClient().post(
        urlsplit(registration["url"]).path + "?" + urlsplit(registration["url"]).query,
        data=body, content_type="application/json", HTTP_X_GITHUB_EVENT="ping",
        HTTP_X_HUB_SIGNATURE_256=webhooks.sign("github", registration["secret"], body)["X-Hub-Signature-256"],
    )
    assert response.status_code == 202


def test_registering_again_replaces_the_old_hook(owner_client: APIClient, owner, fake) -> None:
    project = _project(owner, "https://github.com/acme/shop.git")
    ids = iter([1, 2])
    github = fake(lambda request: httpx.Response(201, json={"id": next(ids)}) if request.method == "POST"
                  else httpx.Response(204))
    first = owner_client.post(f"/api/projects/{project.pk}/webhook", {}).json()
    second = owner_client.post(f"/api/projects/{project.pk}/webhook", {}).json()
    assert first["secret"] != second["secret"]
    assert [(r.method, r.url.path) for r in github.requests][-1] == ("DELETE", "/repos/acme/shop/hooks/1")


def test_refused_credentials_are_a_400_without_the_token(owner_client: APIClient, owner, fake) -> None:
    project = _project(owner, "https://github.com/acme/shop.git")
    fake(lambda request: httpx.Response(401, json={"message": f"Bad credentials {TOKEN}"}))
    response = owner_client.post(f"/api/projects/{project.pk}/webhook", {})
    assert response.status_code == 400
    assert response.json()["error"]["message"] == providers.MSG_PROVIDER_AUTH.format(provider="GitHub", status=401)
    assert TOKEN not in response.content.decode()
    assert not Project.objects.get(pk=project.pk).webhook_secret


def test_a_provider_outage_is_a_502_and_scrubbed(owner_client: APIClient, owner, fake) -> None:
    project = _project(owner, "https://github.com/acme/shop.git")
    fake(lambda request: httpx.Response(503, text=f"upstream down; token={TOKEN}"))
    response = owner_client.post(f"/api/projects/{project.pk}/webhook", {})
    assert response.status_code == 502
    assert TOKEN not in response.content.decode()


def test_a_network_error_is_a_502(owner_client: APIClient, owner, fake) -> None:
    project = _project(owner, "https://github.com/acme/shop.git")

    def boom(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    fake(boom)
    assert owner_client.post(f"/api/projects/{project.pk}/webhook", {}).status_code == 502


def test_ssh_key_projects_cannot_register_hooks(owner_client: APIClient, owner) -> None:
    project = _project(owner, "git@github.com:acme/shop.git", auth_type="ssh_key")
    response = owner_client.post(f"/api/projects/{project.pk}/webhook", {})
    assert response.status_code == 400
    assert response.json()["error"]["details"] == {"repository_credentials": [MSG_WEBHOOK_NEEDS_CREDENTIALS]}


def test_an_unknown_host_needs_an_explicit_provider(owner_client: APIClient, owner, fake) -> None:
    project = _project(owner, "https://git.internal.example/acme/shop.git")
    response = owner_client.post(f"/api/projects/{project.pk}/webhook", {})
    assert response.status_code == 400
    assert response.json()["error"]["details"] == {"provider": [providers.MSG_UNKNOWN_PROVIDER]}
    gitlab = fake(created({"id": 3}))
    response = owner_client.post(f"/api/projects/{project.pk}/webhook", {"provider": "gitlab"})
    assert response.status_code == 201
    assert gitlab.requests[0].url.host == "git.internal.example"


def test_an_archived_project_cannot_register_hooks(owner_client: APIClient, owner) -> None:
    project = _project(owner, "https://github.com/acme/shop.git")
    Project.objects.filter(pk=project.pk).update(status="archived")
    assert owner_client.post(f"/api/projects/{project.pk}/webhook", {}).status_code == 409


def test_an_outsider_cannot_register_a_hook(outsider_client: APIClient, owner, fake) -> None:
    project = _project(owner, "https://github.com/acme/shop.git")
    github = fake(created({"id": 1}))
    assert outsider_client.post(f"/api/projects/{project.pk}/webhook", {}).status_code == 404
    assert github.requests == []


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://github.com/acme/shop.git", ("github.com", "acme/shop")),
        ("git@github.com:acme/shop.git", ("github.com", "acme/shop")),
        ("ssh://git@gitlab.com/g/s/p.git", ("gitlab.com", "g/s/p")),
        ("https://bitbucket.org/team/repo", ("bitbucket.org", "team/repo")),
    ],
)
def test_repository_urls_are_parsed(url: str, expected: tuple[str, str]) -> None:
    assert providers.parse_repository(url) == expected
