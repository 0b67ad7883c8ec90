"""The built-in generator: schema-driven tests that need no network and no model."""

from __future__ import annotations

from generation.builtin.contract import EndpointContract
from generation.builtin.generator import (
    EDGE_CASE,
    FUNCTIONAL,
    NEGATIVE,
    PERFORMANCE,
    SCENARIO,
    SECURITY,
    TEST_TYPES,
    generate,
)

__all__ = [
    "EDGE_CASE",
    "FUNCTIONAL",
    "NEGATIVE",
    "PERFORMANCE",
    "SCENARIO",
    "SECURITY",
    "TEST_TYPES",
    "EndpointContract",
    "generate",
]
