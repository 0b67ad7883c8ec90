from __future__ import annotations

from django.apps import AppConfig


class HealingConfig(AppConfig):
    name = "healing"
