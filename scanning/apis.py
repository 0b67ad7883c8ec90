"""The scanning API: trigger scans, follow them, browse endpoints and drift."""
from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from projects.selectors import project_get
from scanning import selectors, services
from scanning.models import ScanJob
from scanning.serializers import (
    DriftOutput,
    EndpointDetailOutput,
    EndpointListFilterInput,
    EndpointOutput,
    ScanInput,
    ScanJobOutput,
)
from testgen.api.pagination import StandardPagination

PAGE_PARAMETERS = [OpenApiParameter("page", int), OpenApiParameter("page_size", int)]


def _trigger(request: Request) -> str:
    from accounts.authentication import APIKeyAuthentication

    return (ScanJob.Trigger.API if isinstance(request.successful_authenticator, APIKeyAuthentication)
            else ScanJob.Trigger.USER)


class EndpointScanApi(APIView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        operation_id="endpoints_scan",
        request=ScanInput,
        responses={
            202: ScanJobOutput,
            409: OpenApiResponse(description="The project is archived."),
        },
        description="Queue a scan. A malformed uploaded spec is refused here (400 `spec_invalid`, "
                    "`details.location` says where) rather than failing later.",
    )
    def post(self, request: Request, project_id: int) -> Response:
        project = project_get(owner=request.user, project_id=project_id)
        serializer = ScanInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        job = services.scan_job_create(
            project=project, trigger=_trigger(request), source=data["source"], requested_by=request.user,
            spec_file=data.get("spec_file"), spec_url=data.get("spec_url", ""),
        )
        return Response(ScanJobOutput(job).data, status=status.HTTP_202_ACCEPTED)


class ScanJobListApi(APIView):
    pagination_class = StandardPagination  # documents the paginated envelope in the schema
    @extend_schema(operation_id="scans_list", parameters=PAGE_PARAMETERS, responses=ScanJobOutput(many=True))
    def get(self, request: Request, project_id: int) -> Response:
        project = project_get(owner=request.user, project_id=project_id)
        paginator = StandardPagination()
        page = paginator.paginate_queryset(selectors.scan_job_list(project=project), request, view=self)
        return paginator.get_paginated_response(ScanJobOutput(page, many=True).data)


class ScanJobDetailApi(APIView):
    @extend_schema(operation_id="scans_retrieve", responses=ScanJobOutput)
    def get(self, request: Request, project_id: int, job_id: int) -> Response:
        project = project_get(owner=request.user, project_id=project_id)
        return Response(ScanJobOutput(selectors.scan_job_get(project=project, job_id=job_id)).data)


class ScanJobCancelApi(APIView):
    @extend_schema(
        operation_id="scans_cancel",
        request=None,
        responses={200: ScanJobOutput, 409: OpenApiResponse(description="The scan has already finished.")},
    )
    def post(self, request: Request, project_id: int, job_id: int) -> Response:
        project = project_get(owner=request.user, project_id=project_id)
        job = services.scan_job_cancel(job=selectors.scan_job_get(project=project, job_id=job_id))
        return Response(ScanJobOutput(job).data)


class EndpointListApi(APIView):
    pagination_class = StandardPagination  # documents the paginated envelope in the schema
    @extend_schema(
        operation_id="endpoints_list",
        parameters=[EndpointListFilterInput, *PAGE_PARAMETERS],
        responses=EndpointOutput(many=True),
    )
    def get(self, request: Request, project_id: int) -> Response:
        project = project_get(owner=request.user, project_id=project_id)
        filters = EndpointListFilterInput(data=request.query_params)
        filters.is_valid(raise_exception=True)
        endpoints = selectors.endpoint_list(project=project, filters=filters.validated_data)
        paginator = StandardPagination()
        page = paginator.paginate_queryset(endpoints, request, view=self)
        return paginator.get_paginated_response(EndpointOutput(page, many=True).data)


class EndpointDetailApi(APIView):
    @extend_schema(operation_id="endpoints_retrieve", responses=EndpointDetailOutput)
    def get(self, request: Request, project_id: int, endpoint_id: int) -> Response:
        project = project_get(owner=request.user, project_id=project_id)
        endpoint = selectors.endpoint_get(project=project, endpoint_id=endpoint_id)
        return Response(EndpointDetailOutput(endpoint).data)


class EndpointDriftApi(APIView):
    @extend_schema(operation_id="endpoints_drift", responses=DriftOutput)
    def get(self, request: Request, project_id: int) -> Response:
        project = project_get(owner=request.user, project_id=project_id)
        drift = selectors.endpoint_drift(project=project)
        return Response(DriftOutput(drift).data)
