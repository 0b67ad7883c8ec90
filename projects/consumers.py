"""`ws/projects/<id>/`: one project's scan, generation, run and healing events."""
from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from django.db.models import Count

from testgen.events import project_group
from testgen.realtime import AuthenticatedConsumer


class ProjectEventsConsumer(AuthenticatedConsumer):
    @property
    def project_id(self) -> int:
        return int(self.scope["url_route"]["kwargs"]["project_id"])

    async def authorize(self) -> bool:
        return await database_sync_to_async(self._owns_project)()

    def _owns_project(self) -> bool:
        from projects.models import Project

        return Project.objects.filter(pk=self.project_id, owner_id=self.user.pk).exists()

    def groups_for_user(self) -> list[str]:
        return [project_group(self.project_id)]

    def active_jobs(self) -> list[dict[str, Any]]:
        """Queued and running scans, generations and runs of this project, with progress."""
        from execution.models import TestResult, TestRun
        from generation.models import GenerationJob
        from scanning.models import ScanJob

        jobs: list[dict[str, Any]] = []
        for kind, model in (("scan", ScanJob), ("generation", GenerationJob)):
            for job_id, status, progress in model.objects.filter(
                project_id=self.project_id, status__in=("queued", "running")
            ).values_list("id", "status", "progress"):
                jobs.append({"kind": kind, "id": job_id, "status": status, "progress": progress})
        runs = list(
            TestRun.objects.filter(project_id=self.project_id, status__in=TestRun.ACTIVE_STATUSES)
            .values_list("id", "public_id", "status", "plan")
        )
        done = dict(
            TestResult.objects.filter(run_id__in=[r[0] for r in runs])
            .values("run_id").annotate(n=Count("id")).values_list("run_id", "n")
        )
        for run_pk, public_id, status, plan in runs:
            total = len(plan or [])
            completed = done.get(run_pk, 0)
            jobs.append({
                "kind": "run", "id": public_id, "status": status,
                "progress": round(100 * completed / total) if total else 0,
                "completed": completed, "total": total,
            })
        return jobs

    async def sync_state(self) -> dict[str, Any]:
        state = await super().sync_state()
        return {**state, "project_id": self.project_id}
