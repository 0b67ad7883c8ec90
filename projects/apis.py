from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from projects import schema as _schema  # noqa: F401  (registers the OpenAPI extension)
from projects import webhooks
from projects.models import Project, header_is_secret
from projects.selectors import ORDERING_FIELDS, project_for_webhook, project_get, project_list, project_stats
from projects.services import (
    MASKED_HEADER_VALUE,
    RepositoryCredentialsInput,
    project_create,
    project_delete,
    project_update,
    project_webhook_register,
    webhook_delivery_receive,
)
from testgen.api.errors import ApplicationError
from testgen.api.pagination import StandardPagination

MSG_HEADERS_NOT_OBJECT = "Default headers must be a JSON object of header names to string values."
MSG_THRESHOLD_RANGE = "The coverage threshold is a percentage between 0 and 100."

_HEADERS_SCHEMA = {"type": "object", "additionalProperties": {"type": "string"}}


@extend_schema_field(_HEADERS_SCHEMA)
class HeadersField(serializers.Field):
    """A dict of header name → value; also accepts a JSON string so multipart uploads can send it."""

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if isinstance(data, str):
            try:
                data = json.loads(data) if data.strip() else {}
            except ValueError:
                raise serializers.ValidationError(MSG_HEADERS_NOT_OBJECT) from None
        if not isinstance(data, dict):
            raise serializers.ValidationError(MSG_HEADERS_NOT_OBJECT)
        return data

    def to_representation(self, value: Any) -> Any:
        return value


class ProjectStatusField(serializers.ChoiceField):
    """Documented as `ProjectStatusEnum` by `projects.schema`."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=Project.Status.choices, **kwargs)


class _ProjectInputFields(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    repository_url = serializers.CharField(required=False, allow_blank=True, max_length=500)
    repository_branch = serializers.CharField(required=False, max_length=255)
    repository_subdirectory = serializers.CharField(required=False, allow_blank=True, max_length=500)
    repository_auth_type = serializers.ChoiceField(choices=Project.AuthType.choices, required=False)
    repository_username = serializers.CharField(required=False, allow_blank=True, max_length=255)
    repository_token = serializers.CharField(required=False, write_only=True, trim_whitespace=False)
    repository_password = serializers.CharField(required=False, write_only=True, trim_whitespace=False)
    repository_ssh_key = serializers.CharField(required=False, write_only=True, trim_whitespace=False)
    spec_file = serializers.FileField(required=False, allow_null=True)
    spec_url = serializers.URLField(required=False, allow_blank=True, max_length=1000)
    target_base_url = serializers.URLField(required=False, allow_blank=True, max_length=1000)
    default_headers = HeadersField(required=False)
    coverage_threshold = serializers.IntegerField(
        required=False, min_value=0, max_value=100,
        error_messages={"min_value": MSG_THRESHOLD_RANGE, "max_value": MSG_THRESHOLD_RANGE},
    )


_CREDENTIAL_INPUTS = ("repository_auth_type", "repository_username", "repository_token",
                      "repository_password", "repository_ssh_key")


def _credentials_from(data: dict[str, Any]) -> RepositoryCredentialsInput | None:
    if not any(field in data for field in _CREDENTIAL_INPUTS):
        return None
    auth_type = data.get("repository_auth_type", Project.AuthType.NONE)
    secret = {
        Project.AuthType.TOKEN: data.get("repository_token", ""),
        Project.AuthType.PASSWORD: data.get("repository_password", ""),
        Project.AuthType.SSH_KEY: data.get("repository_ssh_key", ""),
    }.get(auth_type, "")
    return RepositoryCredentialsInput(
        auth_type=auth_type, username=data.get("repository_username", ""), secret=secret or ""
    )


class ProjectCreateInput(_ProjectInputFields):
    pass


class ProjectUpdateInput(_ProjectInputFields):
    name = serializers.CharField(max_length=200, required=False)
    status = ProjectStatusField(required=False)


class ProjectOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    description = serializers.CharField()
    repository_url = serializers.CharField()
    repository_branch = serializers.CharField()
    repository_subdirectory = serializers.CharField()
    repository_auth_type = serializers.ChoiceField(choices=Project.AuthType.choices)
    repository_username = serializers.CharField()
    has_repository_credentials = serializers.BooleanField()
    spec_file = serializers.FileField(allow_null=True, use_url=True)
    spec_url = serializers.CharField()
    target_base_url = serializers.CharField()
    default_headers = serializers.SerializerMethodField()
    coverage_threshold = serializers.IntegerField()
    status = ProjectStatusField()
    webhook_provider = serializers.CharField()
    webhook_registered = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    @extend_schema_field(_HEADERS_SCHEMA)
    def get_default_headers(self, project: Project) -> dict[str, str]:
        # Secret values are write-only: shown masked, and sending the mask back keeps them.
        return {
            name: (MASKED_HEADER_VALUE if header_is_secret(name, value) else value)
            for name, value in project.default_headers.items()
        }

    def get_webhook_registered(self, project: Project) -> bool:
        return bool(project.webhook_secret)


class ProjectRunSummaryOutput(serializers.Serializer):
    id = serializers.IntegerField()
    public_id = serializers.CharField()
    status = serializers.CharField()
    total = serializers.IntegerField()
    passed = serializers.IntegerField()
    failed = serializers.IntegerField()
    pass_rate = serializers.FloatField(allow_null=True, help_text="Percent of executed tests that passed.")
    created_at = serializers.DateTimeField()


class ProjectScanSummaryOutput(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    error_message = serializers.CharField(allow_blank=True)


class ProjectTestCaseCountsOutput(serializers.Serializer):
    total = serializers.IntegerField()
    by_status = serializers.DictField(child=serializers.IntegerField())
    by_type = serializers.DictField(child=serializers.IntegerField())


class ProjectStatsOutput(serializers.Serializer):
    endpoint_count = serializers.IntegerField(help_text="Active endpoints.")
    covered_endpoint_count = serializers.IntegerField(help_text="Active endpoints with an approved test case.")
    coverage = serializers.FloatField(
        allow_null=True, help_text="Percent of active endpoints with an approved test case; null with no endpoints."
    )
    test_cases = ProjectTestCaseCountsOutput()
    last_runs = ProjectRunSummaryOutput(many=True)
    last_scan = ProjectScanSummaryOutput(allow_null=True)
    health = serializers.ChoiceField(choices=Project.Health.choices)


class ProjectDetailOutput(ProjectOutput):
    health = serializers.SerializerMethodField()
    stats = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ChoiceField(choices=Project.Health.choices))
    def get_health(self, project: Project) -> str:
        return self.context["stats"]["health"]

    @extend_schema_field(ProjectStatsOutput)
    def get_stats(self, project: Project) -> dict[str, Any]:
        return ProjectStatsOutput(self.context["stats"]).data


def _detail_response(request: Request, project: Project, *, status_code: int = status.HTTP_200_OK) -> Response:
    stats = project_stats(project=project)
    data = ProjectDetailOutput(project, context={"request": request, "stats": stats}).data
    return Response(data, status=status_code)


class ProjectListApi(APIView):
    pagination_class = StandardPagination  # documents the paginated envelope in the schema
    class FilterInput(serializers.Serializer):
        status = ProjectStatusField(required=False)
        search = serializers.CharField(required=False)
        ordering = serializers.CharField(required=False)

    @extend_schema(
        operation_id="projects_list",
        parameters=[
            OpenApiParameter("status", str, enum=Project.Status.values, description="Only this status."),
            OpenApiParameter("search", str, description="Case-insensitive match on the name."),
            OpenApiParameter(
                "ordering", str,
                description="One of " + ", ".join(f"`{f}`/`-{f}`" for f in ORDERING_FIELDS) + "; default `-created_at`.",
            ),
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int),
        ],
        responses=ProjectOutput(many=True),
    )
    def get(self, request: Request) -> Response:
        filters = self.FilterInput(data=request.query_params)
        filters.is_valid(raise_exception=True)
        projects = project_list(owner=request.user, filters=filters.validated_data)
        paginator = StandardPagination()
        page = paginator.paginate_queryset(projects, request, view=self)
        return paginator.get_paginated_response(ProjectOutput(page, many=True, context={"request": request}).data)

    @extend_schema(operation_id="projects_create", request=ProjectCreateInput, responses={201: ProjectDetailOutput})
    def post(self, request: Request) -> Response:
        serializer = ProjectCreateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        project = project_create(
            owner=request.user,
            name=data["name"],
            description=data.get("description", ""),
            repository_url=data.get("repository_url", ""),
            repository_branch=data.get("repository_branch", "main"),
            repository_subdirectory=data.get("repository_subdirectory", ""),
            credentials=_credentials_from(data),
            spec_file=data.get("spec_file"),
            spec_url=data.get("spec_url", ""),
            target_base_url=data.get("target_base_url", ""),
            default_headers=data.get("default_headers"),
            coverage_threshold=data.get("coverage_threshold", 80),
        )
        return _detail_response(request, project, status_code=status.HTTP_201_CREATED)


class ProjectDetailApi(APIView):
    @extend_schema(operation_id="projects_retrieve", responses=ProjectDetailOutput)
    def get(self, request: Request, project_id: int) -> Response:
        project = project_get(owner=request.user, project_id=project_id)
        return _detail_response(request, project)

    @extend_schema(
        operation_id="projects_partial_update",
        request=ProjectUpdateInput,
        responses={200: ProjectDetailOutput, 409: OpenApiResponse(description="Invalid status transition, "
                                                                              "archived project or duplicate name.")},
    )
    def patch(self, request: Request, project_id: int) -> Response:
        project = project_get(owner=request.user, project_id=project_id)
        serializer = ProjectUpdateInput(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        credentials = _credentials_from(data)
        for field in _CREDENTIAL_INPUTS:
            data.pop(field, None)
        kwargs: dict[str, Any] = {}
        if "spec_file" in data:
            kwargs["spec_file"] = data.pop("spec_file")
        project = project_update(project=project, data=data, credentials=credentials, **kwargs)
        return _detail_response(request, project)

    @extend_schema(operation_id="projects_destroy", responses={204: None})
    def delete(self, request: Request, project_id: int) -> Response:
        project = project_get(owner=request.user, project_id=project_id)
        project_delete(project=project)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ProjectStatsApi(APIView):
    @extend_schema(operation_id="projects_stats", responses=ProjectStatsOutput)
    def get(self, request: Request, project_id: int) -> Response:
        project = project_get(owner=request.user, project_id=project_id)
        return Response(ProjectStatsOutput(project_stats(project=project)).data)


class ProjectWebhookRegisterApi(APIView):
    class InputSerializer(serializers.Serializer):
        provider = serializers.ChoiceField(
            choices=webhooks.PROVIDERS, required=False,
            help_text="Defaults to the provider the repository URL points at.",
        )

    class OutputSerializer(serializers.Serializer):
        provider = serializers.CharField()
        url = serializers.CharField(help_text="Where the provider delivers events.")
        secret = serializers.CharField(help_text="Shown once; the provider signs deliveries with it.")
        hook_id = serializers.CharField()

    @extend_schema(
        operation_id="projects_webhook_register",
        request=InputSerializer,
        responses={
            201: OutputSerializer,
            409: OpenApiResponse(description="The project is archived."),
            502: OpenApiResponse(description="The provider could not be reached or failed."),
        },
    )
    def post(self, request: Request, project_id: int) -> Response:
        project = project_get(owner=request.user, project_id=project_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        registration = project_webhook_register(
            project=project,
            provider=serializer.validated_data.get("provider"),
            callback_base=request.build_absolute_uri("/api/webhooks/"),
        )
        data = {
            "provider": registration.provider,
            "url": registration.callback_url,
            "secret": registration.secret,
            "hook_id": registration.external_id,
        }
        return Response(self.OutputSerializer(data).data, status=status.HTTP_201_CREATED)


class WebhookReceiveOutput(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=["triggered", "ignored", "failed", "duplicate"])
    delivery_id = serializers.CharField()


class WebhookInvalidSignature(ApplicationError):
    status_code = 401
    default_code = "invalid_signature"


class _WebhookApi(APIView):
    """Public: the provider authenticates by signing the body with the project's webhook secret."""

    provider = ""
    authentication_classes: list = []
    permission_classes = [AllowAny]

    def post(self, request: Request) -> Response:
        body = request.body
        project = project_for_webhook(project_id=request.query_params.get("project"))
        secret = project.webhook_secret if project is not None else ""
        # An unknown project answers exactly like a bad signature, so ids cannot be probed.
        if project is None or not webhooks.verify(self.provider, secret=secret, headers=request.headers, body=body):
            raise WebhookInvalidSignature(webhooks.MSG_BAD_SIGNATURE)
        try:
            info = webhooks.parse(self.provider, headers=request.headers, body=body)
        except webhooks.WebhookPayloadError as exc:
            raise DjangoValidationError({"body": [str(exc)]}) from None
        delivery, created = webhook_delivery_receive(
            provider=self.provider,
            delivery_id=info.delivery_id,
            project=project,
            event=info.event,
            branches=info.branches,
            is_push=info.is_push,
        )
        outcome = delivery.outcome if created else "duplicate"
        return Response(
            WebhookReceiveOutput({"outcome": outcome, "delivery_id": delivery.delivery_id}).data,
            status=status.HTTP_202_ACCEPTED,
        )


_WEBHOOK_PARAMS = [OpenApiParameter("project", int, required=True, description="The project the hook belongs to.")]


def _webhook_schema(provider: str, header: str) -> Any:
    return extend_schema(
        operation_id=f"webhooks_{provider}",
        parameters=_WEBHOOK_PARAMS,
        request={"application/json": {"type": "object", "description": f"The {provider} push event payload."}},
        responses={
            202: WebhookReceiveOutput,
            401: OpenApiResponse(description=f"Missing or invalid `{header}`."),
        },
        auth=[],
        description=f"Receives {provider} events, verified with `{header}`. A push to the tracked branch "
                    "enqueues a rescan; other events and branches are accepted and ignored; a repeated "
                    "delivery id is processed once.",
    )


class GitHubWebhookApi(_WebhookApi):
    provider = "github"

    @_webhook_schema("github", "X-Hub-Signature-256")
    def post(self, request: Request) -> Response:
        return super().post(request)


class GitLabWebhookApi(_WebhookApi):
    provider = "gitlab"

    @_webhook_schema("gitlab", "X-Gitlab-Token")
    def post(self, request: Request) -> Response:
        return super().post(request)


class BitbucketWebhookApi(_WebhookApi):
    provider = "bitbucket"

    @_webhook_schema("bitbucket", "X-Hub-Signature")
    def post(self, request: Request) -> Response:
        return super().post(request)
