"""Fake OAuth providers at the HTTP transport level.

`requests`' HTTPAdapter.send is the last step before a socket: replacing it keeps all of
allauth's real request building (sessions, auth headers, form bodies, timeouts) in play and
only answers from here instead of github.com / googleapis.com. Unrouted URLs fail the test.
"""
from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import jwt
import requests
from requests.adapters import HTTPAdapter

Handler = Callable[[requests.PreparedRequest], tuple[int, Any]]


@dataclass
class FakeProvider:
    routes: dict[tuple[str, str], Handler] = field(default_factory=dict)
    calls: list[requests.PreparedRequest] = field(default_factory=list)

    def route(self, method: str, url: str, handler: Handler | Any, status: int = 200) -> None:
        self.routes[(method.upper(), url)] = handler if callable(handler) else (lambda _r: (status, handler))

    def send(self, adapter: HTTPAdapter, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        self.calls.append(request)
        parts = urlsplit(request.url)
        key = (request.method or "GET", f"{parts.scheme}://{parts.netloc}{parts.path}")
        if key not in self.routes:
            raise AssertionError(f"unexpected outbound request {key}")
        status, body = self.routes[key](request)
        response = requests.Response()
        response.status_code = status
        response._content = json.dumps(body).encode()
        response.headers["Content-Type"] = "application/json"
        response.url = request.url or ""
        response.request = request
        return response

    @contextmanager
    def installed(self) -> Iterator["FakeProvider"]:
        with mock.patch.object(HTTPAdapter, "send", autospec=True, side_effect=self.send):
            yield self


def form(request: requests.PreparedRequest) -> dict[str, str]:
    body = request.body.decode() if isinstance(request.body, bytes) else (request.body or "")
    return {k: v[0] for k, v in parse_qs(body).items()}


GITHUB_TOKEN_URL = "https://github.com/login/oauth/access_token"
GITHUB_USER_URL = "https://api.github.com/user"
GITHUB_EMAILS_URL = "https://api.github.com/user/emails"
GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token"


def github(*, uid: int, email: str, verified: bool = True, access_token: str = "gho_fake_access") -> FakeProvider:
    fake = FakeProvider()

    def token(request: requests.PreparedRequest) -> tuple[int, Any]:
        if form(request).get("code") != "good-code":
            return 200, {"error": "bad_verification_code"}
        return 200, {"access_token": access_token, "token_type": "bearer", "scope": "read:user,user:email"}

    def user(request: requests.PreparedRequest) -> tuple[int, Any]:
        if request.headers.get("Authorization") != f"token {access_token}":
            return 401, {"message": "Bad credentials"}
        return 200, {"id": uid, "login": "octocat", "name": "Octo Cat", "email": None}

    fake.route("POST", GITHUB_TOKEN_URL, token)
    fake.route("GET", GITHUB_USER_URL, user)
    fake.route("GET", GITHUB_EMAILS_URL, [{"email": email, "primary": True, "verified": verified}])
    return fake


def google(
    *, client_id: str, sub: str, email: str, verified: bool = True, access_token: str = "ya29.fake_access"
) -> FakeProvider:
    fake = FakeProvider()

    def token(request: requests.PreparedRequest) -> tuple[int, Any]:
        if form(request).get("code") != "good-code":
            return 400, {"error": "invalid_grant"}
        now = int(time.time())
        claims = {
            "iss": "https://accounts.google.com",
            "aud": client_id,
            "sub": sub,
            "email": email,
            "email_verified": verified,
            "given_name": "Grace",
            "family_name": "Hopper",
            "iat": now,
            "exp": now + 3600,
        }
        return 200, {
            "access_token": access_token,
            "expires_in": 3599,
            "token_type": "Bearer",
            "scope": "openid email profile",
            # Fetched directly from Google over TLS, so allauth does not check its signature.
            "id_token": jwt.encode(claims, "not-googles-key-but-long-enough-for-hs256", algorithm="HS256"),
        }

    fake.route("POST", GOOGLE_TOKEN_URL, token)
    return fake
