from __future__ import annotations

from django.apps import AppConfig


class ScanningConfig(AppConfig):
    name = "scanning"
