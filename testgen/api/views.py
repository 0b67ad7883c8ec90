"""Platform endpoints: health."""
from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from testgen.health import run_checks


class CheckSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["ok", "down"])
    latency_ms = serializers.FloatField()
    error = serializers.CharField(required=False)


class HealthSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["ok", "degraded"])
    checks = serializers.DictField(child=CheckSerializer())


class HealthApi(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Service health",
        parameters=[
            OpenApiParameter(
                "worker", bool, description="Also round-trip a task through the broker and a worker."
            )
        ],
        responses={200: HealthSerializer, 503: OpenApiResponse(HealthSerializer, "A dependency is down.")},
        tags=["platform"],
    )
    def get(self, request: Request) -> Response:
        include_worker = request.query_params.get("worker", "").lower() in ("1", "true", "yes")
        ok, checks = run_checks(include_worker=include_worker)
        return Response({"status": "ok" if ok else "degraded", "checks": checks}, status=200 if ok else 503)
