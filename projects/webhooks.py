"""Incoming provider webhooks: signature/token verification and push-event parsing.

- GitHub: ``X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>``, event in
  ``X-GitHub-Event``, delivery id in ``X-GitHub-Delivery``, branch from ``ref``.
- GitLab: ``X-Gitlab-Token`` equals the secret, event in ``X-Gitlab-Event`` ("Push Hook"),
  delivery id in ``X-Gitlab-Event-UUID`` (or ``X-Gitlab-Webhook-UUID``), branch from ``ref``.
- Bitbucket Cloud: ``X-Hub-Signature: sha256=<hex HMAC-SHA256>``, event in ``X-Event-Key``
  ("repo:push"), delivery id in ``X-Request-UUID``, branches from ``push.changes[].new``.

All comparisons are constant-time (``hmac.compare_digest``). A delivery without an id gets one
derived from the body's digest, so an identical replay is still recognised.
"""
from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

PROVIDERS = ("github", "gitlab", "bitbucket")

MSG_BAD_SIGNATURE = "The webhook signature or token is missing or invalid."
MSG_BAD_PAYLOAD = "The webhook body is not a JSON object."


class WebhookPayloadError(Exception):
    pass


@dataclass(frozen=True)
class PushInfo:
    event: str
    delivery_id: str
    is_push: bool
    branches: tuple[str, ...]


def _hmac_sha256(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def sign(provider: str, secret: str, body: bytes) -> dict[str, str]:
    """The headers the provider would send for ``body``; used by tests and local tooling."""
    if provider == "github":
        return {"X-Hub-Signature-256": "sha256=" + _hmac_sha256(secret, body)}
    if provider == "gitlab":
        return {"X-Gitlab-Token": secret}
    if provider == "bitbucket":
        return {"X-Hub-Signature": "sha256=" + _hmac_sha256(secret, body)}
    raise ValueError(provider)


def verify(provider: str, *, secret: str, headers: Mapping[str, str], body: bytes) -> bool:
    if not secret:
        return False
    if provider == "github":
        expected = "sha256=" + _hmac_sha256(secret, body)
        return hmac.compare_digest(expected.encode(), headers.get("X-Hub-Signature-256", "").encode())
    if provider == "gitlab":
        return hmac.compare_digest(secret.encode(), headers.get("X-Gitlab-Token", "").encode())
    if provider == "bitbucket":
        expected = "sha256=" + _hmac_sha256(secret, body)
        return hmac.compare_digest(expected.encode(), headers.get("X-Hub-Signature", "").encode())
    return False


def _branch_from_ref(ref: Any) -> str | None:
    if isinstance(ref, str) and ref.startswith("refs/heads/"):
        return ref[len("refs/heads/"):]
    return None


def parse(provider: str, *, headers: Mapping[str, str], body: bytes) -> PushInfo:
    """Which event this is, its delivery id, and the branches a push updated."""
    try:
        payload = json.loads(body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise WebhookPayloadError(MSG_BAD_PAYLOAD) from None
    if not isinstance(payload, dict):
        raise WebhookPayloadError(MSG_BAD_PAYLOAD)
    fallback_id = "sha256:" + hashlib.sha256(body).hexdigest()
    branches: list[str] = []
    if provider == "github":
        event = headers.get("X-GitHub-Event", "")
        delivery_id = headers.get("X-GitHub-Delivery", "") or fallback_id
        is_push = event == "push"
        if is_push and not payload.get("deleted"):
            branch = _branch_from_ref(payload.get("ref"))
            if branch:
                branches.append(branch)
    elif provider == "gitlab":
        event = headers.get("X-Gitlab-Event", "")
        delivery_id = (
            headers.get("X-Gitlab-Event-UUID", "") or headers.get("X-Gitlab-Webhook-UUID", "") or fallback_id
        )
        is_push = event == "Push Hook" and payload.get("object_kind", "push") == "push"
        # GitLab sends an all-zero "after" when a branch is deleted.
        if is_push and set(str(payload.get("after", "1"))) != {"0"}:
            branch = _branch_from_ref(payload.get("ref"))
            if branch:
                branches.append(branch)
    elif provider == "bitbucket":
        event = headers.get("X-Event-Key", "")
        delivery_id = headers.get("X-Request-UUID", "") or fallback_id
        is_push = event == "repo:push"
        if is_push:
            changes = (payload.get("push") or {}).get("changes") or []
            for change in changes if isinstance(changes, list) else []:
                new = (change or {}).get("new") if isinstance(change, dict) else None
                if isinstance(new, dict) and new.get("type") == "branch" and isinstance(new.get("name"), str):
                    branches.append(new["name"])
    else:
        raise ValueError(provider)
    return PushInfo(event=event or "unknown", delivery_id=delivery_id, is_push=is_push, branches=tuple(branches))
