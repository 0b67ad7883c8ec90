"""The project's URLs plus views that raise on purpose, for error-contract tests."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.urls import path
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from testgen.api.errors import ConflictError
from testgen.urls import urlpatterns as project_urlpatterns


class Boom(Exception):
    pass


class _Input(serializers.Serializer):
    name = serializers.CharField(max_length=5)


class EchoApi(APIView):
    permission_classes = [AllowAny]

    def post(self, request):
        data = _Input(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(data.validated_data)


class PrivateApi(APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request):
        return Response({"ok": True})


class ConflictApi(APIView):
    permission_classes = [AllowAny]

    def post(self, request):
        raise ConflictError("That name is taken.", details={"field": "name"})


class DjangoValidationApi(APIView):
    permission_classes = [AllowAny]

    def post(self, request):
        raise ValidationError({"url": ["Only https:// URLs are allowed."]})


class BoomApi(APIView):
    permission_classes = [AllowAny]

    def get(self, request):
        raise Boom("kaboom: secret=hunter2-should-not-leak")


class _AlwaysThrottle(BaseThrottle):
    def allow_request(self, request, view):
        return False

    def wait(self):
        return 42


class ThrottledApi(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [_AlwaysThrottle]

    def get(self, request):
        return Response({})


def plain_boom(request):
    raise Boom("plain django view failure")


def plain_ok(request):
    return HttpResponse("ok")


urlpatterns = [
    path("api/_test/echo", EchoApi.as_view()),
    path("api/_test/private", PrivateApi.as_view()),
    path("api/_test/conflict", ConflictApi.as_view()),
    path("api/_test/django-validation", DjangoValidationApi.as_view()),
    path("api/_test/boom", BoomApi.as_view()),
    path("api/_test/throttled", ThrottledApi.as_view()),
    path("api/_test/plain-boom", plain_boom),
    path("api/_test/plain-ok", plain_ok),
    *project_urlpatterns,
]
