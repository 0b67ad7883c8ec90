"""Writes for test cases: creation from generator drafts, edits, the review workflow, deletion.

Every status change goes through `_apply_transition`, which consults `TestCase.TRANSITIONS`
(the one definition of the workflow) and raises `ConflictError` for anything else.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.http import Http404
from django.utils import timezone

from generation.models import TestCase, TestCaseVersion
from generation.models.test_cases import format_public_id, spec_fingerprint
from generation.priority import assess_test
from generation.spec import spec_errors, validate_spec
from projects.models import Project
from projects.services import project_stats_invalidate
from scanning.models import Endpoint
from testgen.api.errors import ConflictError

# The file name matches pytest's `test_*.py`; this keeps pytest from collecting the services.
__test__ = False

MESSAGE_INVALID_TRANSITION = "A {current} test case cannot become {target}."
MESSAGE_ARCHIVED_READ_ONLY = "An archived test case cannot be changed."
MESSAGE_DUPLICATE_SPEC = (
    "Another live test case in this project already has this exact request and assertions."
)
MESSAGE_ENDPOINT_OTHER_PROJECT = "The endpoint belongs to another project."
MESSAGE_DRAFT_NOT_OBJECT = "Each draft must be an object."
MESSAGE_PROTECTED = "This test case is referenced by run history and cannot be deleted; archive it instead."
MESSAGE_UNKNOWN_FIELDS = "These fields cannot be changed here: {fields}."
REASON_CREATED = "generated"

EDITABLE_FIELDS = frozenset({"title", "description", "priority", "spec", "status"})
# Full-clean everything except what the services check themselves: foreign keys are model
# instances handed in by the caller (checking them costs a query per row) and uniqueness is
# decided by the fingerprint dedupe under the project lock.
_CLEAN_EXCLUDE = ["project", "endpoint", "created_by", "approved_by", "spec_fingerprint"]


def _lock_project(project: Project) -> None:
    # Serializes writers of one project's test cases, so the duplicate check and the insert
    # see the same set of live fingerprints. (A no-op on SQLite, which serializes writers.)
    Project.objects.select_for_update().filter(pk=project.pk).values_list("pk", flat=True).first()


def _live_fingerprints(
    project: Project, fingerprints: Iterable[str], exclude_pk: int | None = None
) -> dict[str, int]:
    queryset = TestCase.objects.filter(project=project, spec_fingerprint__in=list(fingerprints)).exclude(
        status=TestCase.Status.ARCHIVED
    )
    if exclude_pk is not None:
        queryset = queryset.exclude(pk=exclude_pk)
    return dict(queryset.values_list("spec_fingerprint", "pk"))


def _build_draft(
    *,
    index: int,
    draft: Any,
    project: Project,
    endpoint: Endpoint | None,
    generator: dict[str, str],
    created_by: Any,
    past_failures: int,
) -> TestCase:
    if not isinstance(draft, dict):
        raise ValidationError({f"drafts.{index}": [MESSAGE_DRAFT_NOT_OBJECT]})
    spec = draft.get("spec")
    errors = (
        spec_errors(spec) if isinstance(spec, dict) else [{"path": "(root)", "message": "must be an object"}]
    )
    if errors:
        raise ValidationError({f"drafts.{index}.spec": [f"{e['path']}: {e['message']}" for e in errors]})
    test_type = draft.get("type", "")
    priority = (
        draft.get("priority")
        or assess_test(
            spec=spec, test_type=test_type, endpoint=endpoint, past_failures=past_failures
        ).priority
    )
    test_case = TestCase(
        project=project,
        endpoint=endpoint,
        title=str(draft.get("title", "")).strip(),
        description=str(draft.get("description", "") or ""),
        type=test_type,
        priority=priority,
        status=TestCase.Status.DRAFT,
        spec=spec,
        spec_fingerprint=spec_fingerprint(spec),
        generator_provider=generator.get("provider") or "",
        generator_model=generator.get("model") or "",
        prompt_version=generator.get("prompt_version") or "",
        version=1,
        created_by=created_by,
    )
    try:
        test_case.full_clean(exclude=_CLEAN_EXCLUDE, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise ValidationError(
            {f"drafts.{index}.{field}": messages for field, messages in error.message_dict.items()}
        ) from error
    return test_case


@transaction.atomic
def test_case_create_many(
    *,
    project: Project,
    endpoint: Endpoint | None,
    drafts: list[dict[str, Any]],
    generator: dict[str, str],
    created_by: Any = None,
    past_failures: int = 0,
) -> list[TestCase]:
    """Create draft test cases from generator output; returns only the ones actually created.

    Each draft has `title`, `type`, `spec` and optionally `description` and `priority` (when
    absent, the risk rules of `generation.priority` decide, using `past_failures` of the
    endpoint). Every draft is validated before anything is written: one invalid draft
    rejects the batch with a ValidationError keyed `drafts.<index>.<field>`. Drafts whose
    spec fingerprint repeats an earlier draft or a live (non-archived) test of the project
    are skipped. `generator` is `{"provider", "model", "prompt_version"}`.
    """
    if endpoint is not None and endpoint.project_id != project.pk:
        raise ValidationError({"endpoint": [MESSAGE_ENDPOINT_OTHER_PROJECT]})
    built = [
        _build_draft(
            index=index,
            draft=draft,
            project=project,
            endpoint=endpoint,
            generator=generator,
            created_by=created_by,
            past_failures=past_failures,
        )
        for index, draft in enumerate(drafts)
    ]
    if not built:
        return []

    _lock_project(project)
    taken = set(_live_fingerprints(project, {tc.spec_fingerprint for tc in built}))
    fresh: list[TestCase] = []
    for test_case in built:
        if test_case.spec_fingerprint in taken:
            continue
        taken.add(test_case.spec_fingerprint)
        fresh.append(test_case)
    if not fresh:
        return []

    created = TestCase.objects.bulk_create(fresh)
    TestCaseVersion.objects.bulk_create(
        TestCaseVersion(
            test_case=tc,
            version=1,
            title=tc.title,
            spec=tc.spec,
            changed_by=created_by,
            reason=REASON_CREATED,
        )
        for tc in created
    )
    project_stats_invalidate(project_id=project.pk)
    return created


def _conflict_for(test_case: TestCase, target: str) -> ConflictError:
    if test_case.is_archived:
        return ConflictError(MESSAGE_ARCHIVED_READ_ONLY, code="archived", details={"id": test_case.public_id})
    return ConflictError(
        MESSAGE_INVALID_TRANSITION.format(current=test_case.status, target=target),
        code="invalid_transition",
        details={
            "id": test_case.public_id,
            "from": test_case.status,
            "to": target,
            "allowed": sorted(TestCase.TRANSITIONS[test_case.status]),
        },
    )


def _apply_transition(test_case: TestCase, target: str, actor: Any) -> None:
    if target not in TestCase.Status.values:
        raise ValidationError({"status": [f"Unknown status {target!r}."]})
    if not test_case.can_transition_to(target):
        raise _conflict_for(test_case, target)
    test_case.status = target
    if target == TestCase.Status.APPROVED:
        test_case.approved_by = actor
        test_case.approved_at = timezone.now()
    else:
        # `approved_*` describe the approval in force; a test that left `approved` has none.
        test_case.approved_by = None
        test_case.approved_at = None


def _locked(test_case: TestCase) -> TestCase:
    # `of=self`: PostgreSQL refuses FOR UPDATE across the outer join to the nullable endpoint.
    return (
        TestCase.objects.select_for_update(of=("self",))
        .select_related("project", "endpoint")
        .get(pk=test_case.pk)
    )


@transaction.atomic
def test_case_transition(*, test_case: TestCase, to_status: str, actor: Any) -> TestCase:
    """Move a test case along the review workflow; ConflictError (409) for a move it forbids."""
    locked = _locked(test_case)
    _apply_transition(locked, to_status, actor)
    locked.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    project_stats_invalidate(project_id=locked.project_id)
    return locked


@transaction.atomic
def test_case_update(*, test_case: TestCase, actor: Any, data: dict[str, Any], reason: str = "") -> TestCase:
    """Apply a partial edit (`title`, `description`, `priority`, `spec`, `status`).

    A new title or spec bumps `version` and records a TestCaseVersion. Changing the spec of
    an approved test returns it to `draft` (the approval covered the old spec); a `status`
    in the same edit is applied afterwards, so a reviewer can fix and approve in one step.
    A spec that duplicates another live test of the project is a ConflictError.
    """
    unknown = set(data) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError(
            {"non_field_errors": [MESSAGE_UNKNOWN_FIELDS.format(fields=", ".join(sorted(unknown)))]}
        )
    locked = _locked(test_case)
    changes = {field: value for field, value in data.items() if getattr(locked, field) != value}
    if not changes:
        return locked
    if locked.is_archived:
        raise _conflict_for(locked, changes.get("status", locked.status))

    new_version = False
    if "spec" in changes:
        validate_spec(changes["spec"])
        fingerprint = spec_fingerprint(changes["spec"])
        if fingerprint != locked.spec_fingerprint:
            _lock_project(locked.project)
            duplicate = _live_fingerprints(locked.project, [fingerprint], exclude_pk=locked.pk)
            if duplicate:
                raise ConflictError(
                    MESSAGE_DUPLICATE_SPEC,
                    code="duplicate_spec",
                    details={"duplicate_of": format_public_id(duplicate[fingerprint])},
                )
        locked.spec = changes["spec"]
        locked.spec_fingerprint = fingerprint
        new_version = True
        if locked.status in TestCase.SPEC_EDIT_RESETS_TO_DRAFT:
            locked.status = TestCase.Status.DRAFT
            locked.approved_by = None
            locked.approved_at = None
    if "title" in changes:
        locked.title = str(changes["title"]).strip()
        new_version = True
    for field in ("description", "priority"):
        if field in changes:
            setattr(locked, field, changes[field])
    if new_version:
        locked.version += 1
    # Compared with the status *after* the edit: an approved test whose spec just changed
    # is a draft now, and `status: approved` in the same edit re-approves it.
    if "status" in data and data["status"] != locked.status:
        _apply_transition(locked, data["status"], actor)

    locked.full_clean(exclude=_CLEAN_EXCLUDE, validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            locked.save()
    except IntegrityError as error:
        # Only reachable when the duplicate check raced a writer that skipped the project lock.
        raise ConflictError(MESSAGE_DUPLICATE_SPEC, code="duplicate_spec") from error
    if new_version:
        TestCaseVersion.objects.create(
            test_case=locked,
            version=locked.version,
            title=locked.title,
            spec=locked.spec,
            changed_by=actor,
            reason=reason[:500],
        )
    project_stats_invalidate(project_id=locked.project_id)
    return locked


@transaction.atomic
def test_case_delete(*, test_case: TestCase) -> None:
    """Delete a test case and its history; ConflictError when run history protects it."""
    try:
        TestCase.objects.filter(pk=test_case.pk).delete()
    except ProtectedError as error:
        raise ConflictError(
            MESSAGE_PROTECTED, code="protected", details={"id": test_case.public_id}
        ) from error
    project_stats_invalidate(project_id=test_case.project_id)


def _lock_selection(ids: Sequence[int], project: Project | None) -> list[TestCase]:
    wanted = set(ids)
    queryset = TestCase.objects.select_for_update().filter(pk__in=wanted)
    if project is not None:
        queryset = queryset.filter(project=project)
    rows = list(queryset.order_by("pk"))
    if len(rows) != len(wanted):
        # One foreign or missing id voids the whole request: nothing is changed, and which
        # ids exist elsewhere is not revealed.
        raise Http404("No such test case.")
    return rows


@transaction.atomic
def test_case_bulk_transition(
    *, ids: Sequence[int], to_status: str, actor: Any, project: Project | None = None
) -> list[TestCase]:
    """Move every selected test case to `to_status`, or none of them.

    Http404 when any id is missing (or outside `project` when given); ConflictError listing
    the offenders when any of them may not make that move.
    """
    if to_status not in TestCase.Status.values:
        raise ValidationError({"status": [f"Unknown status {to_status!r}."]})
    rows = _lock_selection(ids, project)
    refused = [tc for tc in rows if not tc.can_transition_to(to_status)]
    if refused:
        raise ConflictError(
            MESSAGE_INVALID_TRANSITION.format(current=refused[0].status, target=to_status),
            code="invalid_transition",
            details={
                "to": to_status,
                "refused": [{"id": tc.public_id, "status": tc.status} for tc in refused],
            },
        )
    now = timezone.now()
    approving = to_status == TestCase.Status.APPROVED
    TestCase.objects.filter(pk__in=[tc.pk for tc in rows]).update(
        status=to_status,
        approved_by=actor if approving else None,
        approved_at=now if approving else None,
        updated_at=now,
    )
    for tc in rows:
        tc.status = to_status
        tc.approved_by = actor if approving else None
        tc.approved_at = now if approving else None
        tc.updated_at = now
    for project_id in {tc.project_id for tc in rows}:
        project_stats_invalidate(project_id=project_id)
    return rows


@transaction.atomic
def test_case_bulk_delete(*, ids: Sequence[int], project: Project | None = None) -> list[str]:
    """Delete every selected test case or none (Http404 when any id is missing or foreign)."""
    rows = _lock_selection(ids, project)
    public_ids = [tc.public_id for tc in rows]
    try:
        TestCase.objects.filter(pk__in=[tc.pk for tc in rows]).delete()
    except ProtectedError as error:
        raise ConflictError(MESSAGE_PROTECTED, code="protected", details={"ids": public_ids}) from error
    for project_id in {tc.project_id for tc in rows}:
        project_stats_invalidate(project_id=project_id)
    return public_ids
