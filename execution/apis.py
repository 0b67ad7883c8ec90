"""Run endpoints (start, list, read, results, cancel, JUnit export) and a project's identities.

Thin: validate, call a service or selector, serialize.
"""
from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from execution import conf
from execution.junit import render_junit
from execution.models import Identity, TestResult, TestRun
from execution.selectors import (
    identity_list,
    identity_retrieve,
    result_list,
    results_for_report,
    run_get,
    run_list,
)
from execution.services import (
    identity_create,
    identity_delete,
    identity_mask,
    identity_update,
    test_run_cancel,
    test_run_create,
)
from generation.models import TestCase
from projects.models import header_is_secret
from projects.selectors import project_get
from testgen.api.pagination import StandardPagination
from testgen.api.scrub import MASK

_HEADERS_SCHEMA = {"type": "object", "additionalProperties": {"type": "string"}}
_JSON_OBJECT = {"type": "object", "additionalProperties": True}


def _choice(choices: Any, **kwargs: Any) -> serializers.ChoiceField:
    return serializers.ChoiceField(choices=choices, **kwargs)


# Enums are documented inline (not as shared components) so they cannot collide with other
# apps' `status`/`type` enums in the schema.
@extend_schema_field({"type": "string", "enum": list(TestRun.Status.values)})
class RunStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=TestRun.Status.choices, **kwargs)


@extend_schema_field({"type": "string", "enum": list(TestRun.Trigger.values)})
class RunTriggerField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=TestRun.Trigger.choices, **kwargs)


@extend_schema_field({"type": "string", "enum": list(TestResult.Status.values)})
class ResultStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=TestResult.Status.choices, **kwargs)


@extend_schema_field({"type": "string", "enum": list(TestCase.Type.values)})
class TestTypeField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=TestCase.Type.choices, **kwargs)


@extend_schema_field({"type": "string", "enum": list(TestCase.Priority.values)})
class TestPriorityField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=TestCase.Priority.choices, **kwargs)


@extend_schema_field(_HEADERS_SCHEMA)
class HeadersField(serializers.DictField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(child=serializers.CharField(allow_blank=True, trim_whitespace=False), **kwargs)


class SelectionSerializer(serializers.Serializer):
    test_ids = serializers.ListField(
        child=serializers.CharField(max_length=24), required=False, max_length=10_000,
        help_text="Run exactly these tests (`TC-00042` or `42`); approved, draft or needing review.",
    )
    types = serializers.ListField(child=TestTypeField(), required=False)
    priorities = serializers.ListField(child=TestPriorityField(), required=False)
    endpoint_ids = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False)


class RunCreateInput(serializers.Serializer):
    selection = SelectionSerializer(
        required=False, help_text="Empty: every approved test. `types`/`priorities`/`endpoint_ids` narrow it.",
    )
    base_url = serializers.CharField(required=False, allow_blank=True, max_length=1000,
                                     help_text="Defaults to the project's target base URL.")
    extra_headers = HeadersField(required=False, help_text="Added to the project's default headers for this run.")
    identity = serializers.CharField(required=False, allow_blank=True, max_length=100,
                                     help_text="A named identity of the project for `auth: default` steps.")
    concurrency = serializers.IntegerField(
        required=False, min_value=1, max_value=1000,
        help_text="Requests in flight at once (default 10), capped by the server's maximum.",
    )


class RunOutput(serializers.Serializer):
    id = serializers.CharField(source="public_id")
    project_id = serializers.IntegerField()
    trigger = RunTriggerField()
    status = RunStatusField()
    selection = serializers.JSONField()
    base_url = serializers.CharField()
    extra_headers = serializers.SerializerMethodField()
    identity = serializers.CharField(source="identity.name", allow_null=True, default=None)
    concurrency = serializers.IntegerField()
    total = serializers.IntegerField()
    passed = serializers.IntegerField()
    failed = serializers.IntegerField()
    errored = serializers.IntegerField()
    skipped = serializers.IntegerField()
    healed = serializers.IntegerField()
    pass_rate = serializers.FloatField(allow_null=True, help_text="Percent of executed tests that passed.")
    duration_ms = serializers.IntegerField(allow_null=True)
    error_message = serializers.CharField()
    requested_by = serializers.IntegerField(source="requested_by_id", allow_null=True)
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    deadline = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(_HEADERS_SCHEMA)
    def get_extra_headers(self, run: TestRun) -> dict[str, str]:
        return {name: (MASK if header_is_secret(name, value) else value) for name, value in (run.extra_headers or {}).items()}


class ResultOutput(serializers.Serializer):
    id = serializers.IntegerField()
    test_case_id = serializers.CharField(source="test_case_public_id")
    test_case_version = serializers.IntegerField()
    title = serializers.CharField()
    type = serializers.CharField(source="test_type")
    endpoint_id = serializers.IntegerField(allow_null=True)
    status = ResultStatusField()
    duration_ms = serializers.IntegerField()
    request = serializers.JSONField(allow_null=True, help_text="As sent: secrets masked, body truncated.")
    response = serializers.JSONField(allow_null=True, help_text="As received: secrets masked, body truncated.")
    assertions = serializers.ListField(
        child=serializers.DictField(), help_text="Each with `type`, `passed`, `expected`, `actual`, `message`.",
    )
    error = serializers.CharField()
    metrics = serializers.JSONField(allow_null=True, help_text="Load tests: p50/p95/p99, error rate; scenarios: steps.")
    healed = serializers.BooleanField()
    created_at = serializers.DateTimeField()


def _trigger(request: Request) -> str:
    from accounts.models import APIKey

    return TestRun.Trigger.API_KEY if isinstance(request.auth, APIKey) else TestRun.Trigger.USER


class RunListApi(APIView):
    pagination_class = StandardPagination  # documents the paginated envelope in the schema
    class FilterInput(serializers.Serializer):
        status = RunStatusField(required=False)
        trigger = RunTriggerField(required=False)
        created_after = serializers.DateTimeField(required=False)
        created_before = serializers.DateTimeField(required=False)

    @extend_schema(
        operation_id="runs_list",
        parameters=[
            OpenApiParameter("status", str, enum=TestRun.Status.values),
            OpenApiParameter("trigger", str, enum=TestRun.Trigger.values),
            OpenApiParameter("created_after", OpenApiTypes.DATETIME, description="Created at or after (ISO 8601)."),
            OpenApiParameter("created_before", OpenApiTypes.DATETIME, description="Created before (ISO 8601)."),
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int),
        ],
        responses=RunOutput(many=True),
    )
    def get(self, request: Request, project_id: int) -> Response:
        project = project_get(owner=request.user, project_id=project_id)
        filters = self.FilterInput(data=request.query_params)
        filters.is_valid(raise_exception=True)
        runs = run_list(project_id=project.pk, filters={k: request.query_params[k] for k in filters.validated_data})
        paginator = StandardPagination()
        page = paginator.paginate_queryset(runs, request, view=self)
        return paginator.get_paginated_response(RunOutput(page, many=True).data)

    @extend_schema(
        operation_id="runs_create",
        request=RunCreateInput,
        responses={202: RunOutput, 409: OpenApiResponse(description="The project is archived.")},
        description="Queue a run of the selected tests; works with an API key (`X-API-Key`) for CI.",
    )
    def post(self, request: Request, project_id: int) -> Response:
        project = project_get(owner=request.user, project_id=project_id)
        serializer = RunCreateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        run = test_run_create(
            project=project,
            requested_by=request.user,
            trigger=_trigger(request),
            selection=dict(data.get("selection") or {}),
            base_url=data.get("base_url") or None,
            extra_headers=data.get("extra_headers"),
            identity_name=data.get("identity") or None,
            concurrency=data.get("concurrency", conf.DEFAULT_CONCURRENCY),
        )
        return Response(RunOutput(run).data, status=status.HTTP_202_ACCEPTED)


class RunDetailApi(APIView):
    @extend_schema(operation_id="runs_retrieve", responses=RunOutput)
    def get(self, request: Request, project_id: int, run_id: str) -> Response:
        project = project_get(owner=request.user, project_id=project_id)
        return Response(RunOutput(run_get(project_id=project.pk, public_id=run_id)).data)


class RunResultListApi(APIView):
    pagination_class = StandardPagination  # documents the paginated envelope in the schema
    class FilterInput(serializers.Serializer):
        status = ResultStatusField(required=False)
        type = TestTypeField(required=False)
        endpoint = serializers.IntegerField(required=False, min_value=1)

    @extend_schema(
        operation_id="runs_results_list",
        parameters=[
            OpenApiParameter("status", str, enum=TestResult.Status.values),
            OpenApiParameter("type", str, enum=TestCase.Type.values),
            OpenApiParameter("endpoint", int, description="Endpoint id."),
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int),
        ],
        responses=ResultOutput(many=True),
    )
    def get(self, request: Request, project_id: int, run_id: str) -> Response:
        project = project_get(owner=request.user, project_id=project_id)
        run = run_get(project_id=project.pk, public_id=run_id)
        filters = self.FilterInput(data=request.query_params)
        filters.is_valid(raise_exception=True)
        results = result_list(run=run, filters={k: request.query_params[k] for k in filters.validated_data})
        paginator = StandardPagination()
        page = paginator.paginate_queryset(results, request, view=self)
        return paginator.get_paginated_response(ResultOutput(page, many=True).data)


class RunCancelApi(APIView):
    @extend_schema(
        operation_id="runs_cancel",
        request=None,
        responses={200: RunOutput, 409: OpenApiResponse(description="The run has already finished.")},
    )
    def post(self, request: Request, project_id: int, run_id: str) -> Response:
        project = project_get(owner=request.user, project_id=project_id)
        run = test_run_cancel(run=run_get(project_id=project.pk, public_id=run_id))
        return Response(RunOutput(run).data)


class RunJUnitApi(APIView):
    @extend_schema(
        operation_id="runs_junit",
        responses={(200, "application/xml"): OpenApiResponse(OpenApiTypes.STR, description="JUnit XML report.")},
    )
    def get(self, request: Request, project_id: int, run_id: str) -> HttpResponse:
        project = project_get(owner=request.user, project_id=project_id)
        run = run_get(project_id=project.pk, public_id=run_id)
        document = render_junit(run=run, results=results_for_report(run=run))
        response = HttpResponse(document, content_type="application/xml; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{run.public_id}.xml"'
        return response


# --- identities ------------------------------------------------------------------------------

_LOGIN_REQUEST_SCHEMA = {
    "type": "object",
    "required": ["method", "path"],
    "properties": {
        "method": {"type": "string", "enum": ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]},
        "path": {"type": "string", "pattern": "^/", "maxLength": 2048},
        "query": {"type": "object", "additionalProperties": True},
        "headers": _HEADERS_SCHEMA,
        "body": {"description": "Any JSON value; usually holds the password."},
    },
    "additionalProperties": False,
}
_MASKED_LOGIN_REQUEST_SCHEMA = {
    "type": "object",
    "nullable": True,
    "description": "Method and path as stored; `query`, `headers` and `body` keep their keys with every value `***`.",
    "properties": {
        "method": {"type": "string"},
        "path": {"type": "string"},
        "query": _JSON_OBJECT,
        "headers": _HEADERS_SCHEMA,
        "body": {},
    },
}


@extend_schema_field({"type": "string", "enum": list(Identity.Kind.values)})
class IdentityKindField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=Identity.Kind.choices, **kwargs)


@extend_schema_field({**_LOGIN_REQUEST_SCHEMA, "nullable": True})
class LoginRequestField(serializers.JSONField):
    """Checked by the service as the request of a one-step test spec."""


class _IdentityFieldsInput(serializers.Serializer):
    headers = HeadersField(
        required=False,
        help_text="Static identities: the headers sent. Login identities: extra headers on the login request. "
                  "Write-only values; `***` keeps the stored value.",
    )
    login_request = LoginRequestField(
        required=False, allow_null=True,
        help_text="Login identities: the request whose answer carries the token. A value `***` anywhere in it "
                  "keeps the stored value at that place.",
    )
    token_path = serializers.CharField(
        required=False, max_length=200, help_text="JSON path of the token in the login answer, e.g. `$.access_token`.",
    )
    header_name = serializers.CharField(required=False, max_length=100, help_text="Header the token is sent in.")
    header_template = serializers.CharField(required=False, max_length=200, trim_whitespace=False,
                                            help_text="Header value; `{token}` is replaced by the token.")
    ttl_seconds = serializers.IntegerField(required=False, allow_null=True, min_value=1,
                                           help_text="Log in again after this many seconds.")
    expires_in_path = serializers.CharField(
        required=False, allow_blank=True, max_length=200,
        help_text="JSON path of the token's lifetime in seconds, e.g. `$.expires_in`.",
    )


class IdentityCreateInput(_IdentityFieldsInput):
    name = serializers.CharField(
        max_length=100, help_text="Unique in the project; specs use `auth: {identity: name}`.",
    )
    kind = IdentityKindField()


class IdentityUpdateInput(_IdentityFieldsInput):
    name = serializers.CharField(required=False, max_length=100)
    kind = IdentityKindField(required=False)


class IdentityOutput(serializers.Serializer):
    name = serializers.CharField()
    kind = IdentityKindField()
    headers = serializers.SerializerMethodField()
    login_request = serializers.SerializerMethodField()
    token_path = serializers.CharField()
    header_name = serializers.CharField()
    header_template = serializers.CharField()
    ttl_seconds = serializers.IntegerField(allow_null=True)
    expires_in_path = serializers.CharField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    @extend_schema_field({**_HEADERS_SCHEMA, "description": "Header names; every value is `***`."})
    def get_headers(self, identity: Identity) -> dict[str, str]:
        return identity_mask(identity.headers or {})

    @extend_schema_field(_MASKED_LOGIN_REQUEST_SCHEMA)
    def get_login_request(self, identity: Identity) -> dict[str, Any] | None:
        request = identity.login_request
        if not isinstance(request, dict):
            return None
        shown: dict[str, Any] = {"method": request.get("method"), "path": request.get("path")}
        for key in ("query", "headers", "body"):
            if key in request:
                shown[key] = identity_mask(request[key])
        return shown


_IDENTITY_CONFLICT = OpenApiResponse(description="The project already has an identity of that name.")


class IdentityListApi(APIView):
    pagination_class = StandardPagination  # documents the paginated envelope in the schema
    @extend_schema(
        operation_id="identities_list",
        parameters=[OpenApiParameter("page", int), OpenApiParameter("page_size", int)],
        responses=IdentityOutput(many=True),
        description="The project's named credential sets, by name. Secret values are shown as `***`.",
    )
    def get(self, request: Request, project_id: int) -> Response:
        project = project_get(owner=request.user, project_id=project_id)
        paginator = StandardPagination()
        page = paginator.paginate_queryset(identity_list(project_id=project.pk), request, view=self)
        return paginator.get_paginated_response(IdentityOutput(page, many=True).data)

    @extend_schema(
        operation_id="identities_create",
        request=IdentityCreateInput,
        responses={201: IdentityOutput, 409: _IDENTITY_CONFLICT},
        description="Add static headers (`headers` required) or a login (`login_request` required) to the project.",
    )
    def post(self, request: Request, project_id: int) -> Response:
        project = project_get(owner=request.user, project_id=project_id)
        serializer = IdentityCreateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        identity = identity_create(project=project, **serializer.validated_data)
        return Response(IdentityOutput(identity).data, status=status.HTTP_201_CREATED)


class IdentityDetailApi(APIView):
    @extend_schema(operation_id="identities_retrieve", responses=IdentityOutput)
    def get(self, request: Request, project_id: int, name: str) -> Response:
        project = project_get(owner=request.user, project_id=project_id)
        return Response(IdentityOutput(identity_retrieve(project_id=project.pk, name=name)).data)

    @extend_schema(
        operation_id="identities_partial_update",
        request=IdentityUpdateInput,
        responses={200: IdentityOutput, 409: _IDENTITY_CONFLICT},
        description="Change some fields. `headers` and `login_request` replace the stored ones, but a value sent "
                    "as `***` keeps what is stored at that place.",
    )
    def patch(self, request: Request, project_id: int, name: str) -> Response:
        project = project_get(owner=request.user, project_id=project_id)
        identity = identity_retrieve(project_id=project.pk, name=name)
        serializer = IdentityUpdateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        identity = identity_update(identity=identity, data=dict(serializer.validated_data))
        return Response(IdentityOutput(identity).data)

    @extend_schema(operation_id="identities_destroy", responses={204: None})
    def delete(self, request: Request, project_id: int, name: str) -> Response:
        project = project_get(owner=request.user, project_id=project_id)
        identity_delete(identity=identity_retrieve(project_id=project.pk, name=name))
        return Response(status=status.HTTP_204_NO_CONTENT)
