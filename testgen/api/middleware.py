"""Request context, access logging and the JSON error contract for non-DRF responses."""
from __future__ import annotations

import json
import logging
import re
import time
import uuid
from typing import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from testgen.api.context import request_id_var, user_id_var
from testgen.api.exceptions import STATUS_CODES, error_payload

access_logger = logging.getLogger("testgen.request")
error_logger = logging.getLogger("testgen.errors")

REQUEST_ID_HEADER = "X-Request-ID"
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def is_api_path(path: str) -> bool:
    return path.startswith("/api/") or path == "/api"


class RequestContextMiddleware:
    """Give every request an id (accepted from `X-Request-ID` or generated), echo it, log one line."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        rid_token = request_id_var.set(request_id)
        uid_token = user_id_var.set(None)
        started = time.perf_counter()
        try:
            response = self._too_large(request) or self.get_response(request)
            duration_ms = round((time.perf_counter() - started) * 1000, 2)
            response[REQUEST_ID_HEADER] = request_id
            self._log(request, response, duration_ms)
            return response
        finally:
            request_id_var.reset(rid_token)
            user_id_var.reset(uid_token)

    @staticmethod
    def _too_large(request: HttpRequest) -> HttpResponse | None:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.TESTGEN_MAX_REQUEST_BYTES:
            code, message = STATUS_CODES[413]
            return JsonResponse(
                error_payload(code, message, {"max_bytes": settings.TESTGEN_MAX_REQUEST_BYTES}),
                status=413,
            )
        return None

    @staticmethod
    def _log(request: HttpRequest, response: HttpResponse, duration_ms: float) -> None:
        user = getattr(request, "user", None)
        user_id = user.pk if user is not None and getattr(user, "is_authenticated", False) else None
        fields = {
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "duration_ms": duration_ms,
            "user_id": user_id,
            "request_id": request.request_id,  # type: ignore[attr-defined]
        }
        access_logger.info("%s %s %s", request.method, request.path, response.status_code, extra=fields)
        if duration_ms >= settings.TESTGEN_SLOW_REQUEST_MS:
            access_logger.warning(
                "Slow request: %s %s took %.0f ms", request.method, request.path, duration_ms,
                extra={**fields, "slow": True, "threshold_ms": settings.TESTGEN_SLOW_REQUEST_MS},
            )


class ApiErrorMiddleware:
    """Under /api/, no HTML error page ever leaves: rewrite them into the JSON error shape.

    DRF views already answer in that shape; this catches what Django answers itself
    (unknown URLs, CSRF failures, exceptions in plain views) including under DEBUG=True,
    where `handler404`/`handler500` are skipped.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            is_api_path(request.path)
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            code, message = STATUS_CODES.get(response.status_code, ("error", "Error."))
            rewritten = JsonResponse(error_payload(code, message), status=response.status_code)
            for header in ("Allow", "Retry-After", "WWW-Authenticate"):
                if header in response:
                    rewritten[header] = response[header]
            return rewritten
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_api_path(request.path):
            return None
        from django.core.exceptions import PermissionDenied, RequestDataTooBig
        from django.http import Http404

        if isinstance(exception, Http404):
            status = 404
        elif isinstance(exception, PermissionDenied):
            status = 403
        elif isinstance(exception, RequestDataTooBig):
            status = 413
        else:
            error_logger.error(
                "Unhandled exception in %s %s", request.method, request.path, exc_info=exception
            )
            status = 500
        code, message = STATUS_CODES[status]
        return JsonResponse(error_payload(code, message), status=status)


def json_handler(status: int) -> Callable[..., HttpResponse]:
    """`handler404`/`handler500`: JSON for API paths, Django's default page elsewhere."""
    from django.views import defaults

    def handler(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
        if is_api_path(request.path):
            code, message = STATUS_CODES[status]
            return HttpResponse(
                json.dumps(error_payload(code, message)), status=status, content_type="application/json"
            )
        if status == 404:
            return defaults.page_not_found(request, exception)
        if status == 403:
            return defaults.permission_denied(request, exception)
        if status == 400:
            return defaults.bad_request(request, exception)
        return defaults.server_error(request)

    return handler


class ApiSlashMiddleware:
    """API routes answer with and without a trailing slash, without a redirect.

    Routes are declared as the issues spell them (`/api/projects/{id}`); a request for the
    other spelling is routed to the same view, since clients differ on the convention and a
    redirect would turn a POST into a GET.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if is_api_path(path) and len(path) > 5:
            from django.urls import Resolver404, resolve

            try:
                resolve(path)
            except Resolver404:
                alternative = path[:-1] if path.endswith("/") else path + "/"
                try:
                    resolve(alternative)
                except Resolver404:
                    pass
                else:
                    request.path_info = alternative
                    request.path = request.path[: len(request.path) - len(path)] + alternative
        return self.get_response(request)
