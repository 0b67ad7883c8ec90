"""A deterministic example builder for JSON Schema: one valid instance per (schema, seed).

It understands the subset that endpoint contracts use in practice: ``type`` (or a list of
types), ``enum``/``const``, ``format`` (email, uuid, date-time, date, time, uri/url,
hostname, ipv4, ipv6), string ``minLength``/``maxLength``/``pattern`` (patterns built from
Python's own regex parser when they use no look-arounds or back-references), number
``minimum``/``maximum``/``exclusive*``/``multipleOf``, arrays (``items``, ``minItems``,
``maxItems``, ``uniqueItems``), objects (``properties``, ``required``,
``additionalProperties``, ``minProperties``), ``allOf``/``oneOf``/``anyOf``, ``nullable`` and
local ``$ref`` (``#/...``) resolved against the root schema.

Every choice draws from the ``random.Random`` it is given, so a seed reproduces the output.
"""

from __future__ import annotations

import math
import random
import re
import string
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

try:  # Python 3.11+: the parser behind `re`, used to build strings matching a pattern.
    import re._constants as _sre_constants  # type: ignore[import-not-found]
    import re._parser as _sre_parse  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - older interpreters
    import sre_constants as _sre_constants  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]

MAX_DEPTH = 8
MAX_REPEAT = 8  # how many repetitions `*`/`+` may produce
_WORDS = ("alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet")
_BASE_TIME = datetime(2024, 1, 1, tzinfo=timezone.utc)


class UnsatisfiableSchema(ValueError):
    """The schema admits no value the builder can construct (e.g. minimum > maximum)."""


def build_example(schema: Any, rng: random.Random, *, root: Any = None, depth: int = 0) -> Any:
    """A value valid against `schema`, chosen with `rng`."""
    root = schema if root is None else root
    if not isinstance(schema, dict) or depth > MAX_DEPTH:
        return None if depth > MAX_DEPTH else "example"
    schema = resolve(schema, root)
    if "allOf" in schema:
        return build_example(merge_all_of(schema, root), rng, root=root, depth=depth + 1)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema and schema["enum"]:
        return rng.choice(list(schema["enum"]))
    for key in ("oneOf", "anyOf"):
        if schema.get(key):
            # The first alternative is the documented default shape; later ones are variants.
            branch = {k: v for k, v in schema.items() if k != key}
            branch = merge(branch, resolve(schema[key][0], root))
            return build_example(branch, rng, root=root, depth=depth + 1)
    kind = schema_type(schema)
    if kind == "null":
        return None
    if kind == "boolean":
        return rng.choice([True, False])
    if kind == "integer":
        return _integer(schema, rng)
    if kind == "number":
        return _number(schema, rng)
    if kind == "string":
        return _string(schema, rng)
    if kind == "array":
        return _array(schema, rng, root, depth)
    if kind == "object":
        return _object(schema, rng, root, depth)
    return rng.choice(_WORDS)


def schema_type(schema: dict[str, Any]) -> str:
    """The single type to build: the declared one (first non-null of a list) or the implied one."""
    declared = schema.get("type")
    if isinstance(declared, list):
        non_null = [t for t in declared if t != "null"]
        return non_null[0] if non_null else "null"
    if isinstance(declared, str):
        return declared
    if "properties" in schema or "additionalProperties" in schema or "required" in schema:
        return "object"
    if "items" in schema:
        return "array"
    if any(k in schema for k in ("minLength", "maxLength", "pattern", "format")):
        return "string"
    if any(k in schema for k in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")):
        return "number"
    return "string"


def resolve(schema: dict[str, Any], root: Any, _seen: int = 0) -> dict[str, Any]:
    """Follow local `$ref`s (`#/components/schemas/User`, `#/$defs/x`)."""
    while isinstance(schema, dict) and isinstance(schema.get("$ref"), str) and _seen < MAX_DEPTH:
        ref = schema["$ref"]
        if not ref.startswith("#"):
            return {k: v for k, v in schema.items() if k != "$ref"}
        target: Any = root
        for part in ref.lstrip("#").strip("/").split("/"):
            if not part:
                continue
            part = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(target, dict) or part not in target:
                return {k: v for k, v in schema.items() if k != "$ref"}
            target = target[part]
        siblings = {k: v for k, v in schema.items() if k != "$ref"}
        schema = merge(target, siblings) if siblings else target
        _seen += 1
    return schema if isinstance(schema, dict) else {}


def merge(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """Conjunction of two schemas for the keywords the builder reads."""
    out = dict(a)
    for key, value in b.items():
        if key == "properties" and isinstance(out.get(key), dict):
            out[key] = {**out[key], **value}
        elif key == "required" and isinstance(out.get(key), list):
            out[key] = list(dict.fromkeys([*out[key], *value]))
        elif key in ("minimum", "minLength", "minItems", "exclusiveMinimum", "minProperties") and key in out:
            out[key] = max(out[key], value)
        elif key in ("maximum", "maxLength", "maxItems", "exclusiveMaximum", "maxProperties") and key in out:
            out[key] = min(out[key], value)
        else:
            out[key] = value
    return out


def merge_all_of(schema: dict[str, Any], root: Any) -> dict[str, Any]:
    merged = {k: v for k, v in schema.items() if k != "allOf"}
    for part in schema["allOf"]:
        part = resolve(part, root)
        if "allOf" in part:
            part = merge_all_of(part, root)
        merged = merge(merged, part)
    return merged


# --- Numbers ----------------------------------------------------------------------------


def numeric_bounds(schema: dict[str, Any], *, integer: bool) -> tuple[float, float]:
    """Inclusive [low, high] honouring both draft-4 boolean and draft-6+ numeric exclusives."""
    low, high = schema.get("minimum"), schema.get("maximum")
    step = 1 if integer else 1e-6
    ex_min, ex_max = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
    if isinstance(ex_min, bool):
        if ex_min and low is not None:
            low = low + step
    elif isinstance(ex_min, (int, float)):
        low = ex_min + step if low is None else max(low, ex_min + step)
    if isinstance(ex_max, bool):
        if ex_max and high is not None:
            high = high - step
    elif isinstance(ex_max, (int, float)):
        high = ex_max - step if high is None else min(high, ex_max - step)
    if integer:
        low = None if low is None else math.ceil(low)
        high = None if high is None else math.floor(high)
    if low is None and high is None:
        low, high = (1, 1000)
    elif low is None:
        low = min(high, 0) if high >= 0 else high - 1000
        low = max(low, high - 1000)
    elif high is None:
        high = low + 1000
    if low > high:
        raise UnsatisfiableSchema(f"minimum {low} exceeds maximum {high}")
    return low, high


def _integer(schema: dict[str, Any], rng: random.Random) -> int:
    low, high = numeric_bounds(schema, integer=True)
    multiple = schema.get("multipleOf")
    if isinstance(multiple, (int, float)) and multiple > 0 and float(multiple).is_integer():
        multiple = int(multiple)
        first, last = math.ceil(low / multiple), math.floor(high / multiple)
        if first > last:
            raise UnsatisfiableSchema("no multiple of multipleOf within bounds")
        return rng.randint(first, last) * multiple
    return rng.randint(int(low), int(high))


def _number(schema: dict[str, Any], rng: random.Random) -> float | int:
    low, high = numeric_bounds(schema, integer=False)
    multiple = schema.get("multipleOf")
    if isinstance(multiple, (int, float)) and multiple > 0:
        first, last = math.ceil(low / multiple), math.floor(high / multiple)
        if first > last:
            raise UnsatisfiableSchema("no multiple of multipleOf within bounds")
        value = rng.randint(first, last) * multiple
        return int(value) if float(value).is_integer() else value
    value = round(rng.uniform(low, high), 2)
    # Rounding may step outside a tight interval; clamp back inside it.
    return min(max(value, low), high)


# --- Strings ----------------------------------------------------------------------------


def _format_value(fmt: str, rng: random.Random) -> str | None:
    if fmt == "email":
        return f"{rng.choice(_WORDS)}.{rng.randint(1, 9999)}@example.com"
    if fmt == "uuid":
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))
    if fmt == "date-time":
        moment = _BASE_TIME + timedelta(seconds=rng.randint(0, 365 * 24 * 3600))
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    if fmt == "date":
        return (_BASE_TIME + timedelta(days=rng.randint(0, 365))).strftime("%Y-%m-%d")
    if fmt == "time":
        return f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}Z"
    if fmt in ("uri", "url", "uri-reference", "iri"):
        return f"https://example.com/{rng.choice(_WORDS)}/{rng.randint(1, 999)}"
    if fmt == "hostname":
        return f"{rng.choice(_WORDS)}.example.com"
    if fmt == "ipv4":
        return f"192.0.2.{rng.randint(1, 254)}"
    if fmt == "ipv6":
        return f"2001:db8::{rng.randint(1, 0xFFFF):x}"
    if fmt == "password":
        return "S3cure-" + "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(10))
    if fmt == "byte":
        return "ZXhhbXBsZQ=="
    return None


def _string(schema: dict[str, Any], rng: random.Random) -> str:
    min_length = int(schema.get("minLength", 0) or 0)
    max_length = schema.get("maxLength")
    max_length = int(max_length) if isinstance(max_length, (int, float)) else None
    if max_length is not None and min_length > max_length:
        raise UnsatisfiableSchema("minLength exceeds maxLength")
    pattern = schema.get("pattern")
    if isinstance(pattern, str):
        for _ in range(20):
            candidate = string_matching(pattern, rng)
            if candidate is not None and min_length <= len(candidate) <= (max_length or 10**9):
                return candidate
            if candidate is None:
                break
    fmt = schema.get("format")
    if isinstance(fmt, str):
        value = _format_value(fmt, rng)
        if value is not None and min_length <= len(value) <= (max_length or 10**9):
            return value
    return text_of_length(rng, min_length, max_length)


def text_of_length(rng: random.Random, min_length: int, max_length: int | None) -> str:
    """Readable words, padded or cut to a length within [min_length, max_length]."""
    upper = max_length if max_length is not None else max(min_length, 16)
    target = rng.randint(min_length, max(min_length, min(upper, max(min_length, 24))))
    words = ""
    while len(words) < target:
        words += ("-" if words else "") + rng.choice(_WORDS)
    words = words[:target]
    # A cut may end on the separator; keep values that read as words.
    return words[:-1] + "x" if words.endswith("-") else words


def string_matching(pattern: str, rng: random.Random) -> str | None:
    """A string `re.search(pattern, s)` accepts, or None when the pattern is not simple."""
    try:
        parsed = _sre_parse.parse(pattern)
        value = _emit(parsed, rng)
    except (_Unsupported, re.error, RecursionError, ValueError):
        return None
    try:
        return value if re.search(pattern, value) else None
    except re.error:
        return None


class _Unsupported(Exception):
    pass


_CATEGORIES = {
    "CATEGORY_DIGIT": string.digits,
    "CATEGORY_NOT_DIGIT": string.ascii_letters,
    "CATEGORY_WORD": string.ascii_letters + string.digits + "_",
    "CATEGORY_NOT_WORD": "-. ",
    "CATEGORY_SPACE": " ",
    "CATEGORY_NOT_SPACE": string.ascii_letters + string.digits,
}
_ANY = string.ascii_letters + string.digits


def _emit(parsed: Any, rng: random.Random) -> str:
    out: list[str] = []
    for op, arg in parsed:
        name = str(op)
        if name == "LITERAL":
            out.append(chr(arg))
        elif name == "NOT_LITERAL":
            out.append(rng.choice([c for c in _ANY if ord(c) != arg]))
        elif name == "ANY":
            out.append(rng.choice(_ANY))
        elif name == "IN":
            out.append(_emit_class(arg, rng))
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, high, item = arg
            high = low + MAX_REPEAT if high == _sre_constants.MAXREPEAT else min(high, low + MAX_REPEAT)
            out.extend(_emit(item, rng) for _ in range(rng.randint(low, high)))
        elif name == "SUBPATTERN":
            out.append(_emit(arg[-1], rng))
        elif name == "ATOMIC_GROUP":
            out.append(_emit(arg, rng))
        elif name == "BRANCH":
            out.append(_emit(rng.choice(arg[1]), rng))
        elif name == "AT":
            continue  # anchors (^, $, \b) hold by construction of the emitted string
        elif name == "CATEGORY":
            out.append(rng.choice(_CATEGORIES.get(str(arg), _ANY)))
        else:  # look-arounds, back-references, conditionals
            raise _Unsupported(name)
    return "".join(out)


def _emit_class(items: list[Any], rng: random.Random) -> str:
    if items and str(items[0][0]) == "NEGATE":
        excluded: set[str] = set()
        for op, arg in items[1:]:
            if str(op) == "LITERAL":
                excluded.add(chr(arg))
            elif str(op) == "RANGE":
                excluded.update(chr(c) for c in range(arg[0], arg[1] + 1))
            elif str(op) == "CATEGORY":
                excluded.update(_CATEGORIES.get(str(arg), ""))
        allowed = [c for c in _ANY + "-_. " if c not in excluded]
        if not allowed:
            raise _Unsupported("empty negated class")
        return rng.choice(allowed)
    choices: list[str] = []
    for op, arg in items:
        if str(op) == "LITERAL":
            choices.append(chr(arg))
        elif str(op) == "RANGE":
            low, high = arg
            # Stay within printable ASCII when the range allows, for readable payloads.
            choices.extend(chr(c) for c in range(low, min(high, low + 94) + 1))
        elif str(op) == "CATEGORY":
            choices.extend(_CATEGORIES.get(str(arg), _ANY))
        else:
            raise _Unsupported(str(op))
    if not choices:
        raise _Unsupported("empty class")
    return rng.choice(choices)


# --- Containers -------------------------------------------------------------------------


def _array(schema: dict[str, Any], rng: random.Random, root: Any, depth: int) -> list[Any]:
    min_items = int(schema.get("minItems", 0) or 0)
    max_items = schema.get("maxItems")
    max_items = int(max_items) if isinstance(max_items, (int, float)) else max(min_items, 3)
    if min_items > max_items:
        raise UnsatisfiableSchema("minItems exceeds maxItems")
    count = rng.randint(max(min_items, min(1, max_items)), max(min_items, min(max_items, min_items + 2)))
    items_schema = schema.get("items") if isinstance(schema.get("items"), dict) else {}
    values: list[Any] = []
    attempts = 0
    while len(values) < count and attempts < count * 10 + 10:
        attempts += 1
        value = build_example(items_schema, rng, root=root, depth=depth + 1)
        if schema.get("uniqueItems") and any(_same(value, v) for v in values):
            continue
        values.append(value)
    if len(values) < min_items:
        raise UnsatisfiableSchema("cannot build enough unique items")
    return values


def _same(a: Any, b: Any) -> bool:
    # JSON Schema equality: 1 == 1.0 but True != 1.
    return type(a) is type(b) and a == b if isinstance(a, bool) or isinstance(b, bool) else a == b


def _object(schema: dict[str, Any], rng: random.Random, root: Any, depth: int) -> dict[str, Any]:
    properties = schema.get("properties") or {}
    required = [name for name in schema.get("required") or [] if isinstance(name, str)]
    out: dict[str, Any] = {}
    for name in list(properties) + [r for r in required if r not in properties]:
        sub = properties.get(name)
        if sub is None:
            extra = schema.get("additionalProperties")
            sub = extra if isinstance(extra, dict) else {}
        sub = resolve(sub, root) if isinstance(sub, dict) else {}
        if sub.get("readOnly") and name not in required:
            continue  # a valid *request* omits server-assigned fields
        out[name] = build_example(sub, rng, root=root, depth=depth + 1)
    min_properties = int(schema.get("minProperties", 0) or 0)
    extra = schema.get("additionalProperties", True)
    counter = 0
    while len(out) < min_properties and extra is not False:
        counter += 1
        key = f"extra_{counter}"
        out[key] = build_example(
            extra if isinstance(extra, dict) else {"type": "string"}, rng, root=root, depth=depth + 1
        )
    return out
