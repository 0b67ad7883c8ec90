from __future__ import annotations

from django.apps import AppConfig


class TestgenConfig(AppConfig):
    name = "testgen"
    verbose_name = "TestGen platform"
