"""Identities: the credentials a request is sent with.

An ``IdentityResolver`` gives the headers for a request and may refresh them once when the
API answers 401. Two kinds exist:

* ``StaticHeadersIdentity`` — fixed headers (an API key, a long-lived bearer token);
* ``LoginIdentity`` — a login request whose response carries a token (found by a JSON
  path); the token is reused for the run, and fetched again when its time-to-live runs out
  or when a request using it is answered 401. Concurrent requests share one login: a lock
  makes the first one log in and the others wait for its token.

Resolvers live for one run, so tokens never outlive it.
"""
from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

from execution.engine.recording import is_secret_name
from generation.spec import json_path_get

if TYPE_CHECKING:
    from execution.engine.assertions import Exchange

DEFAULT_TOKEN_PATH = "$.access_token"
DEFAULT_HEADER_NAME = "Authorization"
DEFAULT_HEADER_TEMPLATE = "Bearer {token}"


class IdentityError(Exception):
    """Credentials could not be obtained (login refused, token missing from the answer)."""


class LoginSender(Protocol):
    async def send_login(
        self, *, method: str, path: str, headers: Mapping[str, str], query: Mapping[str, Any] | None,
        body: Any, has_body: bool,
    ) -> Exchange: ...


class IdentityResolver:
    """Base class: no credentials at all."""

    name: str = "none"

    async def headers(self, sender: LoginSender) -> dict[str, str]:
        return {}

    async def refresh(self, sender: LoginSender, used: Mapping[str, str]) -> bool:
        """Called after a 401 to a request sent with `used`; True when retrying may help."""
        return False

    def secrets(self) -> tuple[str, ...]:
        """Literal secret values to mask wherever they appear in recorded results."""
        return ()


class StaticHeadersIdentity(IdentityResolver):
    def __init__(self, name: str, headers: Mapping[str, str]) -> None:
        self.name = name
        self._headers = {str(k): str(v) for k, v in headers.items()}

    async def headers(self, sender: LoginSender) -> dict[str, str]:
        return self._headers

    def secrets(self) -> tuple[str, ...]:
        # Short values ("1", "yes") would mask half of every body; they are not credentials.
        return tuple(v for v in self._headers.values() if len(v) >= 6)


class LoginIdentity(IdentityResolver):
    def __init__(
        self,
        name: str,
        *,
        request: Mapping[str, Any],
        token_path: str = DEFAULT_TOKEN_PATH,
        header_name: str = DEFAULT_HEADER_NAME,
        header_template: str = DEFAULT_HEADER_TEMPLATE,
        ttl_seconds: float | None = None,
        expires_in_path: str | None = None,
        clock: Any = time.monotonic,
    ) -> None:
        self.name = name
        self.request = dict(request)
        self.token_path = token_path
        self.header_name = header_name
        self.header_template = header_template
        self.ttl_seconds = ttl_seconds
        self.expires_in_path = expires_in_path
        self._clock = clock
        self._token: str | None = None
        self._expires_at: float | None = None
        self._lock = asyncio.Lock()
        self._secrets: list[str] = [str(v) for v in (request.get("headers") or {}).values() if len(str(v)) >= 6]
        self.logins = 0

    def _header_value(self, token: str) -> str:
        # Plain replacement, not str.format: a template is user data and must not reach
        # attribute lookups ("{token.__class__}").
        return self.header_template.replace("{token}", token)

    def _fresh(self) -> bool:
        return self._token is not None and (self._expires_at is None or self._clock() < self._expires_at)

    async def headers(self, sender: LoginSender) -> dict[str, str]:
        if not self._fresh():
            async with self._lock:
                if not self._fresh():
                    await self._login(sender)
        assert self._token is not None
        return {self.header_name: self._header_value(self._token)}

    async def refresh(self, sender: LoginSender, used: Mapping[str, str]) -> bool:
        async with self._lock:
            current = self._header_value(self._token) if self._token else None
            if current is not None and used.get(self.header_name) != current:
                # Another request already logged in again while this one was in flight.
                return True
            await self._login(sender)
            return True

    async def _login(self, sender: LoginSender) -> None:
        self.logins += 1
        request = self.request
        exchange = await sender.send_login(
            method=str(request.get("method", "POST")).upper(),
            path=str(request.get("path", "/")),
            headers=request.get("headers") or {},
            query=request.get("query"),
            body=request.get("body"),
            has_body="body" in request,
        )
        if exchange.status_code >= 400:
            raise IdentityError(f"Login for identity '{self.name}' was answered {exchange.status_code}.")
        document = exchange.json()
        try:
            token = json_path_get(document, self.token_path) if exchange.has_json() else None
        except KeyError:
            token = None
        if not isinstance(token, (str, int)) or token == "":
            raise IdentityError(
                f"Login for identity '{self.name}' returned no token at {self.token_path}."
            )
        self._token = str(token)
        self._secrets.append(self._token)
        ttl = self.ttl_seconds
        if self.expires_in_path and exchange.has_json():
            expires_in = json_path_get(document, self.expires_in_path, None)
            if isinstance(expires_in, (int, float)) and not isinstance(expires_in, bool) and expires_in > 0:
                # Renew a little early so a token does not expire between check and use.
                ttl = max(float(expires_in) * 0.9, 0.001)
        self._expires_at = self._clock() + ttl if ttl else None
        body = request.get("body")
        if isinstance(body, dict):
            self._secrets.extend(
                str(v) for k, v in body.items() if isinstance(v, str) and len(v) >= 6 and is_secret_name(k)
            )

    def secrets(self) -> tuple[str, ...]:
        return tuple(self._secrets)
