"""Serializer fields shared by the generation API modules."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


def named_choice_field(
    component: str, choices: list[tuple[str, str]], description: str
) -> type[serializers.ChoiceField]:
    """A ChoiceField documented as its own enum component, `component`."""

    # A named component: left to field names, `status`/`provider` enums of several apps would
    # compete for `StatusEnum`/`ProviderEnum` and get hashed names plus a schema warning.
    @extend_schema_field(
        {"type": "string", "enum": [value for value, _ in choices], "description": description},
        component_name=component,
    )
    class _Field(serializers.ChoiceField):
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(choices=choices, **kwargs)

    _Field.__name__ = _Field.__qualname__ = component.replace("Enum", "Field")
    return _Field
