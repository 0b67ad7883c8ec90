"""Generation jobs over HTTP: start one (202, runs in the background) and follow it."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from generation.models import GenerationJob
from generation.models.jobs import MAX_TESTS_PER_ENDPOINT
from generation.providers.registry import DEFAULT_PROVIDER, PROVIDER_CHOICES
from generation.selectors import generation_job_get
from generation.serializers.fields import named_choice_field
from generation.serializers.test_cases import TypeField
from generation.services.generation import MAX_INSTRUCTIONS, generation_job_create
from projects.selectors import project_get


GenerationStatusField = named_choice_field(
    "GenerationJobStatusEnum",
    GenerationJob.Status.choices,
    "`queued` → `running` → `succeeded` | `partial` (some endpoints failed) | `failed`.",
)
GenerationProviderField = named_choice_field(
    "GenerationProviderEnum",
    PROVIDER_CHOICES,
    "`builtin` needs no key; the others use the project's or server's.",
)


class GenerationJobCreateInput(serializers.Serializer):
    endpoint_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        allow_null=True,
        max_length=10_000,
        help_text="Endpoints to generate for; omitted or null means every active endpoint.",
    )
    test_types = serializers.ListField(
        child=TypeField(),
        required=False,
        allow_empty=False,
        help_text="Omitted means every type.",
    )
    provider = GenerationProviderField(default=DEFAULT_PROVIDER)
    model = serializers.CharField(
        max_length=100,
        required=False,
        default="",
        allow_blank=True,
        help_text="Overrides the project's or server's model for this provider.",
    )
    max_tests_per_endpoint = serializers.IntegerField(
        min_value=1, max_value=MAX_TESTS_PER_ENDPOINT, default=20
    )
    instructions = serializers.CharField(
        max_length=MAX_INSTRUCTIONS,
        required=False,
        default="",
        allow_blank=True,
        help_text="Guidance handed to the language model as is.",
    )
    seed = serializers.IntegerField(
        min_value=0,
        max_value=2**31 - 1,
        required=False,
        allow_null=True,
        help_text="Makes the built-in generator reproducible; drawn when omitted.",
    )
    include_builtin = serializers.BooleanField(default=True)
    token_budget = serializers.IntegerField(
        min_value=1_000, max_value=50_000_000, required=False, allow_null=True
    )


class GenerationJobErrorOutput(serializers.Serializer):
    endpoint_id = serializers.IntegerField()
    method = serializers.CharField()
    path = serializers.CharField()
    provider = serializers.CharField()
    code = serializers.CharField()
    message = serializers.CharField()
    permanent = serializers.BooleanField()


class GenerationJobConfigOutput(serializers.Serializer):
    endpoint_ids = serializers.ListField(child=serializers.IntegerField(), allow_null=True)
    test_types = serializers.ListField(child=serializers.CharField())
    provider = serializers.CharField()
    model = serializers.CharField()
    include_builtin = serializers.BooleanField()
    max_tests_per_endpoint = serializers.IntegerField()
    instructions = serializers.CharField()
    seed = serializers.IntegerField()
    token_budget = serializers.IntegerField(allow_null=True)


class UsageOutput(serializers.Serializer):
    input_tokens = serializers.IntegerField()
    output_tokens = serializers.IntegerField()


class GenerationJobOutput(serializers.Serializer):
    id = serializers.IntegerField()
    project_id = serializers.IntegerField()
    status = GenerationStatusField()
    progress = serializers.IntegerField(help_text="Percent of the endpoints processed.")
    config = serializers.SerializerMethodField()
    endpoints_total = serializers.IntegerField()
    endpoints_done = serializers.IntegerField()
    tests_created = serializers.IntegerField()
    duplicates_skipped = serializers.IntegerField()
    counts_by_type = serializers.DictField(
        child=serializers.IntegerField(), help_text="Tests created, by type."
    )
    errors = GenerationJobErrorOutput(many=True)
    usage = UsageOutput()
    estimated_cost = serializers.DecimalField(
        max_digits=12,
        decimal_places=6,
        allow_null=True,
        help_text="USD from list prices; null when a model's price is unknown.",
    )
    error_message = serializers.CharField()
    requested_by_id = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(GenerationJobConfigOutput)
    def get_config(self, job: GenerationJob) -> dict[str, Any]:
        return GenerationJobConfigOutput(job).data


class GenerationJobCreateApi(APIView):
    @extend_schema(
        operation_id="tests_generate",
        request=GenerationJobCreateInput,
        responses={
            202: OpenApiResponse(GenerationJobOutput, description="Queued; follow it at the job's URL.")
        },
        description="Start generating tests for the project's endpoints. Answers at once; the job runs in the "
        "background and reports progress on the project's live channel.",
    )
    def post(self, request: Request, project_id: int) -> Response:
        project = project_get(owner=request.user, project_id=project_id)
        serializer = GenerationJobCreateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        job = generation_job_create(project=project, requested_by=request.user, **serializer.validated_data)
        location = reverse("test-generate-detail", kwargs={"project_id": project.pk, "job_id": job.pk})
        return Response(
            GenerationJobOutput(job).data, status=status.HTTP_202_ACCEPTED, headers={"Location": location}
        )


class GenerationJobDetailApi(APIView):
    @extend_schema(operation_id="tests_generate_retrieve", responses=GenerationJobOutput)
    def get(self, request: Request, project_id: int, job_id: int) -> Response:
        project = project_get(owner=request.user, project_id=project_id)
        return Response(GenerationJobOutput(generation_job_get(project=project, job_id=job_id)).data)
