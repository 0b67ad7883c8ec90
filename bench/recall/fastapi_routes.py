"""The routes a FastAPI application holds, mounts followed: [{method, path, name}].

Imported by the FastAPI ground-truth scripts, which run in the target's own environment.
FastAPI 0.16x keeps an included router as one lazy entry of `app.routes`; its
`routing.iter_route_contexts` lists the routes that entry stands for, with their full paths
(older versions copy the routes into `app.routes`, which is what is walked there). FastAPI's
own documentation routes (`/openapi.json`, `/docs`, `/redoc`) are left out, and so are
WebSocket routes (they have no HTTP methods): they are not HTTP operations, and the scan does
not report them either.
"""
from __future__ import annotations

from typing import Any

from fastapi import routing
from starlette.routing import Mount

DOCS = {"openapi", "swagger_ui_html", "swagger_ui_redirect", "redoc_html"}


def _entries(routes: list[Any]) -> list[Any]:
    if hasattr(routing, "iter_route_contexts"):
        return list(routing.iter_route_contexts(routes))
    return list(routes)


def routes(app: Any, prefix: str = "") -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for entry in _entries(app.routes):
        original = getattr(entry, "original_route", entry)
        if isinstance(original, Mount):
            if original.routes:
                out += routes(original, prefix + original.path)
            continue
        if entry.name in DOCS or not entry.methods:
            continue
        out += [{"method": method, "path": prefix + entry.path, "name": entry.name or ""}
                for method in sorted(set(entry.methods) - {"HEAD", "OPTIONS"})]
    return out
