"""The final status of a run, written once (Property 16).

* ``cancelled`` — a user asked for it;
* ``error`` — the run could not execute (target refused or unreachable before any test,
  an internal failure, its deadline passed) or no test executed at all;
* ``success`` — every executed test passed;
* ``failed`` — none passed;
* ``partial`` — otherwise.

Executed means passed, failed or errored; skipped tests do not count either way.
"""
from __future__ import annotations

SUCCESS = "success"
FAILED = "failed"
PARTIAL = "partial"
CANCELLED = "cancelled"
ERROR = "error"


def final_status(
    *, passed: int, failed: int, errored: int, cancelled: bool = False, could_not_execute: bool = False,
) -> str:
    if cancelled:
        return CANCELLED
    if could_not_execute:
        return ERROR
    executed = passed + failed + errored
    if executed == 0:
        return ERROR
    if passed == executed:
        return SUCCESS
    if passed == 0:
        return FAILED
    return PARTIAL


def pass_rate(*, passed: int, failed: int, errored: int) -> float | None:
    """Percent of executed tests that passed, 2 decimals; None when nothing executed."""
    executed = passed + failed + errored
    return round(100.0 * passed / executed, 2) if executed else None
