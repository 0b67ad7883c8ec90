"""Every write to projects: create/update/delete, the status lifecycle, credentials, webhooks,
and invalidation of the cached statistics."""
from __future__ import annotations

import logging
import re
import secrets
import time
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction

from projects import git
from projects.models import Project, WebhookDelivery
from projects.providers import ProviderError, provider_for
from testgen.api.errors import ApplicationError, ConflictError

logger = logging.getLogger(__name__)

MSG_NAME_TAKEN = "You already have a project with this name."
MSG_NAME_REQUIRED = "A project name is required."
MSG_INVALID_TRANSITION = "A project cannot go from '{current}' to '{target}'."
MSG_ARCHIVED_READ_ONLY = "This project is archived; unarchive it before changing it."
MSG_CREDENTIALS_NEED_REPOSITORY = "Credentials need a repository URL."
MSG_TOKEN_REQUIRED = "A token is required for token authentication."
MSG_PASSWORD_REQUIRED = "A username and a password are required for password authentication."
MSG_SSH_KEY_REQUIRED = "A private key is required for SSH key authentication."
MSG_SSH_KEY_NEEDS_SSH_URL = "An SSH deploy key needs an ssh:// or git@ repository URL."
MSG_SSH_KEY_INVALID = "The private key is not in PEM or OpenSSH format."
MSG_HTTPS_CREDENTIALS_NEED_HTTPS_URL = "Token and password credentials need an https:// repository URL."
MSG_HEADER_NAME_INVALID = "'{name}' is not a valid HTTP header name."
MSG_HEADER_VALUE_INVALID = "The value of header '{name}' must be a single-line string."
MSG_SPEC_URL_SCHEME = "The specification URL must use http or https."
MSG_WEBHOOK_NEEDS_CREDENTIALS = (
    "Registering a webhook needs HTTPS token or password credentials on the project."
)
MSG_WEBHOOK_NEEDS_REPOSITORY = "Registering a webhook needs a repository URL."

# The output serializer masks secret header values with this; sending it back means "unchanged".
MASKED_HEADER_VALUE = "***"

_HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")

ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    Project.Status.ACTIVE: frozenset({Project.Status.ARCHIVED}),
    Project.Status.ARCHIVED: frozenset({Project.Status.ACTIVE}),
}

# Repository fields whose change means access must be validated again.
_REPOSITORY_FIELDS = ("repository_url", "repository_branch", "repository_auth_type", "repository_username",
                     "repository_secret")
_UPDATABLE_FIELDS = (
    "name", "description", "repository_url", "repository_branch", "repository_subdirectory",
    "spec_url", "target_base_url", "coverage_threshold",
)

# Which input field a Git failure is reported against.
_GIT_ERROR_FIELDS: dict[str, str] = {
    git.MSG_BRANCH_REQUIRED: "repository_branch",
    git.MSG_BRANCH_INVALID: "repository_branch",
    git.MSG_EMPTY_REPOSITORY: "repository_branch",
    git.MSG_AUTH_FAILED: "repository_credentials",
}


@dataclass(frozen=True)
class RepositoryCredentialsInput:
    """Credentials as submitted; ``secret`` is the token, password or private key."""

    auth_type: str = Project.AuthType.NONE
    username: str = ""
    secret: str = ""


# --- statistics cache ------------------------------------------------------------------

STATS_VERSION_KEY = "projects:stats-version:{project_id}"


def project_stats_version(*, project_id: int) -> str:
    version = cache.get(STATS_VERSION_KEY.format(project_id=project_id))
    if version is None:
        version = str(time.time_ns())
        # add() so that two first readers agree on one version.
        cache.add(STATS_VERSION_KEY.format(project_id=project_id), version, timeout=None)
        version = cache.get(STATS_VERSION_KEY.format(project_id=project_id), version)
    return str(version)


def project_stats_invalidate(*, project_id: int) -> None:
    """Make the project's cached statistics stale once the current transaction commits.

    Call it from any service that changes endpoints, scans, test cases or runs of a project.
    Bumping a version (rather than deleting a key) means a reader that computed from old data
    before the commit can only write to the orphaned old key, never over the fresh one.
    """

    def bump() -> None:
        try:
            cache.set(STATS_VERSION_KEY.format(project_id=project_id), str(time.time_ns()), timeout=None)
        except Exception:  # noqa: BLE001 - the write already committed; staleness is bounded by the TTL
            logger.warning("Could not invalidate stats of project %s", project_id, exc_info=True)

    transaction.on_commit(bump)


# --- validation helpers --------------------------------------------------------------------


def _clean_headers(headers: dict[str, Any] | None, *, existing: dict[str, str] | None = None) -> dict[str, str]:
    cleaned: dict[str, str] = {}
    errors: list[str] = []
    for name, value in (headers or {}).items():
        if not isinstance(name, str) or not _HEADER_NAME.match(name):
            errors.append(MSG_HEADER_NAME_INVALID.format(name=name))
            continue
        if not isinstance(value, str) or "\n" in value or "\r" in value:
            errors.append(MSG_HEADER_VALUE_INVALID.format(name=name))
            continue
        if value == MASKED_HEADER_VALUE and existing and name in existing:
            value = existing[name]
        cleaned[name] = value
    if errors:
        raise ValidationError({"default_headers": errors})
    return cleaned


def _clean_credentials(credentials: RepositoryCredentialsInput, *, repository_url: str) -> RepositoryCredentialsInput:
    auth_type = credentials.auth_type or Project.AuthType.NONE
    if auth_type == Project.AuthType.NONE:
        return RepositoryCredentialsInput()
    if not repository_url:
        raise ValidationError({"repository_credentials": [MSG_CREDENTIALS_NEED_REPOSITORY]})
    is_ssh_url = repository_url.startswith("ssh://") or bool(git._SCP_LIKE.match(repository_url))
    if auth_type == Project.AuthType.TOKEN and not credentials.secret:
        raise ValidationError({"repository_credentials": [MSG_TOKEN_REQUIRED]})
    if auth_type == Project.AuthType.PASSWORD and not (credentials.username and credentials.secret):
        raise ValidationError({"repository_credentials": [MSG_PASSWORD_REQUIRED]})
    if auth_type in (Project.AuthType.TOKEN, Project.AuthType.PASSWORD) and is_ssh_url:
        raise ValidationError({"repository_credentials": [MSG_HTTPS_CREDENTIALS_NEED_HTTPS_URL]})
    if auth_type == Project.AuthType.SSH_KEY:
        if not credentials.secret:
            raise ValidationError({"repository_credentials": [MSG_SSH_KEY_REQUIRED]})
        if not is_ssh_url:
            raise ValidationError({"repository_credentials": [MSG_SSH_KEY_NEEDS_SSH_URL]})
        if "PRIVATE KEY-----" not in credentials.secret:
            raise ValidationError({"repository_credentials": [MSG_SSH_KEY_INVALID]})
    return credentials


def _validate_repository_access(project: Project) -> None:
    """ls-remote the configured branch; any failure becomes a 400 on the relevant field."""
    if not project.repository_url:
        return
    try:
        git.ls_remote_validate(
            url=project.repository_url,
            branch=project.repository_branch,
            credentials=git.credentials_for(project),
        )
    except git.GitError as exc:
        field = _GIT_ERROR_FIELDS.get(exc.message, "repository_url")
        if exc.message.startswith("Branch '"):
            field = "repository_branch"
        raise ValidationError({field: [exc.message]}) from None


def _validate_static(project: Project) -> None:
    errors: dict[str, list[str]] = {}
    if not project.name.strip():
        errors["name"] = [MSG_NAME_REQUIRED]
    if project.repository_url:
        try:
            git.normalize_url(project.repository_url)
        except git.GitError as exc:
            errors["repository_url"] = [exc.message]
        try:
            git.validate_branch(project.repository_branch)
        except git.GitError as exc:
            errors["repository_branch"] = [exc.message]
    try:
        project.repository_subdirectory = git.validate_subdirectory(project.repository_subdirectory)
    except git.GitError as exc:
        errors["repository_subdirectory"] = [exc.message]
    if project.spec_url and not project.spec_url.lower().startswith(("http://", "https://")):
        errors["spec_url"] = [MSG_SPEC_URL_SCHEME]
    if errors:
        raise ValidationError(errors)
    try:
        project.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise ValidationError(_rename_error_fields(exc)) from None


def _rename_error_fields(exc: ValidationError) -> dict[str, list[str]]:
    renamed: dict[str, list[str]] = {}
    for field, messages in exc.message_dict.items():
        if field in ("plain_headers", "secret_headers"):
            field = "default_headers"
        elif field in ("repository_secret", "repository_username", "repository_auth_type"):
            field = "repository_credentials"
        renamed.setdefault(field, []).extend(messages)
    return renamed


def _ensure_name_free(*, owner_id: int, name: str, exclude_id: int | None = None) -> None:
    qs = Project.objects.filter(owner_id=owner_id, name=name)
    if exclude_id is not None:
        qs = qs.exclude(pk=exclude_id)
    if qs.exists():
        raise ConflictError(MSG_NAME_TAKEN, code="project_name_taken", details={"name": [MSG_NAME_TAKEN]})


def _save(project: Project) -> None:
    try:
        with transaction.atomic():
            project.save()
    except IntegrityError:
        # Two concurrent creates with one name: the constraint decides, the loser gets 409.
        raise ConflictError(MSG_NAME_TAKEN, code="project_name_taken", details={"name": [MSG_NAME_TAKEN]}) from None


# --- projects -------------------------------------------------------------------------------


def project_create(
    *,
    owner: Any,
    name: str,
    description: str = "",
    repository_url: str = "",
    repository_branch: str = "main",
    repository_subdirectory: str = "",
    credentials: RepositoryCredentialsInput | None = None,
    spec_file: UploadedFile | None = None,
    spec_url: str = "",
    target_base_url: str = "",
    default_headers: dict[str, Any] | None = None,
    coverage_threshold: int = 80,
) -> Project:
    """Create a project after validating its fields and, when it has a repository, that the
    branch is readable with the given credentials. Nothing is saved when any check fails."""
    credentials = _clean_credentials(credentials or RepositoryCredentialsInput(), repository_url=repository_url)
    project = Project(
        owner=owner,
        name=name.strip(),
        description=description,
        repository_url=repository_url.strip(),
        repository_branch=(repository_branch or "main").strip(),
        repository_subdirectory=repository_subdirectory,
        repository_auth_type=credentials.auth_type,
        repository_username=credentials.username,
        repository_secret=credentials.secret,
        spec_url=spec_url,
        target_base_url=target_base_url,
        coverage_threshold=coverage_threshold,
    )
    project.default_headers = _clean_headers(default_headers)
    _validate_static(project)
    _ensure_name_free(owner_id=owner.pk, name=project.name)
    # The network check runs outside any transaction: no locks are held while Git talks.
    _validate_repository_access(project)
    if spec_file is not None:
        project.spec_file.save(spec_file.name, spec_file, save=False)
    _save(project)
    return project


_UNSET: Any = object()


def project_update(
    *,
    project: Project,
    data: dict[str, Any],
    credentials: RepositoryCredentialsInput | None = None,
    spec_file: UploadedFile | None | Any = _UNSET,
) -> Project:
    """Apply a partial update. ``status`` goes through the lifecycle rules; repository changes
    are validated against the remote before anything is saved.

    ``credentials`` None keeps the stored ones; ``spec_file`` None removes the uploaded spec.
    """
    data = dict(data)
    target_status = data.pop("status", None)
    changes_other_than_status = bool(data) or credentials is not None or spec_file is not _UNSET
    if project.status == Project.Status.ARCHIVED and changes_other_than_status:
        if target_status != Project.Status.ACTIVE:
            raise ConflictError(MSG_ARCHIVED_READ_ONLY, code="project_archived")

    before = {field: getattr(project, field) for field in _REPOSITORY_FIELDS}
    for field in _UPDATABLE_FIELDS:
        if field in data:
            value = data[field]
            if isinstance(value, str) and field in ("name", "repository_url", "repository_branch"):
                value = value.strip()
            setattr(project, field, value)
    if "default_headers" in data:
        project.default_headers = _clean_headers(data["default_headers"], existing=project.default_headers)

    if credentials is not None:
        cleaned = _clean_credentials(credentials, repository_url=project.repository_url)
        project.repository_auth_type = cleaned.auth_type
        project.repository_username = cleaned.username
        project.repository_secret = cleaned.secret
    elif "repository_url" in data and project.repository_auth_type != Project.AuthType.NONE:
        if not project.repository_url:
            project.repository_auth_type = Project.AuthType.NONE
            project.repository_username = ""
            project.repository_secret = ""
        else:
            _clean_credentials(
                RepositoryCredentialsInput(
                    auth_type=project.repository_auth_type,
                    username=project.repository_username,
                    secret=project.repository_secret,
                ),
                repository_url=project.repository_url,
            )

    _validate_static(project)
    if "name" in data:
        _ensure_name_free(owner_id=project.owner_id, name=project.name, exclude_id=project.pk)
    if any(getattr(project, field) != before[field] for field in _REPOSITORY_FIELDS):
        _validate_repository_access(project)

    old_spec_name = project.spec_file.name if project.spec_file else ""
    if spec_file is not _UNSET:
        if spec_file is None:
            project.spec_file = None
        else:
            project.spec_file.save(spec_file.name, spec_file, save=False)

    with transaction.atomic():
        if target_status is not None:
            _apply_status(project, target_status)
        _save(project)
        if old_spec_name and old_spec_name != (project.spec_file.name if project.spec_file else ""):
            storage = Project._meta.get_field("spec_file").storage
            transaction.on_commit(lambda: storage.delete(old_spec_name))
    return project


def _apply_status(project: Project, target: str) -> None:
    # The one place the lifecycle is enforced.
    if target not in Project.Status.values or target not in ALLOWED_TRANSITIONS[project.status]:
        raise ConflictError(
            MSG_INVALID_TRANSITION.format(current=project.status, target=target),
            code="invalid_transition",
            details={"status": project.status, "target": target},
        )
    project.status = target


@transaction.atomic
def project_status_change(*, project: Project, status: str) -> Project:
    """Move a project along its lifecycle (active ⇄ archived); anything else is a 409."""
    locked = Project.objects.select_for_update().get(pk=project.pk)
    _apply_status(locked, status)
    locked.save(update_fields=["status", "updated_at"])
    project.status = locked.status
    project.updated_at = locked.updated_at
    return project


def project_delete(*, project: Project) -> None:
    """Delete the project and, by cascade, its endpoints, test cases, runs, results, scans and
    healing logs in one transaction; its uploaded spec is removed once that commits."""
    spec_name = project.spec_file.name if project.spec_file else ""
    storage = Project._meta.get_field("spec_file").storage
    project_id = project.pk
    with transaction.atomic():
        project.delete()
        if spec_name:
            transaction.on_commit(lambda: storage.delete(spec_name))
        project_stats_invalidate(project_id=project_id)


def project_secrets_rotate(*, batch_size: int = 200) -> int:
    """Re-encrypt every project's secrets under the current primary key; returns the count.

    Run after prepending a new key to ``TESTGEN_ENCRYPTION_KEYS``; once it finishes, the old
    key can be removed. Saving re-encrypts because encryption always uses the first key.
    """
    rotated = 0
    ids = list(Project.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        with transaction.atomic():
            for project in Project.objects.select_for_update().filter(pk__in=ids[start:start + batch_size]):
                project.save(update_fields=["repository_secret", "secret_headers", "webhook_secret"])
                rotated += 1
    return rotated


# --- webhooks ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class WebhookRegistration:
    project: Project
    provider: str
    secret: str
    callback_url: str
    external_id: str


def project_webhook_register(*, project: Project, provider: str | None, callback_base: str) -> WebhookRegistration:
    """Create the push hook at the provider with a fresh secret; the secret is returned once.

    A hook registered earlier is removed (best effort) so only the new secret is in use.
    """
    if project.status == Project.Status.ARCHIVED:
        raise ConflictError(MSG_ARCHIVED_READ_ONLY, code="project_archived")
    if not project.repository_url:
        raise ValidationError({"repository_url": [MSG_WEBHOOK_NEEDS_REPOSITORY]})
    if project.repository_auth_type not in (Project.AuthType.TOKEN, Project.AuthType.PASSWORD):
        raise ValidationError({"repository_credentials": [MSG_WEBHOOK_NEEDS_CREDENTIALS]})
    credentials = git.credentials_for(project)
    try:
        client = provider_for(repository_url=project.repository_url, provider=provider, credentials=credentials)
    except ProviderError as exc:
        raise ValidationError({"provider": [exc.message]}) from None
    secret = secrets.token_urlsafe(32)
    url = f"{callback_base.rstrip('/')}/{client.name}?project={project.pk}"
    try:
        external_id = client.create_push_hook(callback_url=url, secret=secret)
    except ProviderError as exc:
        raise ApplicationError(
            exc.message,
            code="webhook_registration_failed",
            status_code=400 if exc.permanent else 502,
        ) from None
    previous_id, previous_provider = project.webhook_external_id, project.webhook_provider
    if previous_id and previous_provider == client.name and previous_id != external_id:
        try:
            client.delete_hook(hook_id=previous_id)
        except ProviderError:
            pass  # The old hook fails signature checks from now on anyway.
    with transaction.atomic():
        locked = Project.objects.select_for_update().get(pk=project.pk)
        locked.webhook_secret = secret
        locked.webhook_provider = client.name
        locked.webhook_external_id = external_id
        locked.save(update_fields=["webhook_secret", "webhook_provider", "webhook_external_id", "updated_at"])
    project.webhook_secret, project.webhook_provider, project.webhook_external_id = (
        secret, client.name, external_id,
    )
    return WebhookRegistration(
        project=project, provider=client.name, secret=secret, callback_url=url, external_id=external_id
    )


def webhook_delivery_receive(
    *, provider: str, delivery_id: str, project: Project, event: str, branches: tuple[str, ...], is_push: bool
) -> tuple[WebhookDelivery, bool]:
    """Record a verified delivery once; a push to the tracked branch of an active project
    enqueues one rescan after commit. Returns (delivery, created) — replays give created=False."""
    existing = WebhookDelivery.objects.filter(provider=provider, delivery_id=delivery_id).first()
    if existing is not None:
        return existing, False

    tracked = project.repository_branch
    branch = tracked if tracked in branches else (branches[0] if branches else "")
    if not is_push:
        outcome, reason = WebhookDelivery.Outcome.IGNORED, "not a push event"
    elif project.status != Project.Status.ACTIVE:
        outcome, reason = WebhookDelivery.Outcome.IGNORED, "project is archived"
    elif branch != project.repository_branch:
        outcome, reason = WebhookDelivery.Outcome.IGNORED, "not the tracked branch"
    else:
        outcome, reason = WebhookDelivery.Outcome.TRIGGERED, ""

    try:
        with transaction.atomic():
            delivery = WebhookDelivery.objects.create(
                provider=provider,
                delivery_id=delivery_id[:255],
                project=project,
                event=event[:100],
                branch=branch[:255],
                outcome=outcome,
                reason=reason,
            )
            if outcome == WebhookDelivery.Outcome.TRIGGERED:
                # After commit, so the delivery is durable before a scan can start; a failure to
                # create the scan is recorded on the delivery rather than losing it silently.
                transaction.on_commit(lambda: _enqueue_rescan(project, delivery.pk))
    except IntegrityError:
        # A concurrent replay won the unique constraint: that one is the processed delivery.
        return WebhookDelivery.objects.get(provider=provider, delivery_id=delivery_id[:255]), False
    return delivery, True


def _enqueue_rescan(project: Project, delivery_id: int) -> None:
    # Imported here: scanning depends on projects, not the other way round.
    from scanning.services import scan_job_create

    try:
        scan_job_create(project=project, trigger="webhook", source="repository", requested_by=None)
    except (ApplicationError, ValidationError) as exc:
        reason = getattr(exc, "message", None) or "; ".join(getattr(exc, "messages", [])) or str(exc)
        WebhookDelivery.objects.filter(pk=delivery_id).update(
            outcome=WebhookDelivery.Outcome.FAILED, reason=reason[:255]
        )
