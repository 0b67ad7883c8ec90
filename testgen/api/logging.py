"""Structured JSON logging: one object per line, request context attached, secrets scrubbed."""
from __future__ import annotations

import logging
import threading
from typing import Any

from pythonjsonlogger.json import JsonFormatter as _BaseJsonFormatter

from testgen.api.context import request_id_var, user_id_var
from testgen.api.scrub import scrub


class RequestContextFilter(logging.Filter):
    """Attach the current request id and user id to every record that lacks them."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = request_id_var.get()
        if getattr(record, "user_id", None) is None:
            record.user_id = user_id_var.get()
        return True


class SecretScrubFilter(logging.Filter):
    """Render the message once, mask secrets in it, and drop the raw arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed format string must not lose the record
            message = str(record.msg)
        record.msg = scrub(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = scrub(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = scrub(record.exc_text)
        return True


class JsonFormatter(_BaseJsonFormatter):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("timestamp", "ts")
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        super().__init__("%(levelname)s %(name)s %(message)s", *args, **kwargs)

    def formatException(self, ei: Any) -> str:  # noqa: N802 (logging API name)
        return scrub(super().formatException(ei))

    def process_log_record(self, log_record: dict[str, Any]) -> dict[str, Any]:
        for key in ("request_id", "user_id"):
            if log_record.get(key) is None:
                log_record.pop(key, None)
        return log_record


class AlertWebhookHandler(logging.Handler):
    """POST CRITICAL records to `TESTGEN_ALERT_WEBHOOK_URL` (Slack-compatible `text` field)."""

    def emit(self, record: logging.LogRecord) -> None:
        from django.conf import settings

        url = getattr(settings, "TESTGEN_ALERT_WEBHOOK_URL", "")
        if not url:
            return
        payload = {
            "text": f"[TestGen {record.levelname}] {scrub(record.getMessage())}",
            "logger": record.name,
            "request_id": getattr(record, "request_id", None),
        }
        # A slow alert receiver must not hold up the request that is already failing.
        threading.Thread(target=self._post, args=(url, payload), daemon=True).start()

    @staticmethod
    def _post(url: str, payload: dict[str, Any]) -> None:
        import httpx

        try:
            httpx.post(url, json=payload, timeout=3.0)
        except httpx.HTTPError:
            pass
