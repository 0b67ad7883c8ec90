from __future__ import annotations

from django.apps import AppConfig


class ExecutionConfig(AppConfig):
    name = "execution"

    def ready(self) -> None:
        # celery beat sweeps stuck runs (see execution.tasks); merged so other apps' entries stay.
        from testgen.celery import app

        from execution.tasks import EXPIRE_EVERY_SECONDS, EXPIRE_SCHEDULE_NAME

        schedule = dict(app.conf.beat_schedule or {})
        schedule[EXPIRE_SCHEDULE_NAME] = {"task": "execution.expire_stuck_test_runs", "schedule": EXPIRE_EVERY_SECONDS}
        app.conf.beat_schedule = schedule
