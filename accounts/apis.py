"""Accounts HTTP API: registration, JWT sessions, password reset, profile, API keys, OAuth."""
from __future__ import annotations

from typing import Any

from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import AuthenticationFailed, Throttled
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.tokens import Token

from accounts import selectors, services, throttling
from accounts.authentication import JWTAuthentication
from accounts.serializers import (
    APIKeyCreatedOutputSerializer,
    APIKeyCreateInputSerializer,
    APIKeyOutputSerializer,
    DetailOutputSerializer,
    LoginInputSerializer,
    LogoutInputSerializer,
    OAuthExchangeInputSerializer,
    OAuthProviderOutputSerializer,
    PasswordResetConfirmInputSerializer,
    PasswordResetRequestInputSerializer,
    ProfileUpdateInputSerializer,
    RefreshInputSerializer,
    RefreshOutputSerializer,
    RegisterInputSerializer,
    TokenPairOutputSerializer,
    UserOutputSerializer,
)
from testgen.api.pagination import StandardPagination
from testgen.api.schema import ErrorSerializer

MESSAGE_RESET_REQUESTED = "If an account exists for this email, a reset link is on its way."
MESSAGE_PASSWORD_RESET = "Your password has been changed. Sign in with the new password."

AUTH_TAGS = ["auth"]
KEY_TAGS = ["api keys"]
UNAUTHORIZED = OpenApiResponse(ErrorSerializer, description="Invalid credentials or token (`not_authenticated`).")
RATE_LIMITED = OpenApiResponse(ErrorSerializer, description="Too many failed logins (`rate_limited`); see `Retry-After`.")


class PublicApi(APIView):
    """No credentials needed (and none looked at: a stale token must not block a login)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    def get_authenticate_header(self, request: Request) -> str:
        # Keeps failed logins/refreshes a 401 with a challenge rather than DRF's 403.
        return 'Bearer realm="api"'


def _pair_response(pair: services.TokenPair) -> Response:
    return Response(
        TokenPairOutputSerializer({"access": pair.access, "refresh": pair.refresh, "user": pair.user}).data
    )


class RegisterApi(PublicApi):
    @extend_schema(
        summary="Create an account",
        request=RegisterInputSerializer,
        responses={
            201: UserOutputSerializer,
            409: OpenApiResponse(ErrorSerializer, description="Email already registered (`conflict`)."),
        },
        tags=AUTH_TAGS,
    )
    def post(self, request: Request) -> Response:
        serializer = RegisterInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.user_register(**serializer.validated_data)
        return Response(UserOutputSerializer(user).data, status=status.HTTP_201_CREATED)


class LoginApi(PublicApi):
    @extend_schema(
        summary="Sign in with email and password",
        request=LoginInputSerializer,
        responses={200: TokenPairOutputSerializer, 401: UNAUTHORIZED, 429: RATE_LIMITED},
        tags=AUTH_TAGS,
    )
    def post(self, request: Request) -> Response:
        serializer = LoginInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            pair = services.auth_login(**serializer.validated_data, ip=throttling.client_ip(request))
        except services.LoginThrottled as exc:
            raise Throttled(wait=exc.wait) from exc
        except services.InvalidCredentials as exc:
            raise AuthenticationFailed(exc.message, code=exc.code) from exc
        return _pair_response(pair)


class RefreshApi(PublicApi):
    @extend_schema(
        summary="Rotate a refresh token for a new pair",
        request=RefreshInputSerializer,
        responses={200: RefreshOutputSerializer, 401: UNAUTHORIZED},
        tags=AUTH_TAGS,
    )
    def post(self, request: Request) -> Response:
        serializer = RefreshInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            pair = services.auth_refresh(**serializer.validated_data)
        except services.InvalidCredentials as exc:
            raise AuthenticationFailed(exc.message, code=exc.code) from exc
        return Response(RefreshOutputSerializer({"access": pair.access, "refresh": pair.refresh}).data)


class VerifyApi(APIView):
    # An access token specifically: API keys and sessions are not what this checks.
    authentication_classes = [JWTAuthentication]
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Check an access token and return its user",
        responses={200: UserOutputSerializer, 401: UNAUTHORIZED},
        tags=AUTH_TAGS,
    )
    def get(self, request: Request) -> Response:
        return Response(UserOutputSerializer(request.user).data)


class LogoutApi(APIView):
    @extend_schema(
        summary="Revoke the refresh token and the access token in use",
        request=LogoutInputSerializer,
        responses={204: None},
        tags=AUTH_TAGS,
    )
    def post(self, request: Request) -> Response:
        serializer = LogoutInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        access = request.auth if isinstance(request.auth, Token) else None
        services.auth_logout(user=request.user, access=access, **serializer.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeApi(APIView):
    @extend_schema(summary="Your profile", responses={200: UserOutputSerializer}, tags=AUTH_TAGS)
    def get(self, request: Request) -> Response:
        return Response(UserOutputSerializer(request.user).data)

    @extend_schema(
        summary="Update your name",
        request=ProfileUpdateInputSerializer,
        responses={200: UserOutputSerializer},
        tags=AUTH_TAGS,
    )
    def patch(self, request: Request) -> Response:
        serializer = ProfileUpdateInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        user = services.user_update_profile(user=request.user, **serializer.validated_data)
        return Response(UserOutputSerializer(user).data)


class PasswordResetRequestApi(PublicApi):
    @extend_schema(
        summary="Email a password reset link",
        description="Answers 202 whether or not the email is registered.",
        request=PasswordResetRequestInputSerializer,
        responses={202: DetailOutputSerializer},
        tags=AUTH_TAGS,
    )
    def post(self, request: Request) -> Response:
        serializer = PasswordResetRequestInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.password_reset_request(**serializer.validated_data)
        return Response({"detail": MESSAGE_RESET_REQUESTED}, status=status.HTTP_202_ACCEPTED)


class PasswordResetConfirmApi(PublicApi):
    @extend_schema(
        summary="Set a new password with a reset token",
        request=PasswordResetConfirmInputSerializer,
        responses={200: DetailOutputSerializer},
        tags=AUTH_TAGS,
    )
    def post(self, request: Request) -> Response:
        serializer = PasswordResetConfirmInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.password_reset_confirm(**serializer.validated_data)
        return Response({"detail": MESSAGE_PASSWORD_RESET})


class ApiKeyListCreateApi(GenericAPIView):
    pagination_class = StandardPagination
    filter_backends: list = []
    serializer_class = APIKeyOutputSerializer

    @extend_schema(summary="Your active API keys", responses={200: APIKeyOutputSerializer(many=True)}, tags=KEY_TAGS)
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(selectors.api_key_list(user=request.user))
        return self.get_paginated_response(APIKeyOutputSerializer(page, many=True).data)

    @extend_schema(
        summary="Create an API key (the key is shown once)",
        request=APIKeyCreateInputSerializer,
        responses={201: APIKeyCreatedOutputSerializer},
        tags=KEY_TAGS,
    )
    def post(self, request: Request) -> Response:
        serializer = APIKeyCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        api_key, raw = services.api_key_create(user=request.user, **serializer.validated_data)
        api_key.key = raw  # type: ignore[attr-defined]
        return Response(APIKeyCreatedOutputSerializer(api_key).data, status=status.HTTP_201_CREATED)


class ApiKeyDetailApi(APIView):
    @extend_schema(summary="Revoke an API key", responses={204: None}, tags=KEY_TAGS)
    def delete(self, request: Request, key_id: int) -> Response:
        api_key = selectors.api_key_get(user=request.user, key_id=key_id)
        if api_key is None:
            raise Http404
        services.api_key_revoke(api_key=api_key)
        return Response(status=status.HTTP_204_NO_CONTENT)


class OAuthProvidersApi(PublicApi):
    @extend_schema(
        summary="OAuth providers you can sign in with",
        description=(
            "Navigate the browser to a provider's `login_url`. After the provider, the browser "
            "lands on `{FRONTEND_URL}/oauth/callback?code=...` (or `?error=...`); post the code "
            "to `/api/auth/oauth/exchange`."
        ),
        responses={200: OAuthProviderOutputSerializer(many=True)},
        tags=AUTH_TAGS,
    )
    def get(self, request: Request) -> Response:
        providers: list[dict[str, Any]] = [
            {"id": p.id, "name": p.name, "login_url": request.build_absolute_uri(reverse(f"{p.id}_login"))}
            for p in selectors.oauth_providers_configured(request=request)
        ]
        return Response(OAuthProviderOutputSerializer(providers, many=True).data)


class OAuthExchangeApi(PublicApi):
    @extend_schema(
        summary="Trade the one-time OAuth code for a JWT pair",
        request=OAuthExchangeInputSerializer,
        responses={200: TokenPairOutputSerializer},
        tags=AUTH_TAGS,
    )
    def post(self, request: Request) -> Response:
        serializer = OAuthExchangeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return _pair_response(services.oauth_code_redeem(**serializer.validated_data))
