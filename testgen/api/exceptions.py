"""One error contract for the whole API.

Every error leaves as `{"error": {"code", "message", "details", "request_id"}}`. DRF views
come through `exception_handler`; plain Django responses (resolver 404s, 500s, CSRF
failures) on API paths are rewritten by `ApiErrorMiddleware` with `error_payload`.
"""
from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions as drf
from rest_framework.response import Response

from testgen.api.context import current_request_id, user_id_var
from testgen.api.errors import ApplicationError

logger = logging.getLogger("testgen.errors")

STATUS_CODES: dict[int, tuple[str, str]] = {
    400: ("validation_error", "The request is invalid."),
    401: ("not_authenticated", "Authentication credentials were not provided or are invalid."),
    403: ("permission_denied", "You do not have permission to perform this action."),
    404: ("not_found", "Not found."),
    405: ("method_not_allowed", "Method not allowed."),
    406: ("not_acceptable", "Could not satisfy the request Accept header."),
    409: ("conflict", "The request conflicts with the current state."),
    413: ("payload_too_large", "The request body is too large."),
    415: ("unsupported_media_type", "Unsupported media type."),
    429: ("rate_limited", "Too many requests."),
    500: ("server_error", "An internal error occurred."),
    503: ("service_unavailable", "A required service is unavailable."),
}

MESSAGE_VALIDATION = "The request is invalid."
MESSAGE_PARSE = "The request body could not be parsed."


def error_payload(code: str, message: str, details: Any = None) -> dict[str, Any]:
    return {
        "error": {
            "code": code,
            "message": message,
            "details": details if details is not None else {},
            "request_id": current_request_id(),
        }
    }


def error_response(status: int, code: str | None = None, message: str | None = None, details: Any = None,
                   headers: dict[str, str] | None = None) -> Response:
    default_code, default_message = STATUS_CODES.get(status, ("error", "Error."))
    return Response(
        error_payload(code or default_code, message or default_message, details),
        status=status,
        headers=headers,
    )


def _validation_details(exc: DjangoValidationError) -> Any:
    if hasattr(exc, "error_dict"):
        return {field: [m for e in errors for m in e.messages] for field, errors in exc.error_dict.items()}
    return {"non_field_errors": exc.messages}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ApplicationError):
        return error_response(exc.status_code, exc.code, exc.message, exc.details)
    if isinstance(exc, DjangoValidationError):
        return error_response(400, "validation_error", MESSAGE_VALIDATION, _validation_details(exc))
    if isinstance(exc, (Http404, ObjectDoesNotExist)):
        return error_response(404)
    if isinstance(exc, DjangoPermissionDenied):
        return error_response(403)
    if isinstance(exc, RequestDataTooBig):
        return error_response(413)
    if isinstance(exc, drf.APIException):
        return _api_exception_response(exc)
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is not None and getattr(user, "is_authenticated", False):
        user_id_var.set(user.pk)
    logger.error(
        "Unhandled exception in %s %s",
        getattr(request, "method", "?"),
        getattr(request, "path", "?"),
        exc_info=exc,
    )
    return error_response(500)


def _api_exception_response(exc: drf.APIException) -> Response:
    headers: dict[str, str] = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header  # type: ignore[attr-defined]
    if isinstance(exc, drf.Throttled):
        wait = int(exc.wait or 1) if exc.wait is not None else 1
        headers["Retry-After"] = str(max(wait, 1))
        return error_response(429, details={"retry_after": max(wait, 1)}, headers=headers)
    if isinstance(exc, drf.ValidationError):
        details = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        return error_response(400, "validation_error", MESSAGE_VALIDATION, details)
    if isinstance(exc, drf.ParseError):
        return error_response(400, "parse_error", MESSAGE_PARSE, {"detail": str(exc.detail)})
    status = exc.status_code
    code, message = STATUS_CODES.get(status, (exc.default_code, str(exc.default_detail)))
    detail = exc.detail
    if isinstance(detail, str) and detail and status not in (401,):
        message = str(detail)
    elif status == 401 and isinstance(detail, str):
        message = str(detail)
    details = detail if isinstance(detail, (dict, list)) else {}
    return error_response(status, code, message, details, headers=headers)
