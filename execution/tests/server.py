"""A small real HTTP API for engine tests: a plain ASGI app served by uvicorn in a thread.

Bound to 127.0.0.1 on a free port. Routes cover what the engine must cope with: JSON and
non-JSON bodies, any status, slow and huge answers, redirects, a login flow with expiring
tokens, and a probe that measures how many requests are in flight at once.
"""
from __future__ import annotations

import asyncio
import itertools
import json
import secrets
import socket
import threading
import time
from collections import defaultdict
from typing import Any
from urllib.parse import parse_qs

import uvicorn

USERNAME = "alice"
PASSWORD = "correct-horse-battery"


class ApiState:
    def __init__(self) -> None:
        self.tokens: set[str] = set()
        self.logins = 0
        self.items: dict[int, dict[str, Any]] = {}
        self.ids = itertools.count(1)
        self.inflight: dict[str, int] = defaultdict(int)
        self.max_inflight: dict[str, int] = defaultdict(int)
        self.hosts: list[str] = []
        self.hits: dict[str, int] = defaultdict(int)


class TestApi:
    """The ASGI application."""

    __test__ = False

    def __init__(self) -> None:
        self.state = ApiState()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        query = {k: v if len(v) > 1 else v[0] for k, v in parse_qs(scope["query_string"].decode()).items()}
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        self.state.hosts.append(headers.get("host", ""))
        status, payload, extra = await self.route(scope["method"], scope["path"], query, headers, body)
        if isinstance(payload, bytes):
            content, content_type = payload, "text/plain; charset=utf-8"
        else:
            content, content_type = json.dumps(payload).encode(), "application/json"
        out_headers = {"content-type": content_type, "content-length": str(len(content)), **extra}
        await send({
            "type": "http.response.start",
            "status": status,
            "headers": [(k.encode(), v.encode()) for k, v in out_headers.items()],
        })
        await send({"type": "http.response.body", "body": content})

    async def route(
        self, method: str, path: str, query: dict[str, Any], headers: dict[str, str], body: bytes,
    ) -> tuple[int, Any, dict[str, str]]:
        state = self.state
        parts = [p for p in path.split("/") if p]
        head = parts[0] if parts else ""
        if head == "echo":
            try:
                parsed: Any = json.loads(body) if body else None
            except ValueError:
                parsed = body.decode(errors="replace")
            return 200, {"method": method, "path": path, "query": query, "headers": headers, "body": parsed}, {}
        if head == "status" and len(parts) == 2:
            return int(parts[1]), {"status": int(parts[1])}, {}
        if head == "json":
            return 200, {"id": 7, "name": "widget", "tags": ["a", "b"], "active": True, "price": 9.5,
                         "count": 1, "nested": {"x": None}}, {"x-custom": "hello world", "etag": '"v1"'}
        if head == "text":
            return 200, b"plain text body with <b>markup</b>", {}
        if head == "slow":
            await asyncio.sleep(float(query.get("ms", 100)) / 1000)
            return 200, {"slept_ms": float(query.get("ms", 100))}, {}
        if head == "binary":
            return 200, b"\x00\x01\x02binary\x00tail", {}
        if head == "huge":
            return 200, b"x" * int(query.get("bytes", 1_000_000)), {}
        if head == "redirect":
            return int(query.get("code", 302)), {}, {"location": query.get("to", "/json")}
        if head == "secret":
            return 200, {"token": "tok_live_0123456789", "user": {"password": "hunter22", "name": "bob"}}, {
                "set-cookie": "session=abcdef0123456789; HttpOnly"}
        if head == "login" and method == "POST":
            state.logins += 1
            try:
                credentials = json.loads(body or b"{}")
            except ValueError:
                credentials = {}
            if credentials.get("username") != USERNAME or credentials.get("password") != PASSWORD:
                return 401, {"detail": "bad credentials"}, {}
            token = secrets.token_hex(16)
            state.tokens.add(token)
            return 200, {"access_token": token, "expires_in": float(query.get("expires_in", 3600))}, {}
        if head == "protected":
            token = headers.get("authorization", "").removeprefix("Bearer ")
            if token not in state.tokens:
                return 401, {"detail": "invalid token"}, {}
            return 200, {"ok": True}, {}
        if head == "revoke":
            # The server forgets every token: the next request with one gets a 401.
            state.tokens.clear()
            return 204, b"", {}
        if head == "items":
            if len(parts) == 1 and method == "POST":
                item_id = next(state.ids)
                item = {"id": item_id, **(json.loads(body) if body else {})}
                state.items[item_id] = item
                return 201, item, {"etag": f'"item-{item_id}"', "location": f"/items/{item_id}"}
            if len(parts) == 2:
                item = state.items.get(int(parts[1])) if parts[1].isdigit() else None
                if item is None:
                    return 404, {"detail": "not found"}, {}
                if method == "DELETE":
                    del state.items[item["id"]]
                    return 204, b"", {}
                return 200, item, {}
        if head == "inflight":
            bucket = str(query.get("bucket", "default"))
            state.inflight[bucket] += 1
            state.max_inflight[bucket] = max(state.max_inflight[bucket], state.inflight[bucket])
            state.hits[bucket] += 1
            try:
                await asyncio.sleep(float(query.get("ms", 20)) / 1000)
            finally:
                state.inflight[bucket] -= 1
            return 200, {"bucket": bucket}, {}
        if head == "fast":
            return 200, {"ok": True}, {}
        return 404, {"detail": "no such route"}, {}


class ServerThread:
    """uvicorn serving `app` on 127.0.0.1:<free port> from a daemon thread."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._socket.bind(("127.0.0.1", 0))
        self.port = self._socket.getsockname()[1]
        config = uvicorn.Config(app, lifespan="off", log_level="warning", access_log=False, loop="asyncio",
                                http="h11", timeout_keep_alive=30)
        self.server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self._socket]}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ServerThread:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the test HTTP server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self._thread.join(timeout=10)
        self._socket.close()
