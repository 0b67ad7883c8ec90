"""Hypothesis strategies for the JSON Schemas endpoint contracts use."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

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
