"""Domain exceptions every app raises; `testgen.api.exceptions` turns them into JSON errors."""
from __future__ import annotations

from typing import Any


class ApplicationError(Exception):
    """A domain error with a stable machine-readable code and an HTTP status."""

    status_code = 400
    default_code = "application_error"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        details: dict[str, Any] | None = None,
        status_code: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.details = details or {}
        if status_code is not None:
            self.status_code = status_code


class ConflictError(ApplicationError):
    """The request is valid but clashes with the current state (duplicate, bad transition)."""

    status_code = 409
    default_code = "conflict"


class PayloadTooLargeError(ApplicationError):
    status_code = 413
    default_code = "payload_too_large"


class ServiceUnavailableError(ApplicationError):
    status_code = 503
    default_code = "service_unavailable"
