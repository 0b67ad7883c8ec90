"""Execution settings, each read from django.conf.settings with a safe default.

Read through these functions (never `settings.X` directly) so a test's `settings` override
is seen at call time and every default lives in one place.
"""
from __future__ import annotations

from django.conf import settings

DEFAULT_CONCURRENCY = 10


def _get(name: str, default: object) -> object:
    return getattr(settings, name, default)


def max_run_concurrency() -> int:
    """The ceiling for any run's concurrency limit, whatever the run asks for."""
    return max(1, int(_get("TESTGEN_MAX_RUN_CONCURRENCY", 50)))


def effective_concurrency(requested: int | None) -> int:
    return max(1, min(int(requested or DEFAULT_CONCURRENCY), max_run_concurrency()))


def request_timeout_seconds() -> float:
    return float(_get("TESTGEN_EXECUTION_REQUEST_TIMEOUT", 30.0))


def run_timeout_seconds() -> float:
    """Wall-clock budget of a whole run; past it (plus a grace period) a stuck run becomes `error`."""
    return float(_get("TESTGEN_EXECUTION_RUN_TIMEOUT", 3600.0))


def deadline_grace_seconds() -> float:
    return float(_get("TESTGEN_EXECUTION_DEADLINE_GRACE", 300.0))


def max_recorded_body_bytes() -> int:
    """How much of a request/response body a stored result keeps."""
    return int(_get("TESTGEN_EXECUTION_MAX_RECORDED_BODY", 16 * 1024))


def max_response_bytes() -> int:
    """How much of a response body the engine reads at most (assertions see this much)."""
    return int(_get("TESTGEN_EXECUTION_MAX_RESPONSE_BYTES", 5 * 1024 * 1024))


def max_redirects() -> int:
    return int(_get("TESTGEN_EXECUTION_MAX_REDIRECTS", 5))


def chunk_size() -> int:
    return max(1, int(_get("TESTGEN_EXECUTION_CHUNK_SIZE", 50)))


def allow_private_targets() -> bool:
    return bool(_get("TESTGEN_ALLOW_PRIVATE_TARGETS", False))


def prioritizer_path() -> str:
    return str(_get("TESTGEN_EXECUTION_PRIORITIZER", "execution.prioritizers.DefaultPrioritizer"))
