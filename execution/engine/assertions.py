"""Evaluation of every assertion kind of the spec, recording expected vs actual.

Each assertion becomes ``{"type", "passed", "expected", "actual", "message", ...}`` (plus
``path``/``name``/``op`` where the kind has them), so a reader of a failed result sees what
was wanted and what came back without re-running anything.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import httpx
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from generation.spec import json_path_get

_NOT_JSON = object()
MAX_ACTUAL_CHARS = 500
MAX_SCHEMA_ERRORS = 5

MESSAGE_NOT_JSON = "the response body is not JSON"
MESSAGE_TRUNCATED = "the response body exceeded the read limit and was cut"


@dataclass(slots=True)
class Exchange:
    """A response as the assertions see it."""

    status_code: int
    headers: httpx.Headers
    body: bytes
    elapsed_ms: float
    truncated: bool = False
    _json: Any = field(default=None, init=False)
    _parsed: bool = field(default=False, init=False)

    def json(self) -> Any:
        """The parsed body, or `_NOT_JSON`; parsed once, and only when something asks."""
        if not self._parsed:
            self._parsed = True
            if self.truncated or not self.body:
                self._json = _NOT_JSON
            else:
                try:
                    self._json = json.loads(self.body)
                except ValueError:
                    self._json = _NOT_JSON
        return self._json

    def has_json(self) -> bool:
        return self.json() is not _NOT_JSON

    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


def _short(value: Any) -> Any:
    """Keep recorded actual values small: a 5 MB array helps no one reading a result."""
    if isinstance(value, (dict, list)):
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        return value if len(text) <= MAX_ACTUAL_CHARS else text[:MAX_ACTUAL_CHARS] + "…"
    if isinstance(value, str) and len(value) > MAX_ACTUAL_CHARS:
        return value[:MAX_ACTUAL_CHARS] + "…"
    return value


def json_equal(a: Any, b: Any) -> bool:
    """JSON equality: unlike Python's, `true` is not `1`, and `1` equals `1.0`."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


def status_matches(expectation: Any, code: int) -> bool:
    if isinstance(expectation, bool):
        return False
    if isinstance(expectation, int):
        return code == expectation
    if isinstance(expectation, list):
        return code in expectation
    if isinstance(expectation, str) and len(expectation) == 3 and expectation.endswith("xx"):
        return str(code // 100) == expectation[0]
    return False


def expects_redirect(assertions: list[dict[str, Any]]) -> bool:
    """Whether a step asserts a 3xx status itself, in which case redirects are not followed."""
    for assertion in assertions:
        if assertion.get("type") == "status" and "expected" in assertion:
            if any(status_matches(assertion["expected"], code) for code in (301, 302, 303, 307, 308)):
                return True
    return False


@lru_cache(maxsize=256)
def _validator(schema_text: str) -> Draft202012Validator:
    schema = json.loads(schema_text)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _outcome(assertion: dict[str, Any], passed: bool, expected: Any, actual: Any, message: str = "",
             **extra: Any) -> dict[str, Any]:
    outcome = {"type": assertion.get("type"), "passed": passed, "expected": expected, "actual": _short(actual)}
    outcome.update(extra)
    if message:
        outcome["message"] = message
    return outcome


def _status(assertion: dict[str, Any], exchange: Exchange) -> dict[str, Any]:
    code = exchange.status_code
    if "not_expected" in assertion:
        unwanted = assertion["not_expected"]
        passed = not status_matches(unwanted, code)
        return _outcome(assertion, passed, {"not": unwanted}, code,
                        "" if passed else f"status {code} is one of the unwanted {unwanted}", op="not_expected")
    wanted = assertion.get("expected")
    passed = status_matches(wanted, code)
    return _outcome(assertion, passed, wanted, code, "" if passed else f"expected status {wanted}, got {code}")


def _json_schema(assertion: dict[str, Any], exchange: Exchange) -> dict[str, Any]:
    schema = assertion.get("schema", {})
    document = exchange.json()
    if document is _NOT_JSON:
        message = MESSAGE_TRUNCATED if exchange.truncated else MESSAGE_NOT_JSON
        return _outcome(assertion, False, "a JSON body matching the schema", message, message)
    try:
        validator = _validator(json.dumps(schema, sort_keys=True))
    except SchemaError as exc:
        return _outcome(assertion, False, "a valid JSON schema", f"invalid schema: {exc.message}",
                        "the assertion's schema is itself invalid")
    errors = []
    for error in validator.iter_errors(document):
        location = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
        errors.append(f"{location}: {error.message}")
        if len(errors) >= MAX_SCHEMA_ERRORS:
            break
    passed = not errors
    return _outcome(assertion, passed, "matches the schema", "matches" if passed else errors,
                    "" if passed else f"{len(errors)} schema violation(s), first: {errors[0]}")


def _contains(container: Any, value: Any) -> bool:
    if isinstance(container, str):
        return isinstance(value, str) and value in container
    if isinstance(container, list):
        return any(json_equal(item, value) for item in container)
    if isinstance(container, dict):
        return isinstance(value, str) and value in container
    return False


_OP_WORDS = {"exists": "exist", "not_exists": "not exist", "equals": "equal", "not_equals": "not equal",
             "contains": "contain"}


def _json_path(assertion: dict[str, Any], exchange: Exchange) -> dict[str, Any]:
    path, op = assertion["path"], assertion["op"]
    value = assertion.get("value")
    expected: Any = {"exists": "present", "not_exists": "absent"}.get(op, value)
    extra = {"path": path, "op": op}
    document = exchange.json()
    if document is _NOT_JSON:
        message = MESSAGE_TRUNCATED if exchange.truncated else MESSAGE_NOT_JSON
        return _outcome(assertion, False, expected, message, message, **extra)
    missing = object()
    try:
        actual = json_path_get(document, path, missing)
    except ValueError as exc:
        return _outcome(assertion, False, expected, None, str(exc), **extra)
    found = actual is not missing
    shown = actual if found else "absent"
    if op == "exists":
        passed = found
    elif op == "not_exists":
        passed = not found
    elif op == "equals":
        passed = found and json_equal(actual, value)
    elif op == "not_equals":
        passed = found and not json_equal(actual, value)
    else:  # contains
        passed = found and _contains(actual, value)
    message = "" if passed else f"expected {path} to {_OP_WORDS[op]}" + (
        "" if op in ("exists", "not_exists") else f" {json.dumps(value, ensure_ascii=False)}"
    )
    return _outcome(assertion, passed, expected, shown, message, **extra)


def _header(assertion: dict[str, Any], exchange: Exchange) -> dict[str, Any]:
    name, op = assertion["name"], assertion["op"]
    actual = exchange.headers.get(name)
    value = assertion.get("value", "")
    if op == "present":
        passed, expected = actual is not None, "present"
    elif op == "absent":
        passed, expected = actual is None, "absent"
    elif op == "equals":
        passed, expected = actual == value, value
    else:  # contains
        passed, expected = actual is not None and value in actual, {"contains": value}
    message = "" if passed else f"header {name} {op} {value!r} did not hold".replace(" ''", "")
    return _outcome(assertion, passed, expected, actual if actual is not None else "absent", message,
                    name=name, op=op)


def _body(assertion: dict[str, Any], exchange: Exchange) -> dict[str, Any]:
    op, value = assertion["op"], assertion["value"]
    text = exchange.text()
    found = value in text
    passed = found if op == "contains" else not found
    if passed:
        actual = "found" if found else "not found"
    else:
        index = text.find(value)
        actual = text[:200] if index < 0 else text[max(0, index - 80): index + len(value) + 80]
    message = "" if passed else (f"body does not contain {value!r}" if op == "contains" else f"body contains {value!r}")
    return _outcome(assertion, passed, {op: value}, actual, message, op=op)


def _response_time(assertion: dict[str, Any], exchange: Exchange) -> dict[str, Any]:
    limit = assertion["max_ms"]
    elapsed = round(exchange.elapsed_ms, 2)
    passed = elapsed <= limit
    return _outcome(assertion, passed, {"max_ms": limit}, elapsed,
                    "" if passed else f"took {elapsed} ms, over the {limit} ms limit")


_EVALUATORS = {
    "status": _status,
    "json_schema": _json_schema,
    "json_path": _json_path,
    "header": _header,
    "body": _body,
    "response_time": _response_time,
}


def evaluate(assertion: dict[str, Any], exchange: Exchange) -> dict[str, Any]:
    """The outcome of one assertion against one response."""
    evaluator = _EVALUATORS.get(assertion.get("type", ""))
    if evaluator is None:
        return _outcome(assertion, False, None, None, f"unknown assertion type {assertion.get('type')!r}")
    return evaluator(assertion, exchange)


def evaluate_all(assertions: list[dict[str, Any]], exchange: Exchange) -> list[dict[str, Any]]:
    return [evaluate(a, exchange) for a in assertions]


def capture(spec: dict[str, Any], exchange: Exchange) -> Any:
    """The value a capture spec names; KeyError when it is not in the response."""
    if spec.get("from") == "header":
        value = exchange.headers.get(spec["name"])
        if value is None:
            raise KeyError(f"header {spec['name']} is absent")
        return value
    document = exchange.json()
    if document is _NOT_JSON:
        raise KeyError(MESSAGE_NOT_JSON)
    return json_path_get(document, spec["path"])
