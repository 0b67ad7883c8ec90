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
from generation.tests.builtin.strategies import FORMATS, SIMPLE_PATTERNS, schemas


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
