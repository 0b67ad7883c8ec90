"""OpenAPI generation: every operation documents the shared error shape beside its own responses."""
from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema as _SpectacularAutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.permissions import AllowAny


class ErrorBodySerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable machine-readable code, e.g. `validation_error`.")
    message = serializers.CharField(help_text="Human-readable summary.")
    details = serializers.JSONField(help_text="Field errors or other structured context.")
    request_id = serializers.CharField(allow_null=True, help_text="Echo of `X-Request-ID`.")


class ErrorSerializer(serializers.Serializer):
    error = ErrorBodySerializer()


ERROR_DESCRIPTIONS = {
    "400": "Invalid input (`validation_error`, `parse_error`).",
    "401": "Missing, expired, revoked or invalid credentials (`not_authenticated`).",
    "404": "Not found, or not yours (`not_found`).",
    "409": "Conflicts with the current state (`conflict`).",
    "429": "Rate limited (`rate_limited`); see `Retry-After`.",
}


class AutoSchema(_SpectacularAutoSchema):
    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        codes: list[str] = []
        if self.method in ("POST", "PUT", "PATCH"):
            codes.append("400")
        if not self._is_public():
            codes.append("401")
        if "{" in self.path:
            codes.append("404")
        for code in codes:
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS[code]), code,
                    direction=direction,
                )
        return responses

    def _is_public(self) -> bool:
        permissions = getattr(self.view, "permission_classes", None) or []
        return any(p is AllowAny for p in permissions)
