"""A project's own language-model credentials: list them, set one per provider, remove one.

The key is write-only: responses say whether one is stored and, for long keys, its last four
characters, never the key itself.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from generation import selectors
from generation.models import ProviderCredential
from generation.serializers.fields import named_choice_field
from generation.services import generation as services
from generation.validators import BASE_URL_MAX_LENGTH, validate_base_url
from testgen.api.schema import ErrorSerializer

MESSAGE_UNKNOWN_PROVIDER = "Unknown provider {input!r}. Choose from " + ", ".join(
    ProviderCredential.Provider.values
) + "."

CredentialProviderField = named_choice_field(
    "ProviderCredentialProviderEnum",
    ProviderCredential.Provider.choices,
    "A language-model provider; `builtin` needs no credential.",
)

PROVIDER = OpenApiParameter(
    "provider",
    str,
    OpenApiParameter.PATH,
    enum=ProviderCredential.Provider.values,
    description="The language-model provider the credential is for.",
)


class ProviderCredentialPathInput(serializers.Serializer):
    provider = CredentialProviderField(error_messages={"invalid_choice": MESSAGE_UNKNOWN_PROVIDER})


class ProviderCredentialInput(serializers.Serializer):
    api_key = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        max_length=1000,
        style={"input_type": "password"},
        help_text="Write-only. Omitted keeps the stored key; empty removes it, so the server's "
        "`TESTGEN_<PROVIDER>_API_KEY` applies again.",
    )
    base_url = serializers.CharField(
        max_length=BASE_URL_MAX_LENGTH,
        required=False,
        default="",
        allow_blank=True,
        validators=[validate_base_url],
        help_text="An absolute http(s) URL with a host: a domain, a single-label name such as "
        "`http://ollama:11434/v1`, or an IP address (IPv6 in brackets), with an optional port and path. "
        "Refused: other schemes, `user:password@` in the URL (send the key as `api_key`), whitespace, "
        "and, unless the server allows private targets (`TESTGEN_ALLOW_PRIVATE_TARGETS`), a host that "
        "does not resolve or resolves to a loopback, private, link-local, reserved or unspecified "
        "address. Blank: the server's `TESTGEN_<PROVIDER>_BASE_URL` or the provider's default.",
    )
    model = serializers.CharField(
        max_length=100,
        required=False,
        default="",
        allow_blank=True,
        help_text="Blank: the server's `TESTGEN_<PROVIDER>_MODEL` or the provider's default.",
    )


class ProviderCredentialOutput(serializers.Serializer):
    provider = CredentialProviderField()
    base_url = serializers.CharField()
    model = serializers.CharField()
    has_api_key = serializers.BooleanField(help_text="Whether the project stores its own key.")
    api_key_hint = serializers.CharField(
        allow_null=True,
        help_text="`…` and the stored key's last four characters; null without a key or for a short one.",
    )
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


def _provider(provider: str) -> str:
    serializer = ProviderCredentialPathInput(data={"provider": provider})
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data["provider"]


class ProviderCredentialListApi(APIView):
    @extend_schema(
        operation_id="provider_credentials_list",
        responses=ProviderCredentialOutput(many=True),
        description="The project's own provider credentials; a provider without one uses the server's "
        "settings.",
    )
    def get(self, request: Request, project_id: int) -> Response:
        project = selectors.project_for_user(user=request.user, project_id=project_id)
        credentials = selectors.provider_credential_list(project=project)
        return Response(ProviderCredentialOutput(credentials, many=True).data)


class ProviderCredentialDetailApi(APIView):
    @extend_schema(
        operation_id="provider_credentials_update",
        parameters=[PROVIDER],
        request=ProviderCredentialInput,
        responses={
            200: OpenApiResponse(ProviderCredentialOutput, description="Updated."),
            201: OpenApiResponse(ProviderCredentialOutput, description="Created."),
        },
        description="Create or replace the project's credential for a provider. `base_url` and `model` are "
        "replaced (omitted means blank); `api_key` is kept when omitted.",
    )
    def put(self, request: Request, project_id: int, provider: str) -> Response:
        project = selectors.project_for_user(user=request.user, project_id=project_id)
        name = _provider(provider)
        serializer = ProviderCredentialInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        credential, created = services.provider_credential_set(
            project=project, provider=name, **serializer.validated_data
        )
        return Response(
            ProviderCredentialOutput(credential).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(
        operation_id="provider_credentials_destroy",
        parameters=[PROVIDER],
        responses={
            204: None,
            400: OpenApiResponse(ErrorSerializer, description="Not a provider (`validation_error`)."),
        },
        description="Remove the project's credential for a provider; the server's settings apply again.",
    )
    def delete(self, request: Request, project_id: int, provider: str) -> Response:
        project = selectors.project_for_user(user=request.user, project_id=project_id)
        credential = selectors.provider_credential_get(project=project, provider=_provider(provider))
        services.provider_credential_delete(credential=credential)
        return Response(status=status.HTTP_204_NO_CONTENT)
