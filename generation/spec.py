"""The declarative test-case spec: what a test sends and what it expects, as data.

A spec is never code: the execution engine interprets it, so generated tests (from the
built-in generator or an LLM) can be run without executing anything they contain.

Shape (``SPEC_SCHEMA`` below is the authority, published in the API docs)::

    {
      "steps": [                              # one step = a single-request test
        {
          "name": "create item",
          "request": {
            "method": "POST",
            "path": "/items/{id}",            # path template, as in the endpoint
            "path_params": {"id": "{{item_id}}"},
            "query": {"q": "x"},
            "headers": {"X-Trace": "1"},
            "body": {"name": "a"},            # any JSON value; omitted = no body
            "auth": "default"                 # "default" | "none" | {"identity": "<name>"}
          },
          "assertions": [
            {"type": "status", "expected": 201},           # int, [ints] or "2xx"
            {"type": "status", "not_expected": "5xx"},
            {"type": "json_schema", "schema": {...}},
            {"type": "json_path", "path": "$.id", "op": "exists"},
            {"type": "json_path", "path": "$.name", "op": "equals", "value": "a"},
            {"type": "header", "name": "Content-Type", "op": "contains", "value": "json"},
            {"type": "body", "op": "not_contains", "value": "<script>"},
            {"type": "response_time", "max_ms": 500}
          ],
          "capture": {"item_id": {"from": "json_path", "path": "$.id"},
                      "etag": {"from": "header", "name": "ETag"}}
        }
      ],
      "load": {                                # performance tests only; one step
        "requests": 200, "concurrency": 10,
        "limits": {"p50_ms": 200, "p95_ms": 500, "p99_ms": 1000, "max_error_rate": 0.01}
      }
    }

Values captured by a step are substituted in later steps wherever a string is exactly
``"{{name}}"`` (the captured value keeps its JSON type) or contains ``{{name}}`` (text).
"""
from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from jsonschema import Draft202012Validator

SPEC_VERSION = 1
MAX_STEPS = 20
MAX_LOAD_REQUESTS = 10_000
MAX_LOAD_CONCURRENCY = 200

_STATUS_EXPECTATION = {
    "oneOf": [
        {"type": "integer", "minimum": 100, "maximum": 599},
        {"type": "array", "items": {"type": "integer", "minimum": 100, "maximum": 599}, "minItems": 1},
        {"type": "string", "pattern": "^[1-5]xx$"},
    ]
}
_NAME = {"type": "string", "pattern": r"^[A-Za-z_][A-Za-z0-9_]{0,63}$"}

SPEC_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://testgen.dev/schemas/test-case-spec/v1.json",
    "title": "TestGen test-case spec",
    "type": "object",
    "required": ["steps"],
    "additionalProperties": False,
    "properties": {
        "version": {"const": SPEC_VERSION},
        "steps": {"type": "array", "minItems": 1, "maxItems": MAX_STEPS, "items": {"$ref": "#/$defs/step"}},
        "load": {"$ref": "#/$defs/load"},
    },
    "$defs": {
        "step": {
            "type": "object",
            "required": ["request"],
            "additionalProperties": False,
            "properties": {
                "name": {"type": "string", "maxLength": 200},
                "request": {"$ref": "#/$defs/request"},
                "assertions": {"type": "array", "items": {"$ref": "#/$defs/assertion"}, "maxItems": 50},
                "capture": {
                    "type": "object",
                    "propertyNames": _NAME,
                    "additionalProperties": {"$ref": "#/$defs/capture"},
                },
            },
        },
        "request": {
            "type": "object",
            "required": ["method", "path"],
            "additionalProperties": False,
            "properties": {
                "method": {"enum": ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]},
                "path": {"type": "string", "pattern": "^/", "maxLength": 2048},
                "path_params": {"type": "object", "additionalProperties": {"type": ["string", "integer", "number", "boolean"]}},
                "query": {
                    "type": "object",
                    "additionalProperties": {
                        "anyOf": [
                            {"type": ["string", "integer", "number", "boolean"]},
                            {"type": "array", "items": {"type": ["string", "integer", "number", "boolean"]}},
                        ]
                    },
                },
                "headers": {"type": "object", "additionalProperties": {"type": "string"}},
                "body": {},
                "auth": {
                    "oneOf": [
                        {"enum": ["default", "none"]},
                        {
                            "type": "object",
                            "required": ["identity"],
                            "additionalProperties": False,
                            "properties": {"identity": {"type": "string", "minLength": 1, "maxLength": 100}},
                        },
                    ]
                },
            },
        },
        "assertion": {
            "type": "object",
            "required": ["type"],
            "oneOf": [
                {
                    "properties": {"type": {"const": "status"}, "expected": _STATUS_EXPECTATION},
                    "required": ["type", "expected"], "additionalProperties": False,
                },
                {
                    "properties": {"type": {"const": "status"}, "not_expected": _STATUS_EXPECTATION},
                    "required": ["type", "not_expected"], "additionalProperties": False,
                },
                {
                    "properties": {"type": {"const": "json_schema"}, "schema": {"type": "object"}},
                    "required": ["type", "schema"], "additionalProperties": False,
                },
                {
                    "properties": {
                        "type": {"const": "json_path"},
                        "path": {"type": "string", "pattern": r"^\$"},
                        "op": {"enum": ["exists", "not_exists", "equals", "not_equals", "contains"]},
                        "value": {},
                    },
                    "required": ["type", "path", "op"], "additionalProperties": False,
                },
                {
                    "properties": {
                        "type": {"const": "header"},
                        "name": {"type": "string", "minLength": 1},
                        "op": {"enum": ["present", "absent", "equals", "contains"]},
                        "value": {"type": "string"},
                    },
                    "required": ["type", "name", "op"], "additionalProperties": False,
                },
                {
                    "properties": {
                        "type": {"const": "body"},
                        "op": {"enum": ["contains", "not_contains"]},
                        "value": {"type": "string", "minLength": 1},
                    },
                    "required": ["type", "op", "value"], "additionalProperties": False,
                },
                {
                    "properties": {"type": {"const": "response_time"}, "max_ms": {"type": "number", "exclusiveMinimum": 0}},
                    "required": ["type", "max_ms"], "additionalProperties": False,
                },
            ],
        },
        "capture": {
            "type": "object",
            "oneOf": [
                {
                    "properties": {"from": {"const": "json_path"}, "path": {"type": "string", "pattern": r"^\$"}},
                    "required": ["from", "path"], "additionalProperties": False,
                },
                {
                    "properties": {"from": {"const": "header"}, "name": {"type": "string", "minLength": 1}},
                    "required": ["from", "name"], "additionalProperties": False,
                },
            ],
        },
        "load": {
            "type": "object",
            "required": ["requests", "concurrency", "limits"],
            "additionalProperties": False,
            "properties": {
                "requests": {"type": "integer", "minimum": 1, "maximum": MAX_LOAD_REQUESTS},
                "concurrency": {"type": "integer", "minimum": 1, "maximum": MAX_LOAD_CONCURRENCY},
                "limits": {
                    "type": "object",
                    "additionalProperties": False,
                    "minProperties": 1,
                    "properties": {
                        "p50_ms": {"type": "number", "exclusiveMinimum": 0},
                        "p95_ms": {"type": "number", "exclusiveMinimum": 0},
                        "p99_ms": {"type": "number", "exclusiveMinimum": 0},
                        "max_error_rate": {"type": "number", "minimum": 0, "maximum": 1},
                    },
                },
            },
        },
    },
}

_VALIDATOR = Draft202012Validator(SPEC_SCHEMA)

MESSAGE_INVALID_SPEC = "The test spec is invalid."
MESSAGE_LOAD_NEEDS_ONE_STEP = "A load spec runs exactly one request: give it exactly one step."
MESSAGE_UNKNOWN_VARIABLE = "Step {step} uses {{{{{name}}}}} before any earlier step captures it."


def spec_errors(spec: Any) -> list[dict[str, str]]:
    """Every problem with `spec`, each as {"path": "steps/0/request/method", "message": ...}."""
    errors = [
        {"path": "/".join(str(p) for p in error.absolute_path) or "(root)", "message": error.message}
        for error in sorted(_VALIDATOR.iter_errors(spec), key=lambda e: list(map(str, e.absolute_path)))
    ]
    if errors:
        return errors
    if "load" in spec and len(spec["steps"]) != 1:
        errors.append({"path": "load", "message": MESSAGE_LOAD_NEEDS_ONE_STEP})
    captured: set[str] = set()
    for index, step in enumerate(spec["steps"]):
        for name in sorted(template_variables(step.get("request", {})) - captured):
            errors.append({"path": f"steps/{index}/request", "message": MESSAGE_UNKNOWN_VARIABLE.format(step=index, name=name)})
        captured.update(step.get("capture", {}))
    return errors


def validate_spec(spec: Any) -> None:
    """Raise django ValidationError({"spec": [...]}) when `spec` is not a valid spec."""
    errors = spec_errors(spec)
    if errors:
        raise ValidationError({"spec": [f"{e['path']}: {e['message']}" for e in errors]})


# --- Templates and JSON paths (shared by the engine, the generator and healing) ----------

_WHOLE = re.compile(r"^\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}$")
_INLINE = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


def template_variables(value: Any) -> set[str]:
    if isinstance(value, str):
        return set(_INLINE.findall(value))
    if isinstance(value, dict):
        return set().union(*(template_variables(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(template_variables(v) for v in value)) if value else set()
    return set()


class MissingVariable(KeyError):
    pass


def render(value: Any, variables: dict[str, Any]) -> Any:
    """Substitute `{{name}}` in every string of `value` (recursively)."""
    if isinstance(value, str):
        whole = _WHOLE.match(value)
        if whole:
            if whole.group(1) not in variables:
                raise MissingVariable(whole.group(1))
            return variables[whole.group(1)]

        def replace(match: re.Match[str]) -> str:
            if match.group(1) not in variables:
                raise MissingVariable(match.group(1))
            return str(variables[match.group(1)])

        return _INLINE.sub(replace, value)
    if isinstance(value, dict):
        return {k: render(v, variables) for k, v in value.items()}
    if isinstance(value, list):
        return [render(v, variables) for v in value]
    return value


_MISSING = object()
_TOKEN = re.compile(r"\.([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+)\]|\[['\"]([^'\"]+)['\"]\]")


def json_path_get(document: Any, path: str, default: Any = _MISSING) -> Any:
    """Evaluate the JSONPath subset `$`, `.key`, `[0]`, `['key']` against `document`.

    Returns `default` (or raises KeyError when none is given) when the path does not exist.
    """
    if not path.startswith("$"):
        raise ValueError(f"JSON path must start with '$': {path!r}")
    position, current = 1, document
    while position < len(path):
        match = _TOKEN.match(path, position)
        if not match:
            raise ValueError(f"Unsupported JSON path syntax at {path[position:]!r}")
        key, index, quoted = match.groups()
        try:
            if index is not None:
                if not isinstance(current, list):
                    raise KeyError(path)
                current = current[int(index)]
            else:
                if not isinstance(current, dict):
                    raise KeyError(path)
                current = current[key if key is not None else quoted]
        except (KeyError, IndexError):
            if default is _MISSING:
                raise KeyError(path) from None
            return default
        position = match.end()
    return current
