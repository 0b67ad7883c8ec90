"""Input and output shapes of the test-case API, and their OpenAPI documentation."""

from __future__ import annotations

import copy
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from generation.models import TestCase, TestCaseVersion
from generation.models.test_cases import parse_public_id
from generation.selectors import ORDERINGS
from generation.spec import SPEC_SCHEMA

# The file name matches pytest's `test_*.py`; this keeps pytest from collecting the serializers.
__test__ = False

MESSAGE_BAD_ID = "Not a test case id; expected TC- followed by digits, e.g. TC-00042."
MESSAGE_SPEC_NOT_OBJECT = "The spec must be a JSON object."
MESSAGE_UNKNOWN_CHOICE = "Unknown value {value!r}; expected one of: {choices}."
MAX_BULK_IDS = 500


def openapi_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """`schema` (JSON Schema 2020-12) rewritten for OpenAPI 3.0, which the docs are served as.

    Local `$ref`s are inlined (the spec schema has no cycles), and the keywords 3.0 spells
    differently are translated: `const`, numeric `exclusiveMinimum`, type lists.
    """
    definitions = schema.get("$defs", {})

    def convert(node: Any) -> Any:
        if isinstance(node, list):
            return [convert(item) for item in node]
        if not isinstance(node, dict):
            return node
        if "$ref" in node:
            return convert(copy.deepcopy(definitions[node["$ref"].rsplit("/", 1)[-1]]))
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key in ("$schema", "$id", "$defs", "propertyNames"):
                continue
            if key == "const" and isinstance(value, int) and not isinstance(value, bool):
                # Not `enum: [1]`: drf-spectacular would hoist a top-level enum into a shared,
                # generically named `VersionEnum` component.
                out.update({"type": "integer", "minimum": value, "maximum": value})
            elif key == "const":
                out["enum"] = [value]
            elif key == "exclusiveMinimum" and not isinstance(value, bool):
                out["minimum"] = value
                out["exclusiveMinimum"] = True
            elif key == "type" and isinstance(value, list):
                out["anyOf"] = [{"type": item} for item in value]
            elif key in ("properties", "additionalProperties", "items") and isinstance(value, dict):
                out[key] = (
                    {k: convert(v) for k, v in value.items()} if key == "properties" else convert(value)
                )
            else:
                out[key] = convert(value)
        return out

    converted = convert(schema)
    converted["description"] = (
        "The declarative test-case spec: steps (request, assertions, captures) and an optional "
        "load profile. Published as JSON Schema 2020-12 at " + schema.get("$id", "") + "."
    )
    return converted


SPEC_OPENAPI = openapi_schema(SPEC_SCHEMA)


@extend_schema_field(SPEC_OPENAPI, component_name="TestCaseSpec")
class SpecField(serializers.JSONField):
    """A test-case spec; its content is validated by the services against `SPEC_SCHEMA`."""

    def to_internal_value(self, data: Any) -> Any:
        value = super().to_internal_value(data)
        if not isinstance(value, dict):
            raise serializers.ValidationError(MESSAGE_SPEC_NOT_OBJECT)
        return value


def _enum_field(name: str, choices: Any, description: str) -> type[serializers.ChoiceField]:
    @extend_schema_field(
        {"type": "string", "enum": list(choices.values), "description": description}, component_name=name
    )
    class _Field(serializers.ChoiceField):
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(choices=choices.choices, **kwargs)

    _Field.__name__ = _Field.__qualname__ = name.replace("Enum", "Field")
    return _Field


# Named components: left alone, every app's `status`/`type`/`priority` would compete for
# `StatusEnum` and the losers get hashed names plus a schema warning.
StatusField = _enum_field(
    "TestCaseStatusEnum",
    TestCase.Status,
    "`draft` → `approved`|`rejected`; `approved` → `needs_review`; `needs_review` → `approved`|`rejected`; "
    "anything → `archived` (final). Any other move is a 409.",
)
PriorityField = _enum_field("TestCasePriorityEnum", TestCase.Priority, "Risk-based priority, highest first.")
TypeField = _enum_field("TestCaseTypeEnum", TestCase.Type, "What the test checks.")


class TestCaseIdField(serializers.CharField):
    """A public id `TC-00042`, validated to its primary key."""

    def to_internal_value(self, data: Any) -> int:
        pk = parse_public_id(str(data)) if isinstance(data, (str, int)) else None
        if pk is None:
            raise serializers.ValidationError(MESSAGE_BAD_ID)
        return pk


class CsvChoiceField(serializers.Field):
    """`?status=draft,approved` (or repeated parameters, joined by the view) as a list of choices."""

    def __init__(self, *, choices: list[str], **kwargs: Any) -> None:
        self.allowed = choices
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> list[str]:
        values = [v.strip() for v in str(data).split(",") if v.strip()]
        for value in values:
            if value not in self.allowed:
                raise serializers.ValidationError(
                    MESSAGE_UNKNOWN_CHOICE.format(value=value, choices=", ".join(self.allowed))
                )
        return values

    def to_representation(self, value: Any) -> str:
        return ",".join(value)


# --- input ----------------------------------------------------------------------------------------


class TestCaseFilterInput(serializers.Serializer):
    status = CsvChoiceField(choices=list(TestCase.Status.values), required=False)
    priority = CsvChoiceField(choices=list(TestCase.Priority.values), required=False)
    type = CsvChoiceField(choices=list(TestCase.Type.values), required=False)
    endpoint = serializers.IntegerField(required=False, min_value=1)
    generator = serializers.CharField(required=False, max_length=50)
    search = serializers.CharField(required=False, max_length=200)
    ordering = serializers.ChoiceField(choices=list(ORDERINGS), required=False)


class TestCaseUpdateInput(serializers.Serializer):
    title = serializers.CharField(max_length=300, required=False)
    description = serializers.CharField(allow_blank=True, required=False)
    priority = PriorityField(required=False)
    spec = SpecField(required=False)
    status = StatusField(required=False)
    reason = serializers.CharField(
        max_length=500,
        allow_blank=True,
        required=False,
        write_only=True,
        help_text="Why the title or spec changed; kept in the version history.",
    )


class TestCaseBulkInput(serializers.Serializer):
    ids = serializers.ListField(child=TestCaseIdField(), min_length=1, max_length=MAX_BULK_IDS)


# --- output ---------------------------------------------------------------------------------------


class EndpointSummaryOutput(serializers.Serializer):
    id = serializers.IntegerField()
    method = serializers.CharField()
    path = serializers.CharField()
    status = serializers.CharField()


class TestCaseOutput(serializers.Serializer):
    id = serializers.CharField(source="public_id", help_text="Public id, `TC-` and at least five digits.")
    project = serializers.IntegerField(source="project_id")
    endpoint = EndpointSummaryOutput(allow_null=True)
    title = serializers.CharField()
    description = serializers.CharField()
    type = TypeField()
    priority = PriorityField()
    status = StatusField()
    spec = SpecField()
    spec_fingerprint = serializers.CharField()
    generator_provider = serializers.CharField()
    generator_model = serializers.CharField()
    prompt_version = serializers.CharField()
    version = serializers.IntegerField()
    created_by = serializers.IntegerField(source="created_by_id", allow_null=True)
    approved_by = serializers.IntegerField(source="approved_by_id", allow_null=True)
    approved_at = serializers.DateTimeField(allow_null=True)
    last_healed_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class TestCaseVersionOutput(serializers.Serializer):
    version = serializers.IntegerField()
    title = serializers.CharField()
    spec = SpecField()
    changed_by = serializers.IntegerField(source="changed_by_id", allow_null=True)
    reason = serializers.CharField()
    created_at = serializers.DateTimeField()


class TestCaseDetailOutput(TestCaseOutput):
    versions = serializers.SerializerMethodField()

    @extend_schema_field(TestCaseVersionOutput(many=True))
    def get_versions(self, test_case: TestCase) -> list[dict[str, Any]]:
        versions: list[TestCaseVersion] = list(test_case.versions.all())
        return TestCaseVersionOutput(versions, many=True).data


class TestCaseBulkOutput(serializers.Serializer):
    count = serializers.IntegerField()
    ids = serializers.ListField(child=serializers.CharField())
