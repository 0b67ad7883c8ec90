"""Shared WebSocket plumbing: authentication on connect, re-validation, close codes.

A client authenticates with one of:

- a JWT access token: query parameter ``?token=...`` or the ``Sec-WebSocket-Protocol``
  header ``bearer, <token>`` (browsers cannot set other headers on a WebSocket);
- an API key: ``?api_key=ak_...``, the ``X-API-Key`` header, or the subprotocols
  ``apikey, ak_...``;
- the Django admin session cookie (``AuthMiddlewareStack`` in ``testgen/asgi.py`` fills
  ``scope["user"]``); accepted only from pages of our own hosts (``session_origin_allowed``).

The connection is accepted and then closed with an application close code, since a
WebSocket refused during the handshake cannot carry one: 4401 unauthenticated, 4404 an
object the user cannot see (404, not 403: existence is not revealed).

A token that expires or is revoked while connected ends the connection at the next
event or client ``ping`` (expiry checked without I/O at every one; revocation with one
cache read at most every ``REVOCATION_RECHECK_SECONDS``; API keys against the database at
most every ``API_KEY_RECHECK_SECONDS``).
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

CLOSE_UNAUTHENTICATED = 4401
CLOSE_NOT_FOUND = 4404
API_KEY_RECHECK_SECONDS = 5.0
# A revoked JWT is noticed at the first event or ping at most this long after the previous
# check: one cache read per second per connection, not one per event.
REVOCATION_RECHECK_SECONDS = 1.0


@dataclass
class Credential:
    method: str  # "jwt" | "api_key" | "session"
    raw: str = ""
    expires_at: float | None = None  # epoch seconds, JWT only
    token: Any = None
    checked_at: float = 0.0


def _subprotocol_credential(subprotocols: list[str]) -> tuple[str, str, str] | None:
    """(method, credential, subprotocol to accept) from `Sec-WebSocket-Protocol`."""
    lowered = [p.lower() for p in subprotocols]
    for scheme, method in (("bearer", "jwt"), ("apikey", "api_key")):
        if scheme in lowered:
            index = lowered.index(scheme)
            if index + 1 < len(subprotocols):
                return method, subprotocols[index + 1], subprotocols[index]
    return None


def credentials_from_scope(scope: dict[str, Any]) -> tuple[str, str, str | None] | None:
    """The (method, raw credential, subprotocol) a connection presents, if any."""
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    from_protocol = _subprotocol_credential(list(scope.get("subprotocols") or []))
    if from_protocol:
        return from_protocol
    if query.get("token"):
        return "jwt", query["token"][0], None
    if query.get("api_key"):
        return "api_key", query["api_key"][0], None
    headers = dict(scope.get("headers") or [])
    if headers.get(b"x-api-key"):
        return "api_key", headers[b"x-api-key"].decode("latin-1"), None
    return None


def session_origin_allowed(scope: dict[str, Any]) -> bool:
    """Whether a cookie-authenticated socket comes from one of our own pages.

    The session cookie is sent by the browser whatever page opens the socket, so a socket
    opened by another site's script (cross-site WebSocket hijacking) must not be accepted on
    it. Browsers always send `Origin`; its host must be one of ALLOWED_HOSTS. Tokens and API
    keys are not ambient credentials, so those connections need no Origin at all (CLIs, CI).
    """
    from urllib.parse import urlparse

    from django.conf import settings
    from django.http.request import validate_host

    origin = dict(scope.get("headers") or []).get(b"origin")
    if origin is None:
        return True
    host = urlparse(origin.decode("latin-1")).hostname or ""
    allowed = list(settings.ALLOWED_HOSTS) or (["localhost", "127.0.0.1", "[::1]"] if settings.DEBUG else [])
    return bool(host) and validate_host(host, allowed)


@database_sync_to_async
def _authenticate(method: str, raw: str) -> tuple[Any, Credential] | None:
    from rest_framework_simplejwt.exceptions import TokenError
    from rest_framework_simplejwt.tokens import AccessToken

    from accounts.selectors import user_for_token, user_from_credentials

    if method == "jwt":
        try:
            token = AccessToken(raw)
        except TokenError:
            return None
        user = user_for_token(token=token)
        if user is None:
            return None
        # checked_at 0: the first event after connecting re-checks revocation.
        return user, Credential("jwt", raw, float(token["exp"]), token, 0.0)
    user = user_from_credentials(api_key=raw)
    if user is None:
        return None
    return user, Credential("api_key", raw, checked_at=time.monotonic())


@database_sync_to_async
def _api_key_still_valid(raw: str) -> bool:
    from accounts.selectors import api_key_get_usable

    key = api_key_get_usable(raw_key=raw)
    return key is not None and key.user.is_active


def _token_revoked(token: Any) -> bool:
    from accounts.selectors import access_token_is_revoked

    return access_token_is_revoked(token=token)


class AuthenticatedConsumer(AsyncJsonWebsocketConsumer):
    """Accepts, authenticates, authorizes (`authorize`), then joins `groups_for_user`."""

    user: Any = None
    credential: Credential | None = None
    joined: list[str]

    async def connect(self) -> None:
        self.joined = []
        presented = credentials_from_scope(self.scope)
        subprotocol = presented[2] if presented else None
        await self.accept(subprotocol=subprotocol)
        if presented:
            result = await _authenticate(presented[0], presented[1])
            if result is None:
                await self.close(code=CLOSE_UNAUTHENTICATED)
                return
            self.user, self.credential = result
        else:
            user = self.scope.get("user")
            if (
                user is None or not user.is_authenticated or not user.is_active
                or not session_origin_allowed(self.scope)
            ):
                await self.close(code=CLOSE_UNAUTHENTICATED)
                return
            self.user, self.credential = user, Credential("session")
        if not await self.authorize():
            await self.close(code=CLOSE_NOT_FOUND)
            return
        for group in self.groups_for_user():
            await self.channel_layer.group_add(group, self.channel_name)
            self.joined.append(group)
        await self.send_json({"type": "connected", "user_id": self.user.pk, "groups": len(self.joined)})

    async def disconnect(self, code: int) -> None:
        for group in self.joined:
            await self.channel_layer.group_discard(group, self.channel_name)
        self.joined = []

    async def authorize(self) -> bool:
        return True

    def groups_for_user(self) -> list[str]:
        """The channel-layer groups this connection listens to; subclasses name theirs."""
        return []

    async def credential_still_valid(self) -> bool:
        credential = self.credential
        if credential is None:
            return False
        if credential.method == "jwt":
            if credential.expires_at is not None and time.time() >= credential.expires_at:
                return False
            now = time.monotonic()
            if now - credential.checked_at < REVOCATION_RECHECK_SECONDS:
                return True
            if await database_sync_to_async(_token_revoked)(credential.token):
                return False
            credential.checked_at = now
            return True
        if credential.method == "api_key":
            now = time.monotonic()
            if now - credential.checked_at >= API_KEY_RECHECK_SECONDS:
                if not await _api_key_still_valid(credential.raw):
                    return False
                credential.checked_at = now
        return True

    async def ensure_valid_or_close(self) -> bool:
        if await self.credential_still_valid():
            return True
        await self.disconnect(CLOSE_UNAUTHENTICATED)
        await self.close(code=CLOSE_UNAUTHENTICATED)
        return False

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if not await self.ensure_valid_or_close():
            return
        message_type = content.get("type") if isinstance(content, dict) else None
        if message_type == "ping":
            await self.send_json({"type": "pong", "ts": time.time()})
        elif message_type == "sync":
            await self.send_json(await self.sync_state())
        else:
            await self.send_json({"type": "error", "message": "Unknown message type; use ping or sync."})

    async def sync_state(self) -> dict[str, Any]:
        return {"type": "sync", "jobs": await database_sync_to_async(self.active_jobs)()}

    def active_jobs(self) -> list[dict[str, Any]]:
        """Current state of the jobs this connection watches (for `sync`)."""
        return []

    async def project_event(self, message: dict[str, Any]) -> None:
        """A `testgen.events` event from the channel layer: re-check the credential, forward."""
        event = message["event"]
        # Drop what this client cannot use before any I/O: under a burst of results, checking
        # the credential for events that are then dropped is what backs the layer up.
        if event["type"] == "run.result" and not self.results_budget.take():
            self.folded_results += 1
            return
        if not await self.ensure_valid_or_close():
            return
        if event["type"] == "run.progress" and self.folded_results:
            folded = int(event["payload"].get("folded_results", 0)) + self.folded_results
            event = {**event, "payload": {**event["payload"], "folded_results": folded}}
            self.folded_results = 0
        await self.send_json(event)

    @property
    def results_budget(self) -> "TokenBucket":
        bucket = self.__dict__.get("_results_budget")
        if bucket is None:
            from django.conf import settings

            rate = float(getattr(settings, "TESTGEN_WS_MAX_RESULTS_PER_SECOND", 20))
            bucket = self.__dict__["_results_budget"] = TokenBucket(rate=rate, capacity=rate)
        return bucket

    folded_results = 0


class TokenBucket:
    """At most `rate` events a second on average, bursts up to `capacity`."""

    def __init__(self, *, rate: float, capacity: float) -> None:
        self.rate = rate
        self.capacity = capacity
        self.tokens = capacity
        self.updated = time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False
