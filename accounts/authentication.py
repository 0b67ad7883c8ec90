"""DRF authentication: JWT access tokens (with logout revocation) and `X-API-Key` keys."""
from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request
from rest_framework_simplejwt.authentication import JWTAuthentication as _SimpleJWTAuthentication
from rest_framework_simplejwt.tokens import Token

from accounts.models import APIKey, User
from accounts.selectors import access_token_is_revoked, api_key_get_usable
from accounts.services import api_key_record_use

MESSAGE_TOKEN_REVOKED = "Token has been revoked."
MESSAGE_INVALID_API_KEY = "Invalid API key."
API_KEY_HEADER = "X-API-Key"


class JWTAuthentication(_SimpleJWTAuthentication):
    """`Authorization: Bearer <access>`; refuses tokens revoked by logout.

    Tokens minted before a password change are refused by simplejwt itself
    (SIMPLE_JWT["CHECK_REVOKE_TOKEN"]), as are inactive and deleted users.
    """

    www_authenticate_realm = "api"

    def authenticate_header(self, request: Request) -> str:
        # Without a challenge DRF turns 401 into 403; the realm names the whole API.
        return 'Bearer realm="api"'

    def get_validated_token(self, raw_token: bytes) -> Token:
        token = super().get_validated_token(raw_token)
        if access_token_is_revoked(token=token):
            raise AuthenticationFailed(MESSAGE_TOKEN_REVOKED, code="token_revoked")
        return token


class APIKeyAuthentication(BaseAuthentication):
    """`X-API-Key: ak_...` authenticates as the key's owner (CI pipelines, scripts)."""

    def authenticate(self, request: Request) -> tuple[User, APIKey] | None:
        raw_key = request.META.get("HTTP_X_API_KEY")
        if not raw_key:
            return None
        api_key = api_key_get_usable(raw_key=raw_key.strip())
        if api_key is None or not api_key.user.is_active:
            raise AuthenticationFailed(MESSAGE_INVALID_API_KEY, code="invalid_api_key")
        api_key_record_use(api_key=api_key)
        return api_key.user, api_key

    def authenticate_header(self, request: Request) -> str:
        return 'ApiKey realm="api"'


class JWTAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.authentication.JWTAuthentication"
    name = "jwtAuth"
    # Outranks drf-spectacular's bundled simplejwt extension, which also matches subclasses.
    priority = 1

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": "Access token from `POST /api/auth/login`; revoked by logout.",
        }


class APIKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.authentication.APIKeyAuthentication"
    name = "apiKeyAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": API_KEY_HEADER,
            "description": "An `ak_...` key from `POST /api/user/api-keys`.",
        }
