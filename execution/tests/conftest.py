from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from execution.engine import CaseInput, CaseResult, EngineConfig, run_cases
from execution.tests.server import ApiState, ServerThread, TestApi


@pytest.fixture(scope="session")
def api_server() -> Iterator[ServerThread]:
    """A real HTTP API on 127.0.0.1 (uvicorn in a thread) for the whole session."""
    server = ServerThread(TestApi()).start()
    yield server
    server.stop()


@pytest.fixture
def api(api_server: ServerThread) -> ServerThread:
    """The session's server with fresh state (tokens, items, in-flight counters)."""
    api_server.app.state = ApiState()
    return api_server


def engine_config(base_url: str, **overrides: Any) -> EngineConfig:
    options: dict[str, Any] = {"allow_private_targets": True, "request_timeout": 5.0}
    options.update(overrides)
    return EngineConfig(base_url=base_url, **options)


def run_specs(base_url: str, *specs: dict[str, Any], **overrides: Any) -> list[CaseResult]:
    """Run specs (keys 0..n-1) and return their results in input order."""
    results, _ = run_cases(
        [CaseInput(key=index, spec=spec) for index, spec in enumerate(specs)], engine_config(base_url, **overrides)
    )
    return sorted(results, key=lambda r: r.key)


def get(path: str, *assertions: dict[str, Any], **request: Any) -> dict[str, Any]:
    """A one-step GET spec."""
    return {"steps": [{"request": {"method": "GET", "path": path, **request}, "assertions": list(assertions)}]}
