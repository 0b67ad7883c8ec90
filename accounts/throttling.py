"""Failed-login limiting, per email and per client IP, in the shared cache.

Fixed windows counted with `cache.add` + `cache.incr` (atomic in Redis and in LocMemCache),
so concurrent failures are never lost. Only failures count: a user who types the right
password is never slowed down by someone else guessing at another account, unless that
someone shares their IP.
"""
from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import SimpleRateThrottle


@dataclass(frozen=True)
class Window:
    limit: int
    seconds: int


def _window(scope: str) -> Window:
    rate = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"][scope]
    limit, seconds = SimpleRateThrottle.parse_rate(None, rate)  # type: ignore[arg-type]
    return Window(limit=int(limit), seconds=int(seconds))


def _key(scope: str, subject: str, window: Window, now: float) -> str:
    # Emails are personal data: the cache only ever sees a digest.
    digest = hashlib.sha256(subject.strip().lower().encode()).hexdigest()[:32]
    return f"accounts:login-failures:{scope}:{digest}:{int(now // window.seconds)}"


def _subjects(email: str, ip: str) -> list[tuple[str, str]]:
    return [("login", email), ("login_ip", ip)]


def login_wait_seconds(*, email: str, ip: str) -> int | None:
    """Seconds until another attempt is allowed for this email and IP, or None if allowed now."""
    now = time.time()
    waits = []
    for scope, subject in _subjects(email, ip):
        window = _window(scope)
        failures = cache.get(_key(scope, subject, window, now), 0)
        if failures >= window.limit:
            window_end = (int(now // window.seconds) + 1) * window.seconds
            waits.append(max(1, math.ceil(window_end - now)))
    return max(waits) if waits else None


def login_failure_record(*, email: str, ip: str) -> None:
    now = time.time()
    for scope, subject in _subjects(email, ip):
        window = _window(scope)
        key = _key(scope, subject, window, now)
        cache.add(key, 0, timeout=window.seconds + 1)
        try:
            cache.incr(key)
        except ValueError:
            # Expired between add and incr: this failure starts the next window.
            cache.add(key, 1, timeout=window.seconds + 1)


def login_failures_clear(*, email: str) -> None:
    """A successful login clears its email's count (never the IP's: that is shared)."""
    window = _window("login")
    cache.delete(_key("login", email, window, time.time()))


def client_ip(request: object) -> str:
    """The address failures are counted against.

    DRF's `get_ident` trusts the whole client-supplied X-Forwarded-For header unless
    REST_FRAMEWORK["NUM_PROXIES"] is set, which would let an attacker pick a fresh "IP"
    per guess; so unless the deployment declares its proxies, only REMOTE_ADDR counts.
    """
    from rest_framework.settings import api_settings
    from rest_framework.throttling import BaseThrottle

    if api_settings.NUM_PROXIES is not None:
        return BaseThrottle().get_ident(request)
    return request.META.get("REMOTE_ADDR", "") or "unknown"  # type: ignore[attr-defined]
