"""Health of the services TestGen depends on: database, cache, broker, and optionally a worker."""
from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connection


@dataclass
class CheckResult:
    ok: bool
    latency_ms: float
    error: str = ""

    def as_dict(self) -> dict:
        data: dict = {"status": "ok" if self.ok else "down", "latency_ms": self.latency_ms}
        if self.error:
            data["error"] = self.error
        return data


def _timed(check: Callable[[], None]) -> CheckResult:
    started = time.perf_counter()
    try:
        check()
    except Exception as exc:  # any failure of a dependency is a "down", never a crash
        return CheckResult(False, _ms(started), f"{type(exc).__name__}: {exc}"[:300])
    return CheckResult(True, _ms(started))


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache() -> None:
    key = f"health:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=10)
    if cache.get(key) != "1":
        raise RuntimeError("cache did not return the value just written")
    cache.delete(key)


def broker_connection():  # a seam for tests: the app's broker, no pooled connection
    from testgen.celery import app

    return app.connection_for_write()


def check_broker() -> None:
    with broker_connection() as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)


def check_worker() -> None:
    from celery.exceptions import TimeoutError as CeleryTimeout

    from testgen.tasks import ping

    try:
        result = ping.apply_async(expires=settings.TESTGEN_HEALTH_WORKER_TIMEOUT * 2)
        answer = result.get(timeout=settings.TESTGEN_HEALTH_WORKER_TIMEOUT, disable_sync_subtasks=False)
    except CeleryTimeout as exc:
        raise RuntimeError("no worker answered in time") from exc
    if answer != "pong":
        raise RuntimeError(f"unexpected worker answer {answer!r}")


def run_checks(*, include_worker: bool = False) -> tuple[bool, dict[str, dict]]:
    checks = {"database": check_database, "cache": check_cache, "broker": check_broker}
    if include_worker:
        checks["worker"] = check_worker
    results = {name: _timed(check) for name, check in checks.items()}
    return all(r.ok for r in results.values()), {name: r.as_dict() for name, r in results.items()}
