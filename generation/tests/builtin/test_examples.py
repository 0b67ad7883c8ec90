from __future__ import annotations

import random
import re
import uuid
from datetime import datetime
from typing import Any
from urllib.parse import urlparse

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator, FormatChecker

from generation.builtin.examples import UnsatisfiableSchema, build_example, string_matching

SIMPLE_PATTERNS = [
    "^[a-z]{3,8}$",
    "^[A-Z]{2}-[0-9]{4}$",
    r"^\d{5}(-\d{4})?$",
    "^(red|green|blue)$",
    r"^[a-z0-9_]+$",
    r"^v\d+\.\d+\.\d+$",
    "^[^@ ]+@[^@ ]+$",
]
FORMATS = ["email", "uuid", "date-time", "date", "uri", "hostname", "ipv4", "ipv6"]


def assert_valid(schema: dict[str, Any], value: Any) -> None:
    errors = list(Draft202012Validator(schema, format_checker=FormatChecker()).iter_errors(value))
    assert not errors, (schema, value, [e.message for e in errors])
    _check_unchecked_formats(schema, value)


def _check_unchecked_formats(schema: Any, value: Any) -> None:
    """jsonschema checks date-time and uri only with optional packages; check them here."""
    if not isinstance(schema, dict):
        return
    if isinstance(value, str) and schema.get("format") == "date-time":
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    if isinstance(value, str) and schema.get("format") == "uri":
        parsed = urlparse(value)
        assert parsed.scheme and parsed.netloc, value
    if isinstance(value, dict):
        for name, sub in (schema.get("properties") or {}).items():
            if name in value:
                _check_unchecked_formats(sub, value[name])
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        for item in value:
            _check_unchecked_formats(schema["items"], item)


@st.composite
def string_schemas(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(["plain", "format", "pattern", "enum"]))
    if kind == "format":
        return {"type": "string", "format": draw(st.sampled_from(FORMATS))}
    if kind == "pattern":
        return {"type": "string", "pattern": draw(st.sampled_from(SIMPLE_PATTERNS))}
    if kind == "enum":
        return {
            "type": "string",
            "enum": draw(st.lists(st.text(min_size=1, max_size=8), min_size=1, max_size=4, unique=True)),
        }
    low = draw(st.integers(0, 40))
    schema: dict[str, Any] = {"type": "string", "minLength": low}
    if draw(st.booleans()):
        schema["maxLength"] = draw(st.integers(low, low + 60))
    return schema


@st.composite
def number_schemas(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(["integer", "number"]))
    low = draw(st.integers(-(10**6), 10**6))
    high = draw(st.integers(low, low + 10**6))
    schema: dict[str, Any] = {"type": kind}
    if draw(st.booleans()):
        schema["minimum"] = low
    if draw(st.booleans()):
        schema["maximum"] = high
    if draw(st.booleans()) and high - low >= 2:
        schema.pop("minimum", None)
        schema["exclusiveMinimum"] = low
        schema["exclusiveMaximum"] = high
    if kind == "integer" and draw(st.booleans()) and high - low >= 10:
        schema["multipleOf"] = draw(st.integers(1, 5))
    return schema


leaf_schemas = st.one_of(
    string_schemas(), number_schemas(), st.just({"type": "boolean"}), st.just({"type": ["string", "null"]})
)


def containers(children: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    names = st.from_regex(r"\A[a-z][a-z_]{0,10}\Z")
    objects = st.dictionaries(names, children, max_size=5).flatmap(
        lambda props: st.builds(
            lambda required, closed: {
                "type": "object",
                "properties": props,
                "required": required,
                **({"additionalProperties": False} if closed else {}),
            },
            st.lists(st.sampled_from(sorted(props)), unique=True) if props else st.just([]),
            st.booleans(),
        )
    )
    arrays = st.builds(
        lambda items, low, extra, unique: {
            "type": "array",
            "items": items,
            "minItems": low,
            "maxItems": low + extra,
            **({"uniqueItems": True} if unique else {}),
        },
        children,
        st.integers(0, 3),
        st.integers(0, 4),
        st.just(False),
    )
    return st.one_of(objects, arrays)


schemas = st.recursive(leaf_schemas, containers, max_leaves=12)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schema=schemas, seed=st.integers(0, 2**32))
def test_examples_validate_against_the_schema_they_come_from(schema, seed):
    assert_valid(schema, build_example(schema, random.Random(seed)))


@settings(max_examples=60, deadline=None)
@given(schema=schemas, seed=st.integers(0, 2**32))
def test_examples_are_reproducible_from_the_seed(schema, seed):
    assert build_example(schema, random.Random(seed)) == build_example(schema, random.Random(seed))


@pytest.mark.parametrize("fmt", FORMATS)
def test_formats_produce_well_formed_values(fmt):
    assert_valid(
        {"type": "string", "format": fmt}, build_example({"type": "string", "format": fmt}, random.Random(3))
    )


def test_uuid_format_is_a_real_uuid():
    value = build_example({"type": "string", "format": "uuid"}, random.Random(1))
    assert str(uuid.UUID(value)) == value


@pytest.mark.parametrize("pattern", SIMPLE_PATTERNS)
def test_simple_patterns_are_matched(pattern):
    for seed in range(10):
        assert re.search(pattern, string_matching(pattern, random.Random(seed)))


def test_patterns_with_lookarounds_are_not_attempted():
    assert string_matching(r"^(?=.*\d)[a-z\d]{8}$", random.Random(0)) is None


def test_local_refs_and_all_of_are_followed():
    root = {
        "$defs": {"Name": {"type": "string", "minLength": 3, "maxLength": 3}},
        "allOf": [
            {"type": "object", "properties": {"name": {"$ref": "#/$defs/Name"}}, "required": ["name"]},
            {"properties": {"n": {"type": "integer", "minimum": 5, "maximum": 5}}, "required": ["n"]},
        ],
    }
    value = build_example(root, random.Random(0))
    assert len(value["name"]) == 3 and value["n"] == 5


def test_contradictory_limits_are_reported():
    with pytest.raises(UnsatisfiableSchema):
        build_example({"type": "integer", "minimum": 10, "maximum": 2}, random.Random(0))


def test_read_only_optional_properties_are_left_out_of_requests():
    schema = {
        "type": "object",
        "properties": {"id": {"type": "integer", "readOnly": True}, "name": {"type": "string"}},
    }
    assert set(build_example(schema, random.Random(0))) == {"name"}
