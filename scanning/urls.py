from __future__ import annotations

from django.urls import path

from scanning.apis import (
    EndpointDetailApi,
    EndpointDriftApi,
    EndpointListApi,
    EndpointScanApi,
    ScanJobCancelApi,
    ScanJobDetailApi,
    ScanJobListApi,
)

urlpatterns = [
    path("projects/<int:project_id>/endpoints", EndpointListApi.as_view(), name="endpoint-list"),
    path("projects/<int:project_id>/endpoints/scan", EndpointScanApi.as_view(), name="endpoint-scan"),
    path("projects/<int:project_id>/endpoints/drift", EndpointDriftApi.as_view(), name="endpoint-drift"),
    path("projects/<int:project_id>/endpoints/<int:endpoint_id>", EndpointDetailApi.as_view(),
         name="endpoint-detail"),
    path("projects/<int:project_id>/scans", ScanJobListApi.as_view(), name="scan-list"),
    path("projects/<int:project_id>/scans/<int:job_id>", ScanJobDetailApi.as_view(), name="scan-detail"),
    path("projects/<int:project_id>/scans/<int:job_id>/cancel", ScanJobCancelApi.as_view(), name="scan-cancel"),
]
