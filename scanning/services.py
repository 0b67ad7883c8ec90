"""Writes of the scanning domain: scan jobs, their run, and the endpoint diff they apply."""
from __future__ import annotations

import logging
import time
from collections.abc import Callable, Collection
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError, connection, transaction
from django.db.models.constants import OnConflict
from django.utils import timezone

from projects.models import Project
from projects.services import project_stats_invalidate
from scanning import engine
from scanning.engine import CachedFacts, ScanCancelled, ScanFailure, decode_facts, encode_facts
from scanning.events import SCAN_COMPLETED, SCAN_FAILED, SCAN_PROGRESS, SCAN_STARTED, publish_scan_event
from scanning.models import Endpoint, EndpointHistory, FileFacts, ScanJob
from scanning.scanners.base import DiscoveredEndpoint, ScanWarning
from testgen.api.errors import ApplicationError, ConflictError
from testgen.api.scrub import scrub

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

MSG_NO_REPOSITORY = "The project has no repository configured."
MSG_NO_SPEC_FILE = "Upload a spec file, or configure one on the project."
MSG_NO_SPEC_URL = "Give a spec URL, or configure one on the project."
MSG_UNKNOWN_SOURCE = "Unknown scan source '{source}'."
MSG_UNKNOWN_TRIGGER = "Unknown scan trigger '{trigger}'."
MSG_PROJECT_ARCHIVED = "The project is archived; unarchive it to scan."
MSG_SPEC_FILE_TOO_LARGE = "The spec file is larger than the limit of {limit} bytes."
MSG_SPEC_NOT_TEXT = "The spec file is not UTF-8 text."
MSG_CANNOT_CANCEL = "Only a queued or running scan can be cancelled."
MSG_TIME_LIMIT = "The scan did not finish within its time limit."
MSG_STUCK = "The scan stopped reporting progress and was abandoned."
MSG_INTERNAL = "The scan failed because of an internal error."
MSG_RETRYING = "A transient error occurred; retrying: {message}"
SPEC_INVALID_CODE = "spec_invalid"

PROGRESS_CHECKOUT = (0, 10)
PROGRESS_CODE = (10, 80)
PROGRESS_SPEC = (80, 90)


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


def spec_max_bytes() -> int:
    return int(_setting("TESTGEN_SPEC_MAX_BYTES", 5 * 1024 * 1024))


# --- creating jobs -------------------------------------------------------------------------------


def _read_upload(upload: UploadedFile) -> str:
    limit = spec_max_bytes()
    if upload.size is not None and upload.size > limit:
        raise ValidationError({"spec_file": [MSG_SPEC_FILE_TOO_LARGE.format(limit=limit)]})
    upload.seek(0)
    data = upload.read(limit + 1)
    upload.seek(0)
    if len(data) > limit:
        raise ValidationError({"spec_file": [MSG_SPEC_FILE_TOO_LARGE.format(limit=limit)]})
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValidationError({"spec_file": [MSG_SPEC_NOT_TEXT]}) from exc


def spec_validate(*, text: str, source_name: str) -> None:
    """Raise a 400 `spec_invalid` error naming the location if the spec cannot be imported."""
    from scanning.importers.openapi import SpecImportError, import_spec

    try:
        import_spec(text, source_name=source_name)
    except SpecImportError as exc:
        raise ApplicationError(
            engine.spec_error_message(exc), code=SPEC_INVALID_CODE,
            details={"location": getattr(exc, "location", "") or "", "field": "spec_file"},
        ) from exc


@transaction.atomic
def scan_job_create(
    *,
    project: Project,
    trigger: str,
    source: str = ScanJob.Source.REPOSITORY,
    requested_by: User | None = None,
    spec_file: UploadedFile | None = None,
    spec_url: str = "",
) -> ScanJob:
    """Queue a scan of `project` from `source` and enqueue it once the transaction commits.

    `spec_file` (an upload, validated here so a malformed spec is a 400 rather than a failed
    job) and `spec_url` override the project's configured spec. A repository scan asked for
    while another one is still queued returns that job: pushes arriving in a burst coalesce,
    since the queued job will check out the latest commit anyway.
    """
    if trigger not in ScanJob.Trigger.values:
        raise ValidationError({"trigger": [MSG_UNKNOWN_TRIGGER.format(trigger=trigger)]})
    if source not in ScanJob.Source.values:
        raise ValidationError({"source": [MSG_UNKNOWN_SOURCE.format(source=source)]})
    if project.is_archived:
        raise ConflictError(MSG_PROJECT_ARCHIVED)
    if source == ScanJob.Source.REPOSITORY and not project.repository_url:
        raise ValidationError({"source": [MSG_NO_REPOSITORY]})
    if source == ScanJob.Source.SPEC_FILE and spec_file is None and not project.spec_file:
        raise ValidationError({"spec_file": [MSG_NO_SPEC_FILE]})
    if source == ScanJob.Source.SPEC_URL and not spec_url and not project.spec_url:
        raise ValidationError({"spec_url": [MSG_NO_SPEC_URL]})
    if spec_file is not None:
        spec_validate(text=_read_upload(spec_file), source_name=spec_file.name or "spec")

    if source == ScanJob.Source.REPOSITORY:
        # Lock the project so two concurrent requests cannot both see "nothing queued".
        Project.objects.select_for_update().filter(pk=project.pk).first()
        queued = ScanJob.objects.filter(
            project=project, source=source, status=ScanJob.Status.QUEUED
        ).order_by("created_at", "id").first()
        if queued is not None:
            return queued

    job = ScanJob(
        project=project, trigger=trigger, source=source, requested_by=requested_by,
        spec_url=spec_url if source == ScanJob.Source.SPEC_URL else "",
    )
    if spec_file is not None and source == ScanJob.Source.SPEC_FILE:
        job.spec_file.save(Path(spec_file.name or "spec").name, spec_file, save=False)
    job.full_clean()
    job.save()
    _stats_invalidate(project.pk)

    from scanning.tasks import run_scan_job

    transaction.on_commit(lambda: run_scan_job.delay(job.pk))
    return job


@transaction.atomic
def scan_job_cancel(*, job: ScanJob) -> ScanJob:
    """Cancel a queued or running scan. A running scan notices at its next progress save and
    applies nothing."""
    job = ScanJob.objects.select_for_update().get(pk=job.pk)
    if job.is_finished:
        raise ConflictError(MSG_CANNOT_CANCEL)
    job.status = ScanJob.Status.CANCELLED
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "finished_at", "updated_at"])
    publish_scan_event(job, SCAN_FAILED)
    _stats_invalidate(job.project_id)
    return job


# --- running jobs ----------------------------------------------------------------------------------


class DatabaseFactsCache:
    """`engine.FactsCache` on one project's `FileFacts` rows: one per front end and file content."""

    CHUNK = 500

    def __init__(self, project_id: int) -> None:
        self.project_id = project_id

    def get_many(self, front_end: str, version: str, sha256s: Collection[str]) -> dict[str, CachedFacts]:
        keys = list(sha256s)
        found: dict[str, CachedFacts] = {}
        for start in range(0, len(keys), self.CHUNK):
            rows = FileFacts.objects.filter(
                project_id=self.project_id, front_end=front_end, version=version,
                sha256__in=keys[start:start + self.CHUNK],
            ).values_list("sha256", "facts", "error")
            for sha, text, error in rows:
                found[sha] = CachedFacts(facts=decode_facts(text) if text else {}, error=error)
        return found

    def put_many(self, front_end: str, version: str, entries: dict[str, CachedFacts]) -> None:
        rows = [
            (self.project_id, front_end, version, sha,
             entry.text if entry.text is not None else encode_facts(entry.facts), entry.error)
            for sha, entry in entries.items()
        ]
        # One transaction: in autocommit every batch committed on its own (one fsync each on
        # SQLite), and a crash can at worst lose this batch, never half-store it. A concurrent
        # scan of the same project may store the same rows first: same content, same facts,
        # so losing that race is harmless (conflicts are ignored).
        with transaction.atomic():
            _insert_ignoring_conflicts(
                FileFacts, ("project", "front_end", "version", "sha256", "facts", "error"), rows,
                constants={"created_at": timezone.now()}, chunk=self.CHUNK,
            )


def _insert_ignoring_conflicts(model: Any, fields: tuple[str, ...], rows: list[tuple[Any, ...]], *,
                               constants: dict[str, Any], chunk: int) -> None:
    """Insert rows of plain values, skipping those that hit a unique constraint.

    What `bulk_create(ignore_conflicts=True)` does, minus a model instance per row and each
    field's pre_save/prep per value: for the thousands of rows of a first scan that machinery
    cost more than the database's own work. `rows` hold values in `fields` order, in database
    form (foreign keys as ids, text as str); `constants` (field -> value, the same in every
    row: timestamps) go through the field's `get_db_prep_save` once. The statement uses the
    backend's own conflict syntax, as bulk_create would.
    """
    if not rows:
        return
    ops = connection.ops
    model_fields = [model._meta.get_field(name) for name in (*fields, *constants)]
    tail = tuple(model._meta.get_field(name).get_db_prep_save(value, connection)
                 for name, value in constants.items())
    columns = ", ".join(ops.quote_name(f.column) for f in model_fields)
    table = ops.quote_name(model._meta.db_table)
    insert = f"{ops.insert_statement(on_conflict=OnConflict.IGNORE)} {table} ({columns}) VALUES "
    suffix = ops.on_conflict_suffix_sql(model_fields, OnConflict.IGNORE, None, None)
    placeholder = "(" + ", ".join(["%s"] * len(model_fields)) + ")"
    chunk = max(1, min(chunk, ops.bulk_batch_size(model_fields, rows)))  # the backend's parameter limit
    with connection.cursor() as cursor:
        for start in range(0, len(rows), chunk):
            batch = rows[start:start + chunk]
            params: list[Any] = []
            for row in batch:
                params.extend(row)
                params.extend(tail)
            cursor.execute(f"{insert}{', '.join([placeholder] * len(batch))} {suffix}".rstrip(), params)


class ProgressReporter:
    """Saves throttled progress; noticing there that the job is no longer running cancels it."""

    def __init__(self, job: ScanJob, *, interval: float | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.job = job
        self.interval = float(_setting("TESTGEN_SCAN_PROGRESS_INTERVAL", 1.0)) if interval is None else interval
        self.clock = clock
        self.last_saved = float("-inf")

    def stage(self, span: tuple[int, int]) -> Callable[[float, int, int], None]:
        low, high = span

        def report(fraction: float, files_scanned: int = 0, files_parsed: int = 0) -> None:
            self.update(int(low + (high - low) * min(max(fraction, 0.0), 1.0)), files_scanned, files_parsed)

        return report

    def update(self, progress: int, files_scanned: int | None = None, files_parsed: int | None = None,
               *, force: bool = False) -> None:
        job = self.job
        if files_scanned is not None:
            job.files_scanned = max(job.files_scanned, files_scanned)
        if files_parsed is not None:
            job.files_parsed = max(job.files_parsed, files_parsed)
        progress = max(job.progress, min(progress, 99))
        now = self.clock()
        if not force and (progress <= job.progress or now - self.last_saved < self.interval):
            return
        job.progress = progress
        self.last_saved = now
        saved = ScanJob.objects.filter(pk=job.pk, status=ScanJob.Status.RUNNING).update(
            progress=job.progress, files_scanned=job.files_scanned, files_parsed=job.files_parsed,
            updated_at=timezone.now(),
        )
        if not saved:
            raise ScanCancelled()
        publish_scan_event(job, SCAN_PROGRESS)


@dataclass
class CollectedScan:
    code: list[DiscoveredEndpoint] | None  # None: this scan did not read code
    spec: list[DiscoveredEndpoint] | None  # None: this scan did not (successfully) read a spec
    warnings: list[ScanWarning] = field(default_factory=list)
    files_scanned: int = 0
    files_parsed: int = 0
    commit_sha: str = ""


def _git_failure(exc: Exception) -> ScanFailure:
    return ScanFailure(getattr(exc, "message", str(exc)), permanent=bool(getattr(exc, "permanent", True)))


def _head_commit(path: Path) -> str:
    try:
        import git as gitpython

        return gitpython.Repo(path, search_parent_directories=True).head.commit.hexsha
    except Exception:  # noqa: BLE001 - the sha is informative; a scan without one is still valid
        return ""


@contextmanager
def _checkout(project: Project) -> Iterator[Path]:
    from projects import git

    try:
        with git.checkout(project) as path:
            yield path
    except git.GitError as exc:
        raise _git_failure(exc) from exc


def _read_stored_spec(field_file: Any) -> str:
    limit = spec_max_bytes()
    with field_file.open("rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise ScanFailure(MSG_SPEC_FILE_TOO_LARGE.format(limit=limit))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScanFailure(MSG_SPEC_NOT_TEXT) from exc


def _fetch_spec(url: str) -> str:
    return engine.fetch_spec_url(
        url,
        timeout=float(_setting("TESTGEN_SPEC_FETCH_TIMEOUT", 15.0)),
        max_bytes=spec_max_bytes(),
        allow_private=bool(_setting("TESTGEN_ALLOW_PRIVATE_TARGETS", False)),
    )


def _configured_spec(project: Project, job: ScanJob) -> tuple[str, str] | None:
    """(text, source name) of the spec this job imports: the one given with the job, else the
    project's file, else (for spec-URL and repository scans) the project's URL."""
    if job.spec_file:
        return _read_stored_spec(job.spec_file), Path(job.spec_file.name).name
    if job.spec_url:
        return _fetch_spec(job.spec_url), job.spec_url
    if job.source == ScanJob.Source.SPEC_URL:
        return _fetch_spec(project.spec_url), project.spec_url
    if project.spec_file:
        return _read_stored_spec(project.spec_file), Path(project.spec_file.name).name
    if job.source == ScanJob.Source.REPOSITORY and project.spec_url:
        return _fetch_spec(project.spec_url), project.spec_url
    return None


def _collect_repository(job: ScanJob, reporter: ProgressReporter) -> CollectedScan:
    from scanning.scanners.registry import all_scanners

    project = job.project
    with _checkout(project) as root:
        reporter.update(PROGRESS_CHECKOUT[1], force=True)
        commit_sha = _head_commit(root)
        code = engine.scan_tree(
            root, scanners=all_scanners(), cache=DatabaseFactsCache(project.pk),
            progress=reporter.stage(PROGRESS_CODE),
            max_file_bytes=int(_setting("TESTGEN_SCAN_MAX_FILE_BYTES", engine.DEFAULT_MAX_FILE_BYTES)),
            max_files=int(_setting("TESTGEN_SCAN_MAX_FILES", engine.DEFAULT_MAX_FILES)),
        )
        collected = CollectedScan(code=code.endpoints, spec=None, warnings=list(code.warnings),
                                  files_scanned=code.files_scanned, files_parsed=code.files_parsed,
                                  commit_sha=commit_sha)
        # Specs checked into the repository, then the project's configured one. A broken
        # spec does not fail a code scan; it only keeps the in_spec flags as they were.
        documents: list[tuple[str, str]] = []
        try:
            for rel_path in code.spec_files:
                documents.append(((root / rel_path).read_text("utf-8"), rel_path))
            configured = _configured_spec(project, job)
            if configured is not None:
                documents.append(configured)
        except (OSError, UnicodeDecodeError, ScanFailure) as exc:
            collected.warnings.append(ScanWarning(file="", message=getattr(exc, "message", str(exc))))
            return collected
    reporter.update(PROGRESS_SPEC[0])
    spec_endpoints: list[DiscoveredEndpoint] = []
    for text, name in documents:
        try:
            result = engine.import_spec_text(text, source_name=name)
        except ScanFailure as exc:
            collected.warnings.append(ScanWarning(file=name, message=exc.message))
            return collected
        spec_endpoints.extend(result.endpoints)
        collected.warnings.extend(result.warnings)
    if documents:
        collected.spec = _dedupe(spec_endpoints)
    return collected


def _collect_spec(job: ScanJob, reporter: ProgressReporter) -> CollectedScan:
    reporter.update(PROGRESS_CHECKOUT[1], force=True)
    configured = _configured_spec(job.project, job)
    if configured is None:
        raise ScanFailure(MSG_NO_SPEC_FILE if job.source == ScanJob.Source.SPEC_FILE else MSG_NO_SPEC_URL)
    reporter.update(PROGRESS_SPEC[0])
    text, name = configured
    result = engine.import_spec_text(text, source_name=name)
    return CollectedScan(code=None, spec=_dedupe(result.endpoints), warnings=list(result.warnings))


def _dedupe(endpoints: list[DiscoveredEndpoint]) -> list[DiscoveredEndpoint]:
    seen: dict[tuple[str, str], DiscoveredEndpoint] = {}
    for endpoint in endpoints:
        seen.setdefault(endpoint.key, endpoint)
    return list(seen.values())


def collect_scan(job: ScanJob, reporter: ProgressReporter) -> CollectedScan:
    """Read the job's source(s) into endpoint lists. Writes nothing but the facts cache."""
    if job.source == ScanJob.Source.REPOSITORY:
        return _collect_repository(job, reporter)
    return _collect_spec(job, reporter)


@transaction.atomic
def _scan_job_start(*, job_id: int) -> ScanJob | None:
    job = ScanJob.objects.select_for_update().select_related("project").filter(pk=job_id).first()
    if job is None or job.status != ScanJob.Status.QUEUED:
        # Cancelled before it ran, or a duplicate delivery of a job another worker holds.
        return None
    job.status = ScanJob.Status.RUNNING
    job.started_at = timezone.now()
    job.finished_at = None
    job.progress = 0
    job.error_message = ""
    job.attempts += 1
    job.save(update_fields=["status", "started_at", "finished_at", "progress", "error_message",
                            "attempts", "updated_at"])
    publish_scan_event(job, SCAN_STARTED)
    return job


def scan_job_run(*, job_id: int) -> ScanJob | None:
    """Run a queued scan job to its end: collect, then apply the diff in one transaction.

    Permanent failures are recorded on the job (failed, scrubbed message) and change no
    endpoint. A transient failure puts the job back in the queue and is re-raised as a
    non-permanent `ScanFailure` for the task to retry.
    """
    job = _scan_job_start(job_id=job_id)
    if job is None:
        return None
    reporter = ProgressReporter(job)
    try:
        collected = collect_scan(job, reporter)
        return scan_job_apply(job=job, collected=collected)
    except ScanCancelled:
        job.refresh_from_db()
        return job
    except ScanFailure as exc:
        if not exc.permanent:
            scan_job_requeue(job_id=job.pk, message=exc.message)
            raise
        return scan_job_fail(job_id=job.pk, message=exc.message)
    except DatabaseError as exc:
        # Lost connections and lock timeouts pass; the whole scan is safe to redo.
        logger.warning("Scan %s hit a database error; will retry", job.pk, exc_info=True)
        scan_job_requeue(job_id=job.pk, message=type(exc).__name__)
        raise ScanFailure(type(exc).__name__, permanent=False) from exc
    except Exception as exc:
        from celery.exceptions import SoftTimeLimitExceeded

        if isinstance(exc, SoftTimeLimitExceeded):
            return scan_job_fail(job_id=job.pk, message=MSG_TIME_LIMIT)
        logger.exception("Scan %s failed unexpectedly", job.pk)
        return scan_job_fail(job_id=job.pk, message=MSG_INTERNAL)


def _existing(row: Endpoint) -> engine.ExistingEndpoint:
    return engine.ExistingEndpoint(
        id=row.pk, method=row.method, path=row.path, status=row.status, in_code=row.in_code,
        in_spec=row.in_spec,
        fields={name: getattr(row, name) for name in (
            "operation_id", "summary", "parameters", "request_body", "responses", "auth_required",
            "auth", "framework", "source_file", "source_line", "handler", "tags", "conditions",
            "fingerprint", "method", "path",
        )},
    )


_UPDATABLE = (
    "operation_id", "summary", "parameters", "request_body", "responses", "auth_required", "auth",
    "framework", "source_file", "source_line", "handler", "tags", "conditions", "fingerprint", "in_code",
    "in_spec",
)


def _assign(row: Endpoint, fields: dict[str, Any]) -> bool:
    changed = False
    for name in _UPDATABLE:
        if name in fields and getattr(row, name) != fields[name]:
            setattr(row, name, fields[name])
            changed = True
    return changed


def _warnings_json(warnings: list[ScanWarning]) -> list[dict[str, Any]]:
    rows = [w.to_dict() if hasattr(w, "to_dict") else {"file": "", "line": 0, "message": str(w)}
            for w in warnings]
    if len(rows) > engine.MAX_WARNINGS:
        omitted = len(rows) - engine.MAX_WARNINGS
        rows = rows[: engine.MAX_WARNINGS] + [{"file": "", "line": 0, "message": f"{omitted} more warnings omitted."}]
    return rows


@transaction.atomic
def scan_job_apply(*, job: ScanJob, collected: CollectedScan) -> ScanJob:
    """Apply a collected scan to the project's endpoints and finish the job, atomically.

    The project row is locked so concurrent scans of one project apply one after the other,
    each against the state the previous one left.
    """
    Project.objects.select_for_update().filter(pk=job.project_id).first()
    locked = ScanJob.objects.select_for_update().get(pk=job.pk)
    if locked.status != ScanJob.Status.RUNNING:
        raise ScanCancelled()

    rows = {row.pk: row for row in Endpoint.objects.filter(project_id=job.project_id)}
    active = [_existing(r) for r in rows.values() if r.status == Endpoint.Status.ACTIVE]
    removed = [_existing(r) for r in rows.values() if r.status == Endpoint.Status.REMOVED]
    diff = engine.compute_diff(active=active, removed=removed, code=collected.code, spec=collected.spec)

    now = timezone.now()
    history: list[EndpointHistory] = []
    to_update: list[Endpoint] = []

    new_rows = []
    for fields in diff.added:
        row = Endpoint(project_id=job.project_id, status=Endpoint.Status.ACTIVE, first_seen=now,
                       last_seen=now, method=fields["method"], path=fields["path"])
        _assign(row, fields)
        new_rows.append(row)
    # Bulk writes skip full_clean: every value comes from merge_endpoint, not from a user.
    Endpoint.objects.bulk_create(new_rows, batch_size=500)
    for row, fields in zip(new_rows, diff.added):
        history.append(EndpointHistory(endpoint=row, scan_job=job, change=EndpointHistory.Change.ADDED,
                                       previous=None, new=engine.snapshot(fields)))

    # Removals first, then restorations, so the partial unique index never sees two actives.
    removed_ids = [e.id for e in diff.removed]
    if removed_ids:
        Endpoint.objects.filter(pk__in=removed_ids).update(status=Endpoint.Status.REMOVED, updated_at=now)
    for existing in diff.removed:
        history.append(EndpointHistory(endpoint_id=existing.id, scan_job=job, change=EndpointHistory.Change.REMOVED,
                                       previous=engine.snapshot(existing.fields), new=None))
    for existing, fields in diff.restored:
        row = rows[existing.id]
        _assign(row, fields)
        row.status = Endpoint.Status.ACTIVE
        row.last_seen = now
        to_update.append(row)
        history.append(EndpointHistory(endpoint_id=row.pk, scan_job=job, change=EndpointHistory.Change.RESTORED,
                                       previous=engine.snapshot(existing.fields), new=engine.snapshot(fields)))
    for existing, fields in diff.changed:
        row = rows[existing.id]
        _assign(row, fields)
        to_update.append(row)
        history.append(EndpointHistory(endpoint_id=row.pk, scan_job=job, change=EndpointHistory.Change.CHANGED,
                                       previous=engine.snapshot(existing.fields), new=engine.snapshot(fields)))
    for existing, fields in diff.refreshed:
        row = rows[existing.id]
        if _assign(row, fields):
            to_update.append(row)
    if to_update:
        Endpoint.objects.bulk_update(to_update, [*_UPDATABLE, "status", "last_seen", "updated_at"], batch_size=500)

    seen = _seen_keys(collected)
    seen_ids = [e.id for e, _ in diff.refreshed if e.key in seen]
    seen_ids += [e.id for e, _ in diff.changed]
    for start in range(0, len(seen_ids), 500):
        Endpoint.objects.filter(pk__in=seen_ids[start:start + 500]).update(last_seen=now)
    EndpointHistory.objects.bulk_create(history, batch_size=500)

    locked.status = ScanJob.Status.SUCCEEDED
    locked.progress = 100
    locked.finished_at = now
    locked.files_scanned = collected.files_scanned
    locked.files_parsed = collected.files_parsed
    locked.commit_sha = collected.commit_sha
    locked.warnings = _warnings_json(collected.warnings)
    locked.endpoints_found = diff.found
    locked.endpoints_added = len(diff.added)
    locked.endpoints_changed = len(diff.changed)
    locked.endpoints_removed = len(diff.removed)
    locked.endpoints_restored = len(diff.restored)
    locked.error_message = ""
    locked.save()
    publish_scan_event(locked, SCAN_COMPLETED)
    _stats_invalidate(job.project_id)
    return locked


def _seen_keys(collected: CollectedScan) -> set[tuple[str, str]]:
    return {e.key for e in (collected.code or [])} | {e.key for e in (collected.spec or [])}


@transaction.atomic
def scan_job_fail(*, job_id: int, message: str) -> ScanJob | None:
    """Record a job as failed with a scrubbed message. Endpoints are left untouched."""
    job = ScanJob.objects.select_for_update().filter(pk=job_id).first()
    if job is None or job.is_finished:
        return job
    job.status = ScanJob.Status.FAILED
    job.error_message = scrub(str(message))[:2000]
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error_message", "finished_at", "updated_at"])
    publish_scan_event(job, SCAN_FAILED)
    _stats_invalidate(job.project_id)
    return job


@transaction.atomic
def scan_job_requeue(*, job_id: int, message: str) -> ScanJob | None:
    """Put a running job back in the queue after a transient error, for the task's retry."""
    job = ScanJob.objects.select_for_update().filter(pk=job_id).first()
    if job is None or job.status != ScanJob.Status.RUNNING:
        return job
    job.status = ScanJob.Status.QUEUED
    job.progress = 0
    job.error_message = scrub(MSG_RETRYING.format(message=message))[:2000]
    job.save(update_fields=["status", "progress", "error_message", "updated_at"])
    return job


def scan_jobs_expire_stuck(*, now: Any = None) -> int:
    """Fail jobs that can no longer finish: running without a heartbeat past the hard time
    limit (the worker died), or queued for longer than the broker could hold them."""
    now = now or timezone.now()
    running_cutoff = now - timedelta(seconds=int(_setting(
        "TESTGEN_SCAN_STUCK_SECONDS", int(_setting("CELERY_TASK_TIME_LIMIT", 3600)) + 300)))
    queued_cutoff = now - timedelta(seconds=int(_setting("TESTGEN_SCAN_QUEUED_MAX_SECONDS", 6 * 3600)))
    stuck = list(
        ScanJob.objects.filter(status=ScanJob.Status.RUNNING, updated_at__lt=running_cutoff).values_list("pk", flat=True)
    ) + list(
        ScanJob.objects.filter(status=ScanJob.Status.QUEUED, updated_at__lt=queued_cutoff).values_list("pk", flat=True)
    )
    expired = 0
    for job_id in stuck:
        with transaction.atomic():
            job = ScanJob.objects.select_for_update().get(pk=job_id)
            # Re-checked under the lock: the job may have moved on since the scan above.
            if job.status == ScanJob.Status.RUNNING and job.updated_at < running_cutoff or (
                job.status == ScanJob.Status.QUEUED and job.updated_at < queued_cutoff
            ):
                job.status = ScanJob.Status.FAILED
                job.error_message = MSG_STUCK
                job.finished_at = now
                job.save(update_fields=["status", "error_message", "finished_at", "updated_at"])
                publish_scan_event(job, SCAN_FAILED)
                _stats_invalidate(job.project_id)
                expired += 1
    return expired


def _stats_invalidate(project_id: int) -> None:
    project_stats_invalidate(project_id=project_id)
