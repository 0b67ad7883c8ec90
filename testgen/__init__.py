"""TestGen: the Django project package (settings, URLs, ASGI/WSGI, Celery, shared API plumbing)."""
from __future__ import annotations

from testgen.celery import app as celery_app

__all__ = ["celery_app"]
