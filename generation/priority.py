"""Risk-based priority: a few explainable rules, each adding points and saying why.

The score is the sum of the rules that fire; the priority is the band the score falls in.
Every rule that fires contributes one human-readable reason, so a reviewer can see why a
test was ranked where it is (and disagree with a specific rule rather than a black box).
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

CRITICAL = "critical"
HIGH = "high"
MEDIUM = "medium"
LOW = "low"

METHOD_POINTS = {"DELETE": 3, "PUT": 2, "PATCH": 2, "POST": 2}
AUTH_REQUIRED_POINTS = 1
SECURITY_TYPE_POINTS = 3
FAILURE_POINTS_SOME = 2
FAILURE_POINTS_MANY = 3
MANY_FAILURES = 3

# (category, points, pattern over path segments). One match per category counts once.
SENSITIVE_PATHS: tuple[tuple[str, int, re.Pattern[str]], ...] = (
    (
        "authentication",
        2,
        re.compile(
            r"(?i)(^|/)(auth|oauth2?|login|logout|signin|signup|register|token|tokens|sessions?|"
            r"password|passwords|reset-password|mfa|2fa|otp|sso|api-?keys?)(/|$|\.|-|_)"
        ),
    ),
    (
        "administration",
        2,
        re.compile(
            r"(?i)(^|/)(admin|administration|internal|superuser|staff|roles?|permissions?)(/|$|\.|-|_)"
        ),
    ),
    (
        "payments",
        3,
        re.compile(
            r"(?i)(^|/)(payments?|billing|checkout|invoices?|charges?|refunds?|subscriptions?|cards?|"
            r"wallets?|payouts?|transactions?|orders?)(/|$|\.|-|_)"
        ),
    ),
    (
        "user data",
        1,
        re.compile(r"(?i)(^|/)(users?|accounts?|profiles?|me|customers?|members?|personal)(/|$|\.|-|_)"),
    ),
)

# Lowest score of each band, highest band first.
BANDS: tuple[tuple[int, str], ...] = ((7, CRITICAL), (4, HIGH), (2, MEDIUM), (0, LOW))

REASON_METHOD = "{method} changes server state (+{points})"
REASON_AUTH = "the endpoint requires authentication (+{points})"
REASON_SENSITIVE = "the path touches {category} (+{points})"
REASON_SECURITY = "security test (+{points})"
REASON_FAILURES = "the endpoint failed {count} time(s) recently (+{points})"
REASON_BASELINE = "no risk factor applies: read-only, public, non-sensitive endpoint"


class PriorityDecision(NamedTuple):
    priority: str
    reasons: list[str]


def band(score: int) -> str:
    for lowest, priority in BANDS:
        if score >= lowest:
            return priority
    return LOW


def assess(
    *,
    method: str,
    path: str,
    auth_required: bool | None = None,
    test_type: str = "",
    past_failures: int = 0,
) -> PriorityDecision:
    """Rank one test's risk from its endpoint and type: `(priority, reasons)`."""
    score, reasons = score_risk(
        method=method,
        path=path,
        auth_required=auth_required,
        test_type=test_type,
        past_failures=past_failures,
    )
    return PriorityDecision(priority=band(score), reasons=reasons)


def score_risk(
    *,
    method: str,
    path: str,
    auth_required: bool | None = None,
    test_type: str = "",
    past_failures: int = 0,
) -> tuple[int, list[str]]:
    """The points and the reasons behind them; see the module docstring."""
    score = 0
    reasons: list[str] = []

    method = method.upper()
    if method in METHOD_POINTS:
        points = METHOD_POINTS[method]
        score += points
        reasons.append(REASON_METHOD.format(method=method, points=points))

    if auth_required:
        score += AUTH_REQUIRED_POINTS
        reasons.append(REASON_AUTH.format(points=AUTH_REQUIRED_POINTS))

    for category, points, pattern in SENSITIVE_PATHS:
        if pattern.search(path):
            score += points
            reasons.append(REASON_SENSITIVE.format(category=category, points=points))

    if test_type == "security":
        score += SECURITY_TYPE_POINTS
        reasons.append(REASON_SECURITY.format(points=SECURITY_TYPE_POINTS))

    if past_failures > 0:
        points = FAILURE_POINTS_MANY if past_failures >= MANY_FAILURES else FAILURE_POINTS_SOME
        score += points
        reasons.append(REASON_FAILURES.format(count=past_failures, points=points))

    if not reasons:
        reasons.append(REASON_BASELINE)
    return score, reasons


def assess_test(
    *,
    spec: dict[str, Any],
    test_type: str,
    endpoint: Any = None,
    past_failures: int = 0,
) -> PriorityDecision:
    """`assess` for a test case: the endpoint's method, path and auth, else its spec's riskiest step."""
    if endpoint is not None:
        return assess(
            method=endpoint.method,
            path=endpoint.path,
            auth_required=endpoint.auth_required,
            test_type=test_type,
            past_failures=past_failures,
        )
    # A scenario is as risky as its riskiest step. Sending credentials says nothing about
    # whether the endpoint demands them, so auth is unknown here.
    scored = [
        score_risk(
            method=step["request"]["method"],
            path=step["request"]["path"],
            test_type=test_type,
            past_failures=past_failures,
        )
        for step in spec.get("steps", [])
    ] or [score_risk(method="GET", path="/", test_type=test_type, past_failures=past_failures)]
    score, reasons = max(scored, key=lambda item: item[0])
    return PriorityDecision(priority=band(score), reasons=reasons)
