from __future__ import annotations

from django.apps import AppConfig


class ScanningConfig(AppConfig):
    name = "scanning"

    def ready(self) -> None:
        # celery beat sweeps scan jobs that can no longer finish (see scanning.tasks); merged
        # so other apps' entries stay.
        from testgen.celery import app

        from scanning.tasks import EXPIRE_EVERY_SECONDS, EXPIRE_SCHEDULE_NAME

        schedule = dict(app.conf.beat_schedule or {})
        schedule[EXPIRE_SCHEDULE_NAME] = {"task": "scanning.expire_stuck_scan_jobs", "schedule": EXPIRE_EVERY_SECONDS}
        app.conf.beat_schedule = schedule
