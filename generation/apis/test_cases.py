"""Test-case endpoints: list, read, edit and review, bulk review, delete, code export."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from generation import codegen, selectors
from generation.models import TestCase
from generation.serializers.test_cases import (
    TestCaseBulkInput,
    TestCaseBulkOutput,
    TestCaseDetailOutput,
    TestCaseFilterInput,
    TestCaseOutput,
    TestCaseUpdateInput,
)
from generation.services import test_cases as services
from testgen.api.pagination import StandardPagination

# The file name matches pytest's `test_*.py`; this keeps pytest from collecting the views.
__test__ = False

TID = OpenApiParameter(
    "tid",
    str,
    OpenApiParameter.PATH,
    description="The test case's public id, e.g. `TC-00042`.",
    pattern=r"^[Tt][Cc]-[0-9]+$",
)
CONFLICT = OpenApiResponse(
    description="A status move the review workflow forbids, an archived test, or a spec that duplicates "
    "another live test (`conflict` codes `invalid_transition`, `archived`, `duplicate_spec`)."
)


def _csv(values: list[str]) -> str:
    return ",".join(values)


LIST_PARAMETERS = [
    OpenApiParameter(
        "status", str, description="Any of " + _csv(TestCase.Status.values) + "; comma-separated or repeated."
    ),
    OpenApiParameter(
        "priority",
        str,
        description="Any of " + _csv(TestCase.Priority.values) + "; comma-separated or repeated.",
    ),
    OpenApiParameter(
        "type", str, description="Any of " + _csv(TestCase.Type.values) + "; comma-separated or repeated."
    ),
    OpenApiParameter("endpoint", int, description="Only tests of this endpoint id."),
    OpenApiParameter(
        "generator", str, description="Only tests from this generator provider, e.g. `builtin`."
    ),
    OpenApiParameter(
        "search", str, description="Case-insensitive match on title and description, or a `TC-` id."
    ),
    OpenApiParameter(
        "ordering",
        str,
        enum=list(selectors.ORDERINGS),
        description="Default `-created_at`; `-priority` puts critical first.",
    ),
    OpenApiParameter("page", int),
    OpenApiParameter("page_size", int),
]


def _query(request: Request) -> dict[str, str]:
    # Repeated parameters (`?status=draft&status=approved`) mean the same as a comma list.
    return {key: ",".join(request.query_params.getlist(key)) for key in request.query_params}


def _detail(request: Request, test_case: TestCase) -> Response:
    fresh = selectors.test_case_get(project=test_case.project, public_id=test_case.public_id)
    return Response(TestCaseDetailOutput(fresh).data)


class TestCaseListApi(APIView):
    pagination_class = StandardPagination

    @extend_schema(
        operation_id="test_cases_list", parameters=LIST_PARAMETERS, responses=TestCaseOutput(many=True)
    )
    def get(self, request: Request, project_id: int) -> Response:
        project = selectors.project_for_user(user=request.user, project_id=project_id)
        filters = TestCaseFilterInput(data=_query(request))
        filters.is_valid(raise_exception=True)
        test_cases = selectors.test_case_list(project=project, filters=filters.validated_data)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(test_cases, request, view=self)
        return paginator.get_paginated_response(TestCaseOutput(page, many=True).data)


class TestCaseDetailApi(APIView):
    @extend_schema(operation_id="test_cases_retrieve", parameters=[TID], responses=TestCaseDetailOutput)
    def get(self, request: Request, project_id: int, tid: str) -> Response:
        project = selectors.project_for_user(user=request.user, project_id=project_id)
        return Response(TestCaseDetailOutput(selectors.test_case_get(project=project, public_id=tid)).data)

    @extend_schema(
        operation_id="test_cases_partial_update",
        parameters=[TID],
        request=TestCaseUpdateInput,
        responses={200: TestCaseDetailOutput, 409: CONFLICT},
        description="Edit title, description, priority or spec, and/or move the status. A new title or spec "
        "is a new version; a new spec sends an approved test back to `draft`.",
    )
    def patch(self, request: Request, project_id: int, tid: str) -> Response:
        project = selectors.project_for_user(user=request.user, project_id=project_id)
        test_case = selectors.test_case_get(project=project, public_id=tid)
        serializer = TestCaseUpdateInput(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data: dict[str, Any] = dict(serializer.validated_data)
        reason = data.pop("reason", "")
        updated = services.test_case_update(test_case=test_case, actor=request.user, data=data, reason=reason)
        return _detail(request, updated)

    @extend_schema(operation_id="test_cases_destroy", parameters=[TID], responses={204: None, 409: CONFLICT})
    def delete(self, request: Request, project_id: int, tid: str) -> Response:
        project = selectors.project_for_user(user=request.user, project_id=project_id)
        services.test_case_delete(test_case=selectors.test_case_get(project=project, public_id=tid))
        return Response(status=status.HTTP_204_NO_CONTENT)


class TestCaseBulkApproveApi(APIView):
    @extend_schema(
        operation_id="test_cases_bulk_approve",
        request=TestCaseBulkInput,
        responses={200: TestCaseBulkOutput, 409: CONFLICT},
        description="Approve every listed test or none: one id outside the project is a 404, one test "
        "that may not be approved is a 409 listing the refused ids.",
    )
    def post(self, request: Request, project_id: int) -> Response:
        project = selectors.project_for_user(user=request.user, project_id=project_id)
        serializer = TestCaseBulkInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        approved = services.test_case_bulk_transition(
            ids=serializer.validated_data["ids"],
            to_status=TestCase.Status.APPROVED,
            actor=request.user,
            project=project,
        )
        ids = [tc.public_id for tc in approved]
        return Response(TestCaseBulkOutput({"count": len(ids), "ids": ids}).data)


class TestCaseBulkDeleteApi(APIView):
    @extend_schema(
        operation_id="test_cases_bulk_delete",
        request=TestCaseBulkInput,
        responses={200: TestCaseBulkOutput, 409: CONFLICT},
        description="Delete every listed test or none: one id outside the project is a 404.",
    )
    def post(self, request: Request, project_id: int) -> Response:
        project = selectors.project_for_user(user=request.user, project_id=project_id)
        serializer = TestCaseBulkInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        ids = services.test_case_bulk_delete(ids=serializer.validated_data["ids"], project=project)
        return Response(TestCaseBulkOutput({"count": len(ids), "ids": ids}).data)


class TestCaseCodeApi(APIView):
    @extend_schema(
        operation_id="test_cases_code",
        parameters=[TID],
        responses={
            (200, "text/x-python"): OpenApiResponse(
                OpenApiTypes.STR, description="A standalone pytest module."
            )
        },
    )
    def get(self, request: Request, project_id: int, tid: str) -> HttpResponse:
        project = selectors.project_for_user(user=request.user, project_id=project_id)
        test_case = selectors.test_case_get(project=project, public_id=tid)
        response = HttpResponse(
            codegen.render_test_module(test_case), content_type="text/x-python; charset=utf-8"
        )
        response["Content-Disposition"] = f'inline; filename="{codegen.module_filename(test_case)}"'
        return response


class TestCaseExportApi(APIView):
    @extend_schema(
        operation_id="test_cases_export",
        responses={
            (200, "application/zip"): OpenApiResponse(
                OpenApiTypes.BINARY,
                description="One pytest module per approved test, a README and requirements.txt.",
            )
        },
    )
    def get(self, request: Request, project_id: int) -> HttpResponse:
        project = selectors.project_for_user(user=request.user, project_id=project_id)
        archive = codegen.render_suite_zip(
            project_name=project.name, test_cases=selectors.test_cases_for_export(project=project)
        )
        response = HttpResponse(archive, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="testgen-project-{project.pk}-tests.zip"'
        return response
