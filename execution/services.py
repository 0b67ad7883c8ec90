"""Every write of the execution app: creating, starting, running, cancelling and closing runs.

A run's life: ``test_run_create`` (queued, enqueued after commit) → ``test_run_start``
(checks the target, fixes the ordered plan, running) → ``test_run_execute_chunk`` for each
chunk, on as many workers as are running (idempotent: tests that already have a result are
skipped, inserts ignore the unique constraint) → ``test_run_finalize`` once every planned
test has a result (totals from one aggregate query, final status from
``execution.status``). ``test_run_cancel`` and ``test_runs_expire_stuck`` close runs early.
"""
from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from execution import conf, events, safety
from execution.engine import CaseInput, CaseResult, EngineConfig, LoginIdentity, StaticHeadersIdentity, run_cases
from execution.engine.identities import IdentityResolver
from execution.models import Identity, TestResult, TestRun, generate_run_id
from execution.prioritizers import get_prioritizer
from execution.selectors import identity_get, test_cases_for_selection
from execution.status import final_status, pass_rate
from generation.models import TestCase
from generation.models.test_cases import format_public_id, parse_public_id
from generation.spec import json_path_get, spec_errors
from projects.models import Project, header_is_secret
from testgen.api.errors import ConflictError

logger = logging.getLogger("testgen.execution")

MESSAGE_NO_TESTS = "No runnable test matches the selection."
MESSAGE_NO_BASE_URL = "The project has no target base URL; give one for this run."
MESSAGE_UNKNOWN_IDENTITY = "The project has no identity named '{name}'."
MESSAGE_BAD_TEST_ID = "'{value}' is not a test id (a number or TC-00042)."
MESSAGE_ARCHIVED = "The project is archived; runs cannot be started."
MESSAGE_ALREADY_FINISHED = "The run has already finished."
MESSAGE_DEADLINE = "The run did not finish before its deadline; its workers were probably lost."
MESSAGE_INTERNAL = "The run failed internally: {reason}"
MESSAGE_CANCELLED = "Cancelled by request."
MESSAGE_TEST_DELETED = "The test case was deleted before it could run."
MESSAGE_HEADERS = "Headers must map names to string values."
MESSAGE_LOGIN_REQUEST = "A login identity needs a login request with a method and a path starting with '/'."

RUN_ID_ATTEMPTS = 5
CANCEL_KEY = "execution:cancel:{run_id}"
SLOT_KEY = "execution:slot:{run_id}:{index}"
SLOT_POLL_SECONDS = 0.05
CANCEL_FLAG_TTL = 24 * 3600
RESULT_BATCH_SIZE = 500


def _project_stats_invalidate(project_id: int) -> None:
    try:
        from projects.services import project_stats_invalidate
    except ImportError:  # the projects app may not offer it (yet)
        return
    project_stats_invalidate(project_id=project_id)


# --- creation ------------------------------------------------------------------------


def _clean_selection(selection: dict[str, Any] | None) -> dict[str, Any]:
    selection = dict(selection or {})
    cleaned: dict[str, Any] = {}
    ids: list[int] = []
    for value in selection.get("test_ids") or []:
        pk = value if isinstance(value, int) and not isinstance(value, bool) else parse_public_id(str(value))
        if pk is None and str(value).isdigit():
            pk = int(value)
        if not pk or pk <= 0:
            raise ValidationError({"selection": [MESSAGE_BAD_TEST_ID.format(value=value)]})
        ids.append(pk)
    if ids:
        cleaned["test_ids"] = sorted(set(ids))
    for key in ("types", "priorities"):
        if selection.get(key):
            cleaned[key] = sorted(set(map(str, selection[key])))
    if selection.get("endpoint_ids"):
        cleaned["endpoint_ids"] = sorted({int(v) for v in selection["endpoint_ids"]})
    return cleaned


def _clean_headers(headers: dict[str, Any] | None) -> dict[str, str]:
    if headers is None:
        return {}
    if not isinstance(headers, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in headers.items()):
        raise ValidationError({"extra_headers": [MESSAGE_HEADERS]})
    return dict(headers)


def _save_with_unique_id(run: TestRun) -> None:
    """Save a new run under a fresh random public id, drawing again on a collision (Property 17)."""
    for attempt in range(RUN_ID_ATTEMPTS):
        run.public_id = generate_run_id()
        try:
            with transaction.atomic():
                run.save()
            return
        except IntegrityError:
            if attempt == RUN_ID_ATTEMPTS - 1 or not TestRun.objects.filter(public_id=run.public_id).exists():
                raise


@transaction.atomic
def test_run_create(
    *,
    project: Project,
    requested_by: Any = None,
    trigger: str = TestRun.Trigger.USER,
    selection: dict[str, Any] | None = None,
    base_url: str | None = None,
    extra_headers: dict[str, str] | None = None,
    identity_name: str | None = None,
    concurrency: int | None = None,
    enqueue: bool = True,
) -> TestRun:
    """Create a queued run of the selected tests; it is enqueued once the transaction commits.

    The environment defaults to the project's (base URL, default headers); ``identity_name``
    picks a named identity for ``auth: default`` steps. The target's shape is checked here;
    its address is checked (and pinned) when the run starts.
    """
    if project.status == Project.Status.ARCHIVED:
        raise ConflictError(MESSAGE_ARCHIVED)
    cleaned = _clean_selection(selection)
    url = (base_url or project.target_base_url or "").strip()
    if not url:
        raise ValidationError({"base_url": [MESSAGE_NO_BASE_URL]})
    try:
        safety.parse_target(url)
    except safety.TargetRefused as exc:
        raise ValidationError({"base_url": [exc.message]}) from None
    identity = None
    if identity_name:
        identity = identity_get(project_id=project.pk, name=identity_name)
        if identity is None:
            raise ValidationError({"identity": [MESSAGE_UNKNOWN_IDENTITY.format(name=identity_name)]})
    if not test_cases_for_selection(project_id=project.pk, selection=cleaned).exists():
        raise ValidationError({"selection": [MESSAGE_NO_TESTS]})

    run = TestRun(
        project=project,
        trigger=trigger,
        requested_by=requested_by if getattr(requested_by, "pk", None) else None,
        selection=cleaned,
        base_url=url,
        extra_headers=_clean_headers(extra_headers),
        identity=identity,
        concurrency=conf.effective_concurrency(concurrency),
        status=TestRun.Status.QUEUED,
        deadline=timezone.now() + timedelta(seconds=conf.run_timeout_seconds() + conf.deadline_grace_seconds()),
    )
    run.full_clean(exclude=["public_id", "plan", "base_url"])
    _save_with_unique_id(run)
    _project_stats_invalidate(project.pk)
    if enqueue:
        from execution.tasks import execute_test_run

        transaction.on_commit(lambda: execute_test_run.delay(run.pk))
    return run


# --- identities ----------------------------------------------------------------------------


MESSAGE_IDENTITY_NAME = "A name is 1 to 100 letters, digits, '-', '_' or '.', starting with a letter or digit."
MESSAGE_IDENTITY_NAME_TAKEN = "The project already has an identity named '{name}'."
MESSAGE_IDENTITY_HEADERS_REQUIRED = "A static-headers identity needs at least one header."
MESSAGE_IDENTITY_HEADER_NAME = "'{name}' is not a valid header name."
MESSAGE_IDENTITY_HEADER_VALUE = "The value of '{name}' must be a string on one line."
MESSAGE_IDENTITY_MASK_UNKNOWN = "'{path}' is sent as '***' but has no stored value to keep."
MESSAGE_IDENTITY_STATIC_NO_LOGIN = "Only login identities have a login request."
MESSAGE_IDENTITY_LOGIN_UNUSED_KEY = "A login request does not use '{key}'."
MESSAGE_IDENTITY_JSON_PATH = "A JSON path starts with '$' and uses .key, [0] or ['key'] (e.g. $.access_token)."
MESSAGE_IDENTITY_HEADER_TEMPLATE = "The header template must contain {token}."
MESSAGE_IDENTITY_LOGIN_VALUE = "not a valid value here."
MESSAGE_IDENTITY_TTL = "The time to live is a whole number of seconds, at least 1."

# Write-only values leave the API as this; sending it back means "keep the stored value".
IDENTITY_MASK = "***"
_IDENTITY_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
_HEADER_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
# The engine's login sends method, path, query, headers and body; nothing else in a spec request applies.
_LOGIN_UNUSED_KEYS = ("path_params", "auth")
_LOGIN_SECRET_KEYS = ("query", "headers", "body")
_IDENTITY_FIELDS = (
    "name", "kind", "headers", "login_request", "token_path", "header_name", "header_template", "ttl_seconds",
    "expires_in_path",
)
_ABSENT: Any = object()


def identity_mask(value: Any) -> Any:
    """`value` with every leaf replaced by the mask: keys stay visible, credentials never leave."""
    if isinstance(value, dict):
        return {str(key): identity_mask(item) for key, item in value.items()}
    if isinstance(value, list):
        return [identity_mask(item) for item in value]
    return IDENTITY_MASK


def _unmask(value: Any, stored: Any, *, path: str, errors: list[str]) -> Any:
    """`value` with each masked leaf replaced by the stored value at the same place."""
    if value == IDENTITY_MASK:
        if stored is _ABSENT:
            errors.append(MESSAGE_IDENTITY_MASK_UNKNOWN.format(path=path))
        return stored
    if isinstance(value, dict):
        old = stored if isinstance(stored, dict) else {}
        return {key: _unmask(item, old.get(key, _ABSENT), path=f"{path}.{key}", errors=errors)
                for key, item in value.items()}
    if isinstance(value, list):
        old_items = stored if isinstance(stored, list) else []
        return [_unmask(item, old_items[index] if index < len(old_items) else _ABSENT, path=f"{path}[{index}]",
                        errors=errors)
                for index, item in enumerate(value)]
    return value


def _json_path_valid(path: Any) -> bool:
    if not isinstance(path, str) or not path.startswith("$"):
        return False
    try:
        json_path_get({}, path, None)
    except ValueError:
        return False
    return True


def _identity_header_errors(headers: Any) -> list[str]:
    if not isinstance(headers, dict):
        return [MESSAGE_HEADERS]
    errors: list[str] = []
    for name, value in headers.items():
        if not isinstance(name, str) or not _HEADER_TOKEN.match(name):
            errors.append(MESSAGE_IDENTITY_HEADER_NAME.format(name=name))
        elif not isinstance(value, str) or "\n" in value or "\r" in value:
            errors.append(MESSAGE_IDENTITY_HEADER_VALUE.format(name=name))
    return errors


def _login_request_errors(request: Any) -> list[str]:
    """Problems with a login request, checked as the request of a one-step test spec."""
    if not isinstance(request, dict) or not str(request.get("method", "")).strip() \
            or not str(request.get("path", "")).startswith("/"):
        return [MESSAGE_LOGIN_REQUEST]
    errors = [MESSAGE_IDENTITY_LOGIN_UNUSED_KEY.format(key=key) for key in _LOGIN_UNUSED_KEYS if key in request]
    prefix = "steps/0/request"
    for error in spec_errors({"steps": [{"request": request}]}):
        where = error["path"].removeprefix(prefix).lstrip("/") or "(request)"
        # The validator quotes the offending value, and under these keys that may be a credential.
        message = MESSAGE_IDENTITY_LOGIN_VALUE if where.split("/")[0] in _LOGIN_SECRET_KEYS else error["message"]
        errors.append(f"{where}: {message}")
    return errors


def _identity_validate(identity: Identity) -> None:
    """Every rule a stored identity obeys, reported together under the API's field names."""
    errors: dict[str, list[str]] = {}
    try:
        # Types, lengths and choices; the name's uniqueness is a 409, checked by the caller.
        identity.full_clean(exclude=["project", "headers", "login_request"], validate_unique=False,
                            validate_constraints=False)
    except ValidationError as exc:
        errors.update({field: list(messages) for field, messages in exc.message_dict.items()})
    if "name" not in errors and not _IDENTITY_NAME.match(identity.name or ""):
        errors["name"] = [MESSAGE_IDENTITY_NAME]
    header_errors = _identity_header_errors(identity.headers)
    if header_errors:
        errors["headers"] = header_errors
    if identity.kind == Identity.Kind.STATIC_HEADERS:
        if not header_errors and not identity.headers:
            errors["headers"] = [MESSAGE_IDENTITY_HEADERS_REQUIRED]
        if identity.login_request is not None:
            errors["login_request"] = [MESSAGE_IDENTITY_STATIC_NO_LOGIN]
    elif identity.kind == Identity.Kind.LOGIN:
        login_errors = _login_request_errors(identity.login_request)
        if login_errors:
            errors["login_request"] = login_errors
        if "token_path" not in errors and not _json_path_valid(identity.token_path):
            errors["token_path"] = [MESSAGE_IDENTITY_JSON_PATH]
        expires_in_path = identity.expires_in_path
        if "expires_in_path" not in errors and expires_in_path and not _json_path_valid(expires_in_path):
            errors["expires_in_path"] = [MESSAGE_IDENTITY_JSON_PATH]
        if "header_name" not in errors and not _HEADER_TOKEN.match(identity.header_name or ""):
            errors["header_name"] = [MESSAGE_IDENTITY_HEADER_NAME.format(name=identity.header_name)]
        if "header_template" not in errors and "{token}" not in (identity.header_template or ""):
            errors["header_template"] = [MESSAGE_IDENTITY_HEADER_TEMPLATE]
        ttl = identity.ttl_seconds
        ttl_bad = ttl is not None and (not isinstance(ttl, int) or isinstance(ttl, bool) or ttl < 1)
        if "ttl_seconds" not in errors and ttl_bad:
            errors["ttl_seconds"] = [MESSAGE_IDENTITY_TTL]
    if errors:
        raise ValidationError(errors)


def _identity_name_taken(name: str) -> ConflictError:
    message = MESSAGE_IDENTITY_NAME_TAKEN.format(name=name)
    return ConflictError(message, code="identity_name_taken", details={"name": [message]})


def _identity_save(identity: Identity) -> None:
    """Validate, check the name is free, and save; the constraint settles a race as a 409."""
    _identity_validate(identity)
    taken = Identity.objects.filter(project_id=identity.project_id, name=identity.name)
    if identity.pk is not None:
        taken = taken.exclude(pk=identity.pk)
    if taken.exists():
        raise _identity_name_taken(identity.name)
    try:
        with transaction.atomic():
            identity.save()
    except IntegrityError:
        raise _identity_name_taken(identity.name) from None


@transaction.atomic
def identity_create(
    *,
    project: Project,
    name: str,
    kind: str,
    headers: dict[str, str] | None = None,
    login_request: dict[str, Any] | None = None,
    token_path: str = "$.access_token",
    header_name: str = "Authorization",
    header_template: str = "Bearer {token}",
    ttl_seconds: int | None = None,
    expires_in_path: str = "",
) -> Identity:
    """Add a named credential set to a project (static headers, or a login request).

    Raises ValidationError naming each bad field, and ConflictError (409) when the project
    already has an identity of that name.
    """
    mask_errors: list[str] = []
    # Nothing is stored yet, so a masked value has nothing to stand for.
    headers = _unmask(headers or {}, _ABSENT, path="headers", errors=mask_errors)
    if mask_errors:
        raise ValidationError({"headers": mask_errors})
    if login_request is not None:
        login_request = _unmask(login_request, _ABSENT, path="login_request", errors=mask_errors)
        if mask_errors:
            raise ValidationError({"login_request": mask_errors})
    identity = Identity(
        project=project, name=name.strip(), kind=kind, headers=headers, login_request=login_request,
        token_path=token_path, header_name=header_name, header_template=header_template,
        ttl_seconds=ttl_seconds, expires_in_path=expires_in_path,
    )
    _identity_save(identity)
    return identity


@transaction.atomic
def identity_update(*, identity: Identity, data: dict[str, Any]) -> Identity:
    """Apply a partial update. Given ``headers`` or ``login_request`` replace the stored ones,
    except that a value sent as ``***`` keeps the stored value at the same place (the API
    shows secrets masked, so a client can send back what it read). Turning an identity into
    static headers drops its login request.
    """
    data = dict(data)
    unknown = sorted(set(data) - set(_IDENTITY_FIELDS))
    if unknown:
        raise ValueError(f"Identities have no field(s) {', '.join(unknown)}.")
    errors: dict[str, list[str]] = {}
    for field in ("headers", "login_request"):
        if field in data and data[field] is not None:
            field_errors: list[str] = []
            data[field] = _unmask(data[field], getattr(identity, field), path=field, errors=field_errors)
            if field_errors:
                errors[field] = field_errors
    if errors:
        raise ValidationError(errors)
    for field in _IDENTITY_FIELDS:
        if field in data:
            value = data[field]
            if field == "name" and isinstance(value, str):
                value = value.strip()
            elif field == "headers" and value is None:
                value = {}
            setattr(identity, field, value)
    if identity.kind == Identity.Kind.STATIC_HEADERS and "login_request" not in data:
        identity.login_request = None
    _identity_save(identity)
    return identity


@transaction.atomic
def identity_delete(*, identity: Identity) -> None:
    """Remove an identity; runs that used it keep their results and lose the link."""
    identity.delete()


def identity_resolver(identity: Identity) -> IdentityResolver:
    """The engine's resolver for a stored identity (fresh per run: tokens never outlive it)."""
    if identity.kind == Identity.Kind.LOGIN:
        request = dict(identity.login_request or {})
        if identity.headers:
            request["headers"] = {**(request.get("headers") or {}), **identity.headers}
        return LoginIdentity(
            identity.name, request=request, token_path=identity.token_path, header_name=identity.header_name,
            header_template=identity.header_template, ttl_seconds=identity.ttl_seconds,
            expires_in_path=identity.expires_in_path or None,
        )
    return StaticHeadersIdentity(identity.name, identity.headers or {})


# --- execution -------------------------------------------------------------------------------


def _run_time_left(run: TestRun) -> float:
    started = run.started_at or timezone.now()
    ends = started + timedelta(seconds=conf.run_timeout_seconds())
    return max((ends - timezone.now()).total_seconds(), 0.0)


def engine_config_for(run: TestRun) -> EngineConfig:
    """The engine's view of a run: target, headers split into plain and credentials, identities."""
    project = run.project
    plain: dict[str, str] = dict(project.plain_headers or {})
    credentials: dict[str, str] = dict(project.secret_headers or {})
    for name, value in (run.extra_headers or {}).items():
        (credentials if header_is_secret(name, value) else plain)[name] = value
    identities = {identity.name: identity_resolver(identity) for identity in project.identities.all()}
    if run.identity_id and run.identity is not None and run.identity.name in identities:
        default = identities[run.identity.name]
    else:
        # `auth: none` steps drop these; ordinary headers are sent either way.
        default = StaticHeadersIdentity("project", credentials)
    return EngineConfig(
        base_url=run.base_url,
        headers=plain,
        default_identity=default,
        identities=identities,
        concurrency=conf.effective_concurrency(run.concurrency),
        request_timeout=conf.request_timeout_seconds(),
        run_timeout=_run_time_left(run),
        max_recorded_body=conf.max_recorded_body_bytes(),
        max_response_bytes=conf.max_response_bytes(),
        max_redirects=conf.max_redirects(),
        allow_private_targets=conf.allow_private_targets(),
        max_load_concurrency=conf.max_run_concurrency(),
        # Chunks connect where the start of the run resolved (and checked) the target.
        resolver=safety.pinned_resolver(run.pinned_addresses or {}),
    )


def chunked(ids: list[int], size: int) -> list[list[int]]:
    return [ids[i:i + size] for i in range(0, len(ids), size)]


def test_run_start(*, run_id: int) -> list[list[int]]:
    """Move a queued run to running and return its plan split into chunks ([] when it cannot run).

    The target is checked (address class, DNS pinned) and probed with one TCP connection
    first: a refused or unreachable target ends the run as `error` before any test.
    """
    run = TestRun.objects.select_related("project").get(pk=run_id)
    if run.status != TestRun.Status.QUEUED:
        return []
    try:
        pins = safety.check_reachable(run.base_url, allow_private=conf.allow_private_targets(),
                                      timeout=min(conf.request_timeout_seconds(), 10.0))
    except safety.TargetRefused as exc:
        test_run_finalize(run_id=run.pk, could_not_execute=True, error_message=exc.message)
        return []
    cases = list(test_cases_for_selection(project_id=run.project_id, selection=run.selection)
                 .only("pk", "priority", "project_id"))
    plan = [case.pk for case in get_prioritizer().order(project_id=run.project_id, test_cases=cases)]
    now = timezone.now()
    with transaction.atomic():
        updated = TestRun.objects.filter(pk=run.pk, status=TestRun.Status.QUEUED).update(
            status=TestRun.Status.RUNNING, plan=plan, total=len(plan), started_at=now, pinned_addresses=pins,
            chunk_count=len(chunked(plan, conf.chunk_size())),
            deadline=now + timedelta(seconds=conf.run_timeout_seconds() + conf.deadline_grace_seconds()),
        )
        if not updated:  # cancelled meanwhile, or another delivery of this job got here first
            return []
        run.refresh_from_db()
        events.run_started(run=run)
    if not plan:
        test_run_finalize(run_id=run.pk, could_not_execute=True, error_message=MESSAGE_NO_TESTS)
        return []
    return chunked(plan, conf.chunk_size())


def test_run_cancel_requested(*, run_id: int) -> bool:
    return bool(cache.get(CANCEL_KEY.format(run_id=run_id)))


def _acquire_slots(*, run: TestRun, chunk_index: int, wanted: int, ttl: float) -> list[str]:
    """Take up to `wanted` of the run's `concurrency` request slots, waiting while none is free.

    The run's limit holds across every worker running its chunks: each slot is a cache key
    (atomic add), a chunk sends at most as many requests at once as it holds slots. A chunk
    never takes more slots than it has tests, so with a limit above the chunk size several
    chunks run in parallel on several workers. The slots carry the chunk index: a chunk
    redelivered after its worker died takes back its own slots; others expire with the run.
    """
    token = str(chunk_index)
    limit = conf.effective_concurrency(run.concurrency)
    while True:
        held: list[str] = []
        for index in range(limit):
            key = SLOT_KEY.format(run_id=run.pk, index=index)
            if cache.add(key, token, timeout=ttl) or cache.get(key) == token:
                held.append(key)
                if len(held) >= wanted:
                    break
        if held or ttl <= 0 or test_run_cancel_requested(run_id=run.pk):
            return held
        if not TestRun.objects.filter(pk=run.pk, status=TestRun.Status.RUNNING).exists():
            return []
        time.sleep(SLOT_POLL_SECONDS)


def _release_slots(keys: list[str], *, chunk_index: int) -> None:
    token = str(chunk_index)
    for key in keys:
        if cache.get(key) == token:
            cache.delete(key)


@dataclass(frozen=True)
class ChunkOutcome:
    executed: int
    stored: int
    stopped: bool


def _nul_free(value: Any) -> Any:
    """PostgreSQL text and jsonb cannot hold NUL characters; API answers sometimes do."""
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd") if "\x00" in value else value
    if isinstance(value, dict):
        return {_nul_free(k): _nul_free(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_nul_free(v) for v in value]
    return value


def _result_row(run: TestRun, chunk_index: int, case: TestCase | None, case_id: int, result: CaseResult) -> TestResult:
    return TestResult(
        run=run,
        test_case_id=case.pk if case is not None else None,
        test_case_public_id=format_public_id(case_id),
        test_case_version=case.version if case is not None else 0,
        title=(case.title if case is not None else "")[:300],
        test_type=case.type if case is not None else "",
        endpoint_id=case.endpoint_id if case is not None else None,
        status=result.status,
        duration_ms=max(int(result.duration_ms), 0),
        request=_nul_free(result.request),
        response=_nul_free(result.response),
        assertions=_nul_free(result.assertions),
        error=_nul_free(result.error),
        metrics=_nul_free(result.metrics),
        chunk_index=chunk_index,
    )


def test_run_execute_chunk(
    *,
    run_id: int,
    chunk_index: int,
    test_case_ids: list[int],
    on_result: Callable[[CaseResult], None] | None = None,
) -> ChunkOutcome:
    """Run one chunk of a run's plan and store its results; finalize the run when it was the last.

    Idempotent: a redelivered chunk (a worker died after running part of it) runs only the
    tests without a stored result, and inserts ignore rows that already exist.
    """
    run = TestRun.objects.select_related("project", "identity").get(pk=run_id)
    if run.status != TestRun.Status.RUNNING or test_run_cancel_requested(run_id=run_id):
        return ChunkOutcome(0, 0, True)
    wanted = [int(pk) for pk in test_case_ids]
    done = set(
        TestResult.objects.filter(run_id=run_id, test_case_public_id__in=[format_public_id(pk) for pk in wanted])
        .values_list("test_case_public_id", flat=True)
    )
    pending = [pk for pk in wanted if format_public_id(pk) not in done]
    cases = {
        case.pk: case
        for case in TestCase.objects.filter(pk__in=pending, project_id=run.project_id).only(
            "pk", "spec", "type", "version", "title", "endpoint_id", "project_id",
        )
    }
    rows: list[TestResult] = []
    for pk in pending:
        if pk not in cases:
            rows.append(_result_row(run, chunk_index, None, pk,
                                    CaseResult(pk, TestResult.Status.SKIPPED, 0, error=MESSAGE_TEST_DELETED)))
    inputs = [CaseInput(key=pk, spec=cases[pk].spec, type=cases[pk].type) for pk in pending if pk in cases]
    stopped = False
    if inputs:
        config = engine_config_for(run)
        # Slots live as long as the run may; at least a minute, so they exist while the engine
        # (with no time left) records its skips.
        slots = _acquire_slots(run=run, chunk_index=chunk_index, wanted=min(config.concurrency, len(inputs)),
                               ttl=max(config.run_timeout or 0, 60.0))
        if not slots:
            return ChunkOutcome(0, 0, True)
        config.concurrency = len(slots)
        try:
            results, stopped = run_cases(
                inputs, config, on_result=on_result,
                should_stop=lambda: test_run_cancel_requested(run_id=run_id),
            )
        except safety.TargetRefused as exc:
            test_run_finalize(run_id=run_id, could_not_execute=True, error_message=exc.message)
            return ChunkOutcome(0, 0, True)
        finally:
            _release_slots(slots, chunk_index=chunk_index)
        rows.extend(_result_row(run, chunk_index, cases[r.key], r.key, r) for r in results)
    TestResult.objects.bulk_create(rows, batch_size=RESULT_BATCH_SIZE, ignore_conflicts=True)
    events.run_results(run=run, results=rows)
    stored = TestResult.objects.filter(run_id=run_id).count()
    events.run_progress(run=run, done=stored)
    if not stopped and stored >= run.total:
        test_run_finalize(run_id=run_id)
    elif stopped and rows:
        # Cancelled mid-chunk: the run was closed before these results landed; count them in.
        _recount(run_id=run_id)
    return ChunkOutcome(len(inputs), len(rows), stopped)


def _recount(*, run_id: int) -> None:
    totals = run_totals(run_id=run_id)
    TestRun.objects.filter(pk=run_id, status__in=TestRun.FINISHED_STATUSES).update(
        passed=totals["passed"], failed=totals["failed"], errored=totals["errored"], skipped=totals["skipped"],
        healed=totals["healed"],
        pass_rate=pass_rate(passed=totals["passed"], failed=totals["failed"], errored=totals["errored"]),
    )


def test_run_execute_now(
    *, run: TestRun, on_result: Callable[[CaseResult], None] | None = None,
) -> TestRun:
    """Run a queued run in this process, chunk after chunk (the CLI's synchronous path)."""
    for index, ids in enumerate(test_run_start(run_id=run.pk)):
        outcome = test_run_execute_chunk(run_id=run.pk, chunk_index=index, test_case_ids=ids, on_result=on_result)
        if outcome.stopped:
            break
    run.refresh_from_db()
    return run


# --- closing ------------------------------------------------------------------------------------


def run_totals(*, run_id: int) -> dict[str, int]:
    """Counts of the stored results by status, in one aggregate query."""
    S = TestResult.Status
    return TestResult.objects.filter(run_id=run_id).aggregate(
        stored=Count("pk"),
        passed=Count("pk", filter=Q(status=S.PASSED)),
        failed=Count("pk", filter=Q(status=S.FAILED)),
        errored=Count("pk", filter=Q(status=S.ERROR)),
        skipped=Count("pk", filter=Q(status=S.SKIPPED)),
        healed=Count("pk", filter=Q(healed=True)),
    )


def _close(run: TestRun, *, status: str, error_message: str, now: datetime) -> None:
    totals = run_totals(run_id=run.pk)
    run.status = status
    run.total = max(run.total, totals["stored"])
    for field in ("passed", "failed", "errored", "skipped", "healed"):
        setattr(run, field, totals[field])
    run.pass_rate = pass_rate(passed=totals["passed"], failed=totals["failed"], errored=totals["errored"])
    run.finished_at = now
    run.duration_ms = max(int((now - (run.started_at or run.created_at)).total_seconds() * 1000), 0)
    if error_message:
        run.error_message = error_message
    run.save(update_fields=[
        "status", "total", "passed", "failed", "errored", "skipped", "healed", "pass_rate",
        "finished_at", "duration_ms", "error_message",
    ])
    events.run_completed(run=run)
    _project_stats_invalidate(run.project_id)


@transaction.atomic
def test_run_finalize(*, run_id: int, could_not_execute: bool = False, error_message: str = "") -> TestRun:
    """Close a run with its final status (see ``execution.status``); a no-op once it is closed."""
    run = TestRun.objects.select_for_update().select_related("project").get(pk=run_id)
    if run.is_finished:
        return run
    totals = run_totals(run_id=run_id)
    status = final_status(
        passed=totals["passed"], failed=totals["failed"], errored=totals["errored"],
        could_not_execute=could_not_execute,
    )
    _close(run, status=status, error_message=error_message, now=timezone.now())
    return run


@transaction.atomic
def test_run_cancel(*, run: TestRun) -> TestRun:
    """Cancel a queued or running run: chunks not started skip, running ones stop early.

    Raises ConflictError (409) when the run has already finished.
    """
    locked = TestRun.objects.select_for_update().select_related("project").get(pk=run.pk)
    if locked.is_finished:
        raise ConflictError(MESSAGE_ALREADY_FINISHED, code="run_finished")
    # The flag reaches engines mid-chunk (they poll it); the status stops chunks not yet started.
    cache.set(CANCEL_KEY.format(run_id=locked.pk), True, timeout=CANCEL_FLAG_TTL)
    _close(locked, status=TestRun.Status.CANCELLED, error_message=MESSAGE_CANCELLED, now=timezone.now())
    return locked


def test_runs_expire_stuck(*, now: datetime | None = None) -> list[str]:
    """Every queued or running run past its deadline becomes `error`; returns their public ids."""
    now = now or timezone.now()
    expired: list[str] = []
    stuck = TestRun.objects.filter(status__in=TestRun.ACTIVE_STATUSES, deadline__lt=now).values_list("pk", flat=True)
    for run_id in list(stuck):
        run = test_run_finalize(run_id=run_id, could_not_execute=True, error_message=MESSAGE_DEADLINE)
        if run.status == TestRun.Status.ERROR and run.error_message == MESSAGE_DEADLINE:
            expired.append(run.public_id)
    return expired


def test_run_fail(*, run_id: int, reason: str) -> TestRun:
    """Record an internal failure (a task out of retries): the run becomes `error`."""
    return test_run_finalize(run_id=run_id, could_not_execute=True, error_message=MESSAGE_INTERNAL.format(reason=reason))
