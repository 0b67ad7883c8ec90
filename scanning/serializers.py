"""Input and output shapes of the scanning API."""
from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import serializers

from scanning.models import Endpoint, EndpointHistory, ScanJob
from scanning.scanners.base import HTTP_METHODS, PARAMETER_LOCATIONS


class NamedEnumField(serializers.ChoiceField):
    """A choice field documented as its own named enum component.

    Left to drf-spectacular, every app's `status` field competes for the name `StatusEnum`
    and the loser gets a hashed name plus a generation warning.
    """

    def __init__(self, *, enum_name: str, **kwargs: Any) -> None:
        self.enum_name = enum_name
        super().__init__(**kwargs)


class NamedEnumFieldExtension(OpenApiSerializerFieldExtension):
    target_class = "scanning.serializers.NamedEnumField"

    def map_serializer_field(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        field: NamedEnumField = self.target
        component = ResolvedComponent(
            name=field.enum_name, type=ResolvedComponent.SCHEMA, object=field.enum_name,
            schema={"type": "string", "enum": list(field.choices)},
        )
        auto_schema.registry.register_on_missing(component)
        return component.ref


def enum_field(values: list[str] | tuple[str, ...], name: str, **kwargs: Any) -> NamedEnumField:
    return NamedEnumField(enum_name=name, choices=list(values), **kwargs)


# --- scans ---------------------------------------------------------------------------------------


class ScanInput(serializers.Serializer):
    source = enum_field(ScanJob.Source.values, "ScanSourceEnum", required=False, default=ScanJob.Source.REPOSITORY,
                        help_text="`repository` (default), `spec_file` (multipart upload or the project's "
                                  "file) or `spec_url` (given here or the project's).")
    spec_file = serializers.FileField(required=False, help_text="An OpenAPI document; with `source=spec_file`.")
    spec_url = serializers.URLField(required=False, allow_blank=True, max_length=1000,
                                    help_text="With `source=spec_url`; defaults to the project's spec URL.")


class ScanWarningOutput(serializers.Serializer):
    file = serializers.CharField()
    line = serializers.IntegerField()
    message = serializers.CharField()


class ScanJobOutput(serializers.Serializer):
    id = serializers.IntegerField()
    project_id = serializers.IntegerField()
    trigger = enum_field(ScanJob.Trigger.values, "ScanTriggerEnum")
    source = enum_field(ScanJob.Source.values, "ScanSourceEnum")
    status = enum_field(ScanJob.Status.values, "ScanStatusEnum")
    progress = serializers.IntegerField(help_text="0–100.")
    files_scanned = serializers.IntegerField(help_text="Source files some scanner read.")
    files_parsed = serializers.IntegerField(help_text="Files actually parsed (not answered from the facts cache).")
    endpoints_found = serializers.IntegerField()
    endpoints_added = serializers.IntegerField()
    endpoints_changed = serializers.IntegerField()
    endpoints_removed = serializers.IntegerField()
    endpoints_restored = serializers.IntegerField()
    warnings = ScanWarningOutput(many=True)
    error_message = serializers.CharField()
    requested_by_id = serializers.IntegerField(allow_null=True)
    commit_sha = serializers.CharField()
    spec_url = serializers.CharField()
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)


# --- endpoints ------------------------------------------------------------------------------------


class EndpointListFilterInput(serializers.Serializer):
    method = serializers.CharField(required=False, help_text="HTTP method, any case.")
    status = enum_field([*Endpoint.Status.values, "all"], "EndpointStatusFilterEnum", required=False,
                        help_text="Default `active`.")
    search = serializers.CharField(required=False, help_text="Case-insensitive match on path, summary, "
                                                             "operation id or handler.")
    framework = serializers.CharField(required=False, help_text="e.g. `express`, `fastapi`, `openapi`.")
    # `default=None`: from a query string an absent boolean would otherwise read as false.
    conditional = serializers.BooleanField(
        required=False, allow_null=True, default=None,
        help_text="`true`: only endpoints served under a condition (see `conditions`); `false`: only "
                  "those always served.",
    )

    def validate_method(self, value: str) -> str:
        return value.upper()


class ParameterOutput(serializers.Serializer):
    name = serializers.CharField()
    location = enum_field(PARAMETER_LOCATIONS, "ParameterLocationEnum")
    required = serializers.BooleanField()
    schema = serializers.JSONField(help_text="JSON Schema of the value.")
    description = serializers.CharField(allow_blank=True)


class EndpointOutput(serializers.Serializer):
    id = serializers.IntegerField()
    method = enum_field(HTTP_METHODS, "HttpMethodEnum")
    path = serializers.CharField()
    operation_id = serializers.CharField()
    summary = serializers.CharField()
    framework = serializers.CharField()
    source_file = serializers.CharField()
    source_line = serializers.IntegerField()
    handler = serializers.CharField()
    auth_required = serializers.BooleanField(allow_null=True)
    tags = serializers.ListField(child=serializers.CharField())
    conditions = serializers.ListField(
        child=serializers.CharField(),
        help_text="The source text of each `if` test the route is registered under in code, outermost "
                  "first (`not (...)` in an `else`): it is served only when they hold, e.g. "
                  "`[\"settings.DEBUG\"]`. Empty: always served (or not known from a spec alone).",
    )
    status = enum_field(Endpoint.Status.values, "EndpointStatusEnum")
    in_code = serializers.BooleanField()
    in_spec = serializers.BooleanField()
    drift = enum_field(["", "undocumented", "unimplemented"], "EndpointDriftEnum",
                       help_text="`undocumented`: served, not in the spec; `unimplemented`: the reverse.")
    fingerprint = serializers.CharField(help_text="sha256 of the contract (method, path, parameters, bodies).")
    first_seen = serializers.DateTimeField()
    last_seen = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class EndpointHistoryOutput(serializers.Serializer):
    id = serializers.IntegerField()
    change = enum_field(EndpointHistory.Change.values, "EndpointChangeEnum")
    scan_job_id = serializers.IntegerField(allow_null=True)
    previous = serializers.JSONField(allow_null=True, help_text="The contract before; null when added.")
    new = serializers.JSONField(allow_null=True, help_text="The contract after; null when removed.")
    created_at = serializers.DateTimeField()


class EndpointDetailOutput(EndpointOutput):
    parameters = ParameterOutput(many=True)
    request_body = serializers.JSONField(allow_null=True, help_text="JSON Schema of the request body.")
    responses = serializers.JSONField(help_text='Status code → {"description", "schema"}.')
    auth = serializers.CharField(help_text="What in the source tells that authentication is required.")
    history = EndpointHistoryOutput(many=True, source="history.all")


class DriftOutput(serializers.Serializer):
    has_spec = serializers.BooleanField(help_text="Whether any endpoint came from a spec.")
    has_code = serializers.BooleanField(help_text="Whether any endpoint came from code.")
    undocumented = EndpointOutput(many=True, help_text="Served but not documented.")
    unimplemented = EndpointOutput(many=True, help_text="Documented but not served.")
