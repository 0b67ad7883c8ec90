from __future__ import annotations

from django.urls import path, register_converter

from generation.apis.test_cases import (
    TestCaseBulkApproveApi,
    TestCaseBulkDeleteApi,
    TestCaseCodeApi,
    TestCaseDetailApi,
    TestCaseExportApi,
    TestCaseListApi,
)


class TestCaseIdConverter:
    """`TC-00042`: matching only ids keeps `test-cases/export` from ever reading as a test."""

    __test__ = False
    regex = "[Tt][Cc]-[0-9]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(TestCaseIdConverter, "test_case_id")

urlpatterns = [
    path("projects/<int:project_id>/test-cases", TestCaseListApi.as_view(), name="test-case-list"),
    path("projects/<int:project_id>/test-cases/export", TestCaseExportApi.as_view(), name="test-case-export"),
    path("projects/<int:project_id>/test-cases/bulk-approve", TestCaseBulkApproveApi.as_view(),
         name="test-case-bulk-approve"),
    path("projects/<int:project_id>/test-cases/bulk-delete", TestCaseBulkDeleteApi.as_view(),
         name="test-case-bulk-delete"),
    path("projects/<int:project_id>/test-cases/<test_case_id:tid>", TestCaseDetailApi.as_view(),
         name="test-case-detail"),
    path("projects/<int:project_id>/test-cases/<test_case_id:tid>/code", TestCaseCodeApi.as_view(),
         name="test-case-code"),
]

# Generation jobs.
from generation.apis.jobs import GenerationJobCreateApi, GenerationJobDetailApi  # noqa: E402

urlpatterns += [
    path("projects/<int:project_id>/tests/generate", GenerationJobCreateApi.as_view(), name="test-generate"),
    path("projects/<int:project_id>/tests/generate/<int:job_id>", GenerationJobDetailApi.as_view(),
         name="test-generate-detail"),
]

# A project's language-model provider credentials.
from generation.apis.provider_credentials import (  # noqa: E402
    ProviderCredentialDetailApi,
    ProviderCredentialListApi,
)

urlpatterns += [
    path("projects/<int:project_id>/provider-credentials", ProviderCredentialListApi.as_view(),
         name="provider-credential-list"),
    path("projects/<int:project_id>/provider-credentials/<str:provider>",
         ProviderCredentialDetailApi.as_view(), name="provider-credential-detail"),
]
