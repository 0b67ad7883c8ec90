"""Git hosting providers' REST APIs (GitHub, GitLab, Bitbucket Cloud): registering push hooks.

Each provider shares `GitProvider` and raises `ProviderError` with a `permanent` flag:
authentication, permission and not-found answers are permanent, network failures and 5xx are
transient. Messages never contain the credentials (scrubbed, including the literal secret).
"""
from __future__ import annotations

from abc import ABC, abstractmethod

import re
from typing import Any, ClassVar
from urllib.parse import quote, urlsplit

import httpx

from projects.git import Credentials
from testgen.api.scrub import scrub

MSG_UNKNOWN_PROVIDER = "Cannot tell the Git provider from the repository URL; choose github, gitlab or bitbucket."
MSG_UNSUPPORTED_PROVIDER = "Unsupported provider '{provider}'."
MSG_REPOSITORY_PATH = "The repository URL does not name an owner and a repository."
MSG_PROVIDER_AUTH = "{provider} refused the stored credentials (HTTP {status}); they need permission to manage webhooks."
MSG_PROVIDER_NOT_FOUND = "{provider} does not know this repository, or the credentials cannot see it."
MSG_PROVIDER_REJECTED = "{provider} rejected the webhook (HTTP {status}): {detail}"
MSG_PROVIDER_UNAVAILABLE = "{provider} could not be reached: {detail}"
MSG_PROVIDER_BAD_RESPONSE = "{provider} answered without a hook id."

TIMEOUT_SECONDS = 15.0

_SCP_LIKE = re.compile(r"^[^@/\s]+@(?P<host>[^:/\s]+):(?P<path>.+)$")


class ProviderError(Exception):
    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent


def http_client() -> httpx.Client:
    """The HTTP client for provider calls; tests replace this with one on a MockTransport."""
    return httpx.Client(timeout=TIMEOUT_SECONDS, follow_redirects=False)


def parse_repository(url: str) -> tuple[str, str]:
    """(host, path without .git) of an https://, ssh:// or git@host:path URL."""
    url = url.strip()
    match = _SCP_LIKE.match(url)
    if match and "://" not in url:
        host, path = match["host"], match["path"]
    else:
        parts = urlsplit(url)
        host, path = parts.hostname or "", parts.path
    path = path.strip("/")
    if path.endswith(".git"):
        path = path[:-4]
    return host.lower(), path


def detect_provider(url: str) -> str | None:
    host, _ = parse_repository(url)
    if host == "github.com" or host.startswith("github."):
        return "github"
    if "gitlab" in host:
        return "gitlab"
    if host in ("bitbucket.org", "www.bitbucket.org"):
        return "bitbucket"
    return None


class GitProvider(ABC):
    name: ClassVar[str]
    label: ClassVar[str]

    def __init__(self, *, repository_url: str, credentials: Credentials) -> None:
        self.host, self.path = parse_repository(repository_url)
        if self.path.count("/") < 1:
            raise ProviderError(MSG_REPOSITORY_PATH, permanent=True)
        self.credentials = credentials

    # -- subclasses -------------------------------------------------------------------
    @abstractmethod
    def create_push_hook(self, *, callback_url: str, secret: str) -> str:
        """Register a push hook calling `callback_url` signed with `secret`; return its id."""

    @abstractmethod
    def delete_hook(self, *, hook_id: str) -> None:
        """Remove a hook this provider registered earlier."""

    # -- shared -------------------------------------------------------------------------
    def _auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.credentials.secret}"}

    def _auth(self) -> httpx.Auth | None:
        return None

    def _request(self, method: str, url: str, *, json: dict[str, Any] | None = None) -> httpx.Response:
        headers = {"Accept": "application/json", "User-Agent": "TestGen", **self._auth_headers()}
        try:
            with http_client() as client:
                response = client.request(method, url, json=json, headers=headers, auth=self._auth())
        except httpx.HTTPError as exc:
            detail = scrub(str(exc) or exc.__class__.__name__, self.credentials.secrets)
            raise ProviderError(MSG_PROVIDER_UNAVAILABLE.format(provider=self.label, detail=detail),
                                permanent=False) from None
        if response.status_code in (401, 403):
            raise ProviderError(MSG_PROVIDER_AUTH.format(provider=self.label, status=response.status_code),
                                permanent=True)
        if response.status_code == 404:
            raise ProviderError(MSG_PROVIDER_NOT_FOUND.format(provider=self.label), permanent=True)
        if response.status_code >= 400:
            detail = scrub(response.text[:300], self.credentials.secrets)
            raise ProviderError(
                MSG_PROVIDER_REJECTED.format(provider=self.label, status=response.status_code, detail=detail),
                permanent=response.status_code < 500,
            )
        return response

    def _hook_id(self, response: httpx.Response, key: str) -> str:
        try:
            value = response.json()[key]
        except (ValueError, KeyError, TypeError):
            raise ProviderError(MSG_PROVIDER_BAD_RESPONSE.format(provider=self.label), permanent=False) from None
        return str(value)


class GitHubProvider(GitProvider):
    name = "github"
    label = "GitHub"

    @property
    def api_base(self) -> str:
        # GitHub Enterprise Server serves its API under /api/v3 on the same host.
        return "https://api.github.com" if self.host == "github.com" else f"https://{self.host}/api/v3"

    def _auth_headers(self) -> dict[str, str]:
        if self.credentials.auth_type == "password":
            return {}
        return {"Authorization": f"Bearer {self.credentials.secret}", "X-GitHub-Api-Version": "2022-11-28"}

    def _auth(self) -> httpx.Auth | None:
        if self.credentials.auth_type == "password":
            return httpx.BasicAuth(self.credentials.username, self.credentials.secret)
        return None

    def create_push_hook(self, *, callback_url: str, secret: str) -> str:
        response = self._request(
            "POST",
            f"{self.api_base}/repos/{self.path}/hooks",
            json={
                "name": "web",
                "active": True,
                "events": ["push"],
                "config": {"url": callback_url, "content_type": "json", "secret": secret, "insecure_ssl": "0"},
            },
        )
        return self._hook_id(response, "id")

    def delete_hook(self, *, hook_id: str) -> None:
        self._request("DELETE", f"{self.api_base}/repos/{self.path}/hooks/{quote(hook_id, safe='')}")


class GitLabProvider(GitProvider):
    name = "gitlab"
    label = "GitLab"

    @property
    def api_base(self) -> str:
        return f"https://{self.host}/api/v4/projects/{quote(self.path, safe='')}"

    def _auth_headers(self) -> dict[str, str]:
        if self.credentials.auth_type == "password":
            return {}
        return {"PRIVATE-TOKEN": self.credentials.secret}

    def _auth(self) -> httpx.Auth | None:
        if self.credentials.auth_type == "password":
            return httpx.BasicAuth(self.credentials.username, self.credentials.secret)
        return None

    def create_push_hook(self, *, callback_url: str, secret: str) -> str:
        response = self._request(
            "POST",
            f"{self.api_base}/hooks",
            json={"url": callback_url, "token": secret, "push_events": True, "enable_ssl_verification": True},
        )
        return self._hook_id(response, "id")

    def delete_hook(self, *, hook_id: str) -> None:
        self._request("DELETE", f"{self.api_base}/hooks/{quote(hook_id, safe='')}")


class BitbucketProvider(GitProvider):
    name = "bitbucket"
    label = "Bitbucket"
    api_root = "https://api.bitbucket.org/2.0"

    def _auth_headers(self) -> dict[str, str]:
        if self.credentials.auth_type == "password":
            return {}
        return {"Authorization": f"Bearer {self.credentials.secret}"}

    def _auth(self) -> httpx.Auth | None:
        if self.credentials.auth_type == "password":
            # Bitbucket app passwords authenticate with HTTP Basic.
            return httpx.BasicAuth(self.credentials.username, self.credentials.secret)
        return None

    def create_push_hook(self, *, callback_url: str, secret: str) -> str:
        response = self._request(
            "POST",
            f"{self.api_root}/repositories/{self.path}/hooks",
            json={
                "description": "TestGen rescan on push",
                "url": callback_url,
                "active": True,
                "secret": secret,
                "events": ["repo:push"],
            },
        )
        return self._hook_id(response, "uuid")

    def delete_hook(self, *, hook_id: str) -> None:
        self._request("DELETE", f"{self.api_root}/repositories/{self.path}/hooks/{quote(hook_id, safe='')}")


PROVIDERS: dict[str, type[GitProvider]] = {
    GitHubProvider.name: GitHubProvider,
    GitLabProvider.name: GitLabProvider,
    BitbucketProvider.name: BitbucketProvider,
}


def provider_for(*, repository_url: str, provider: str | None, credentials: Credentials) -> GitProvider:
    name = provider or detect_provider(repository_url)
    if name is None:
        raise ProviderError(MSG_UNKNOWN_PROVIDER, permanent=True)
    if name not in PROVIDERS:
        raise ProviderError(MSG_UNSUPPORTED_PROVIDER.format(provider=name), permanent=True)
    return PROVIDERS[name](repository_url=repository_url, credentials=credentials)
