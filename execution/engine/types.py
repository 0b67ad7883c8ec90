"""Inputs, configuration and results of the execution engine."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpcore

    from execution.engine.identities import IdentityResolver
    from execution.safety import Resolver

PASSED = "passed"
FAILED = "failed"
ERROR = "error"
SKIPPED = "skipped"
STATUSES = (PASSED, FAILED, ERROR, SKIPPED)


@dataclass(frozen=True, slots=True)
class CaseInput:
    """One test to run: its key (the caller's id), its spec and its type."""

    key: Any
    spec: Mapping[str, Any]
    type: str = "functional"
    name: str = ""


@dataclass(slots=True)
class CaseResult:
    key: Any
    status: str
    duration_ms: int
    request: dict[str, Any] | None = None
    response: dict[str, Any] | None = None
    assertions: list[dict[str, Any]] = field(default_factory=list)
    error: str = ""
    metrics: dict[str, Any] | None = None


@dataclass(slots=True)
class EngineConfig:
    """Everything one run needs; built by the services from the run, project and settings."""

    base_url: str
    # Sent with every request (not credentials: those come from identities).
    headers: Mapping[str, str] = field(default_factory=dict)
    # `auth: "default"` uses this one; `auth: {"identity": name}` looks up `identities`.
    default_identity: IdentityResolver | None = None
    identities: Mapping[str, IdentityResolver] = field(default_factory=dict)
    concurrency: int = 10
    request_timeout: float = 30.0
    run_timeout: float | None = None
    max_recorded_body: int = 16 * 1024
    max_response_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 5
    # Hosts besides the target's own that redirects may lead to (each is pinned too).
    redirect_hosts: tuple[str, ...] = ()
    allow_private_targets: bool = False
    max_load_concurrency: int = 200
    resolver: Resolver | None = None
    network_backend: httpcore.AsyncNetworkBackend | None = None
    verify_tls: bool = True
    # How often (seconds) the engine asks `should_stop` whether the run was cancelled.
    stop_check_interval: float = 0.5
