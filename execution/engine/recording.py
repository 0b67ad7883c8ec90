"""What a result keeps of a request and a response: truncated, with secrets masked.

Headers named like credentials (Authorization, Cookie, Set-Cookie, X-API-Key, anything with
token/secret/password/api-key in its name) are masked whatever their value; JSON fields
with such names are masked at any depth; the literal values of the run's own credentials
(identity headers, captured login tokens) are masked wherever they appear; text bodies go
through the shared ``testgen.api.scrub`` patterns. Bodies are cut to a configured size.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from testgen.api.scrub import MASK, scrub

SECRET_NAME = re.compile(
    r"(?i)(authorization|cookie|api[-_]?key|token|secret|passw|private[-_]?key|credential|session[-_]?id)"
)


# Every shape `scrub` masks contains one of these; text without any is returned untouched,
# which spares the common case (a URL path, a short body) seven regular-expression passes.
_MAYBE_SECRET = re.compile(
    r"(?i)@|bearer|basic|token|eyJ|ak_|sk-|gh[pousr]_|github_pat_|glpat-|passw|secret|api[_-]?key|"
    r"private|authorization|-----BEGIN"
)


def scrub_text(text: str, secrets: tuple[str, ...] = ()) -> str:
    text = _mask_literals(text, secrets)
    return scrub(text) if _MAYBE_SECRET.search(text) else text


def is_secret_name(name: str) -> bool:
    return bool(SECRET_NAME.search(name))


def _mask_literals(text: str, secrets: Iterable[str]) -> str:
    for secret in secrets:
        if secret and secret in text:
            text = text.replace(secret, MASK)
    return text


def mask_headers(headers: Iterable[tuple[str, str]], secrets: Iterable[str] = ()) -> dict[str, str]:
    """Header name → value (repeated headers joined), credentials masked."""
    masked: dict[str, str] = {}
    for name, value in headers:
        value = MASK if is_secret_name(name) else _mask_literals(value, secrets)
        masked[name] = f"{masked[name]}, {value}" if name in masked else value
    return masked


def mask_json(value: Any, secrets: tuple[str, ...] = ()) -> Any:
    if isinstance(value, dict):
        return {
            k: (MASK if isinstance(k, str) and is_secret_name(k) and v not in (None, "") else mask_json(v, secrets))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [mask_json(v, secrets) for v in value]
    if isinstance(value, str) and secrets:
        return _mask_literals(value, secrets)
    return value


def record_json(value: Any, limit: int, secrets: tuple[str, ...] = ()) -> tuple[Any, bool]:
    """A JSON value as stored: masked, and as truncated text when it would exceed `limit` bytes."""
    masked = mask_json(value, secrets)
    if isinstance(masked, (int, float, bool)) or masked is None:
        return masked, False
    text = json.dumps(masked, ensure_ascii=False, separators=(",", ":"))
    if len(text) <= limit:
        return masked, False
    return text[:limit], True


def record_text(raw: bytes, limit: int, secrets: tuple[str, ...] = ()) -> tuple[str, bool]:
    truncated = len(raw) > limit
    text = raw[:limit].decode("utf-8", errors="replace")
    return scrub_text(text, secrets), truncated


def record_url(url: str, secrets: tuple[str, ...] = ()) -> str:
    # Query strings carry credentials too (?api_key=..., ?token=...).
    return scrub_text(url, secrets)


def header_items(headers: Mapping[str, str]) -> list[tuple[str, str]]:
    return list(headers.items())
