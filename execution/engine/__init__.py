"""The execution engine: runs declarative test-case specs against an HTTP API.

Pure asyncio + httpx, no database: callers hand it ``CaseInput`` objects and an
``EngineConfig`` and get ``CaseResult`` objects back (and through ``on_result`` as each test
finishes). It never executes code from a test case: a spec is data the engine interprets
(see ``generation.spec``).

One pooled ``httpx.AsyncClient`` serves a whole run; a semaphore bounds in-flight requests
to the run's concurrency (login and load-test requests included); every host is pinned by
``execution.safety`` before the first request.
"""
from __future__ import annotations

from execution.engine.identities import IdentityError, IdentityResolver, LoginIdentity, StaticHeadersIdentity
from execution.engine.runner import Engine, run_cases
from execution.engine.types import ERROR, FAILED, PASSED, SKIPPED, CaseInput, CaseResult, EngineConfig

__all__ = [
    "ERROR", "FAILED", "PASSED", "SKIPPED",
    "CaseInput", "CaseResult", "Engine", "EngineConfig",
    "IdentityError", "IdentityResolver", "LoginIdentity", "StaticHeadersIdentity",
    "run_cases",
]
