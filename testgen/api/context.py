"""Per-request context (request id, user id) shared by middleware and logging.

Context variables follow the request across asgiref's sync/async hops, so log records
emitted anywhere while serving a request carry its id.
"""
from __future__ import annotations

import contextvars

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
user_id_var: contextvars.ContextVar[int | str | None] = contextvars.ContextVar("user_id", default=None)


def current_request_id() -> str | None:
    return request_id_var.get()
