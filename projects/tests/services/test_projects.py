from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from projects import git
from projects.models import Project
from projects.services import (
    MASKED_HEADER_VALUE,
    MSG_ARCHIVED_READ_ONLY,
    MSG_HEADER_NAME_INVALID,
    MSG_HTTPS_CREDENTIALS_NEED_HTTPS_URL,
    MSG_INVALID_TRANSITION,
    MSG_NAME_TAKEN,
    MSG_SSH_KEY_NEEDS_SSH_URL,
    MSG_TOKEN_REQUIRED,
    RepositoryCredentialsInput,
    project_create,
    project_delete,
    project_status_change,
    project_update,
)
from projects.tests.factories import ProjectFactory, UserFactory
from projects.tests.gitserver import git_http_server
from testgen.api.errors import ConflictError

pytestmark = pytest.mark.django_db

TOKEN = "glpat-TopSecretToken123456"


def _raw_column(project_id: int, column: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM projects_project WHERE id = %s", [project_id])  # noqa: S608
        return cursor.fetchone()[0]


def _errors(caught: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return caught.value.message_dict


# --- create ----------------------------------------------------------------------------------


def test_it_creates_a_project_without_a_repository(owner) -> None:
    project = project_create(owner=owner, name="  Billing API ", target_base_url="https://billing.example.com")
    assert project.name == "Billing API"
    assert project.status == Project.Status.ACTIVE
    assert project.coverage_threshold == 80
    assert project.repository_branch == "main"


def test_it_creates_a_project_whose_branch_is_readable(owner, repo: Path) -> None:
    project = project_create(owner=owner, name="Repo", repository_url=str(repo), repository_branch="develop")
    assert Project.objects.get(pk=project.pk).repository_branch == "develop"


def test_a_missing_branch_is_reported_on_the_branch_field_and_nothing_is_saved(owner, repo: Path) -> None:
    with pytest.raises(ValidationError) as caught:
        project_create(owner=owner, name="Repo", repository_url=str(repo), repository_branch="release")
    assert _errors(caught) == {"repository_branch": [git.MSG_BRANCH_NOT_FOUND.format(branch="release")]}
    assert not Project.objects.exists()


def test_a_wrong_url_is_reported_and_nothing_is_saved(owner, tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as caught:
        project_create(owner=owner, name="Repo", repository_url=str(tmp_path / "missing"))
    assert _errors(caught) == {"repository_url": [git.MSG_REPOSITORY_NOT_FOUND]}
    assert not Project.objects.exists()


def test_an_empty_repository_is_refused(owner, make_repo) -> None:
    with pytest.raises(ValidationError) as caught:
        project_create(owner=owner, name="Repo", repository_url=str(make_repo()))
    assert _errors(caught) == {"repository_branch": [git.MSG_EMPTY_REPOSITORY]}


def test_a_disallowed_scheme_is_refused_before_any_network_call(owner) -> None:
    with pytest.raises(ValidationError) as caught:
        project_create(owner=owner, name="Repo", repository_url="ext::sh -c id")
    assert _errors(caught) == {"repository_url": [git.MSG_SCHEME_NOT_ALLOWED]}


def test_bad_credentials_are_a_400_on_the_credentials_and_nothing_is_saved(owner, repo: Path) -> None:
    with git_http_server(repo.parent, username="oauth2", password="right") as server:
        with pytest.raises(ValidationError) as caught:
            project_create(
                owner=owner, name="Repo", repository_url=f"http://127.0.0.1:{server.server_port}/{repo.name}",
                credentials=RepositoryCredentialsInput(auth_type="token", secret=TOKEN),
            )
    assert _errors(caught) == {"repository_credentials": [git.MSG_AUTH_FAILED]}
    assert TOKEN not in str(caught.value)
    assert not Project.objects.exists()


def test_good_credentials_are_stored_encrypted(owner, repo: Path) -> None:
    with git_http_server(repo.parent, username="x-access-token", password=TOKEN) as server:
        project = project_create(
            owner=owner, name="Repo", repository_url=f"http://127.0.0.1:{server.server_port}/{repo.name}",
            credentials=RepositoryCredentialsInput(auth_type="token", secret=TOKEN),
        )
    assert TOKEN not in _raw_column(project.pk, "repository_secret")
    assert Project.objects.get(pk=project.pk).repository_secret == TOKEN


def test_a_token_needs_a_value(owner) -> None:
    with pytest.raises(ValidationError) as caught:
        project_create(owner=owner, name="R", repository_url="https://github.com/o/r.git",
                       credentials=RepositoryCredentialsInput(auth_type="token"))
    assert _errors(caught) == {"repository_credentials": [MSG_TOKEN_REQUIRED]}


def test_a_token_cannot_be_used_with_an_ssh_url(owner) -> None:
    with pytest.raises(ValidationError) as caught:
        project_create(owner=owner, name="R", repository_url="git@github.com:o/r.git",
                       credentials=RepositoryCredentialsInput(auth_type="token", secret=TOKEN))
    assert _errors(caught) == {"repository_credentials": [MSG_HTTPS_CREDENTIALS_NEED_HTTPS_URL]}


def test_an_ssh_key_needs_an_ssh_url(owner) -> None:
    key = "-----BEGIN OPENSSH PRIVATE KEY-----\nx\n-----END OPENSSH PRIVATE KEY-----"
    with pytest.raises(ValidationError) as caught:
        project_create(owner=owner, name="R", repository_url="https://github.com/o/r.git",
                       credentials=RepositoryCredentialsInput(auth_type="ssh_key", secret=key))
    assert _errors(caught) == {"repository_credentials": [MSG_SSH_KEY_NEEDS_SSH_URL]}


def test_names_are_unique_per_owner(owner, outsider) -> None:
    project_create(owner=owner, name="Shop")
    project_create(owner=outsider, name="Shop")
    with pytest.raises(ConflictError) as caught:
        project_create(owner=owner, name="Shop")
    assert caught.value.message == MSG_NAME_TAKEN


def test_invalid_header_names_are_refused(owner) -> None:
    with pytest.raises(ValidationError) as caught:
        project_create(owner=owner, name="R", default_headers={"Bad Header": "x"})
    assert _errors(caught) == {"default_headers": [MSG_HEADER_NAME_INVALID.format(name="Bad Header")]}


def test_a_spec_file_is_stored(owner) -> None:
    spec = SimpleUploadedFile("openapi.yaml", b"openapi: 3.0.0\n", content_type="application/yaml")
    project = project_create(owner=owner, name="R", spec_file=spec)
    assert project.spec_file.read() == b"openapi: 3.0.0\n"


# --- Property 32: credentials at rest -------------------------------------------------------

secrets_strategy = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=6, max_size=80
)


@hsettings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(secret=secrets_strategy)
def test_credentials_round_trip_and_the_ciphertext_never_contains_the_secret(owner, secret: str) -> None:
    project = ProjectFactory(owner=owner, repository_auth_type="token", repository_secret=secret,
                             webhook_secret=secret)
    project.default_headers = {"Authorization": secret}
    project.save()
    for column in ("repository_secret", "webhook_secret", "secret_headers"):
        stored = _raw_column(project.pk, column)
        assert secret not in stored
    reloaded = Project.objects.get(pk=project.pk)
    assert reloaded.repository_secret == secret
    assert reloaded.webhook_secret == secret
    assert reloaded.default_headers == {"Authorization": secret}


def test_credentials_encrypted_under_an_older_key_still_decrypt(owner, settings) -> None:
    from testgen.crypto import _fernet

    old_primary = list(settings.TESTGEN_ENCRYPTION_KEYS)
    settings.TESTGEN_ENCRYPTION_KEYS = [old_primary[1]]
    project = ProjectFactory(owner=owner, repository_secret="rotate-me-please")
    settings.TESTGEN_ENCRYPTION_KEYS = old_primary
    _fernet.cache_clear()
    assert Project.objects.get(pk=project.pk).repository_secret == "rotate-me-please"


# --- update ------------------------------------------------------------------------------------


def test_update_changes_plain_fields(owner) -> None:
    project = ProjectFactory(owner=owner)
    project_update(project=project, data={"description": "new", "coverage_threshold": 95})
    project.refresh_from_db()
    assert (project.description, project.coverage_threshold) == ("new", 95)


def test_update_keeps_stored_credentials_when_none_are_sent(owner, repo: Path) -> None:
    project = ProjectFactory(owner=owner, repository_url=str(repo), repository_auth_type="token",
                             repository_secret=TOKEN)
    project_update(project=project, data={"repository_branch": "develop"})
    assert Project.objects.get(pk=project.pk).repository_secret == TOKEN


def test_update_revalidates_only_when_repository_settings_change(owner, repo: Path, tmp_path: Path) -> None:
    project = ProjectFactory(owner=owner, repository_url=str(tmp_path / "gone"))
    project_update(project=project, data={"description": "no git call needed"})
    with pytest.raises(ValidationError) as caught:
        project_update(project=project, data={"repository_branch": "other"})
    assert "repository_url" in _errors(caught)
    assert Project.objects.get(pk=project.pk).repository_branch == "main"


def test_update_with_a_wrong_branch_saves_nothing(owner, repo: Path) -> None:
    project = ProjectFactory(owner=owner, repository_url=str(repo), description="before")
    with pytest.raises(ValidationError):
        project_update(project=project, data={"repository_branch": "nope", "description": "after"})
    assert Project.objects.get(pk=project.pk).description == "before"


def test_sending_the_mask_back_keeps_a_secret_header(owner) -> None:
    project = ProjectFactory(owner=owner)
    project.default_headers = {"Authorization": "Bearer real-token-value", "Accept": "application/json"}
    project.save()
    project_update(project=project, data={"default_headers": {"Authorization": MASKED_HEADER_VALUE, "X-Env": "qa"}})
    assert Project.objects.get(pk=project.pk).default_headers == {
        "Authorization": "Bearer real-token-value", "X-Env": "qa",
    }


def test_renaming_onto_an_existing_name_is_a_conflict(owner) -> None:
    ProjectFactory(owner=owner, name="Taken")
    project = ProjectFactory(owner=owner, name="Mine")
    with pytest.raises(ConflictError):
        project_update(project=project, data={"name": "Taken"})


# --- Property 5: status lifecycle -------------------------------------------------------------


def test_an_active_project_can_be_archived_and_unarchived(owner) -> None:
    project = ProjectFactory(owner=owner)
    project_status_change(project=project, status="archived")
    assert Project.objects.get(pk=project.pk).status == "archived"
    project_status_change(project=project, status="active")
    assert Project.objects.get(pk=project.pk).status == "active"


@pytest.mark.parametrize(("current", "target"), [("active", "active"), ("archived", "archived"),
                                                 ("active", "deleted"), ("archived", "")])
def test_invalid_transitions_are_conflicts(owner, current: str, target: str) -> None:
    project = ProjectFactory(owner=owner, status=current)
    with pytest.raises(ConflictError) as caught:
        project_status_change(project=project, status=target)
    assert caught.value.message == MSG_INVALID_TRANSITION.format(current=current, target=target)
    assert caught.value.status_code == 409
    assert Project.objects.get(pk=project.pk).status == current


@hsettings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(targets=st.lists(st.sampled_from(["active", "archived", "paused", "deleted"]), max_size=8))
def test_status_follows_the_lifecycle_for_any_sequence_of_requests(owner, targets: list[str]) -> None:
    project = ProjectFactory(owner=owner)
    expected = "active"
    allowed = {("active", "archived"), ("archived", "active")}
    for target in targets:
        if (expected, target) in allowed:
            project_update(project=project, data={"status": target})
            expected = target
        else:
            with pytest.raises(ConflictError):
                project_update(project=project, data={"status": target})
        assert Project.objects.get(pk=project.pk).status == expected


def test_an_archived_project_is_read_only(owner) -> None:
    project = ProjectFactory(owner=owner, status="archived")
    with pytest.raises(ConflictError) as caught:
        project_update(project=project, data={"description": "edit"})
    assert caught.value.message == MSG_ARCHIVED_READ_ONLY


def test_unarchiving_may_carry_other_changes(owner) -> None:
    project = ProjectFactory(owner=owner, status="archived")
    project_update(project=project, data={"status": "active", "description": "back"})
    project.refresh_from_db()
    assert (project.status, project.description) == ("active", "back")


# --- delete -------------------------------------------------------------------------------------


def _rows_referencing(project_id: int) -> dict[str, int]:
    counts: dict[str, int] = {}
    for relation in Project._meta.related_objects:
        model = relation.related_model
        counts[model._meta.label] = model.objects.filter(**{relation.field.name: project_id}).count()
    return counts


def test_delete_cascades_to_everything_that_belongs_to_the_project(owner) -> None:
    from generation.tests.factories import TestCaseFactory
    from scanning.tests.factories import EndpointFactory, ScanJobFactory

    from projects.tests.factories import WebhookDeliveryFactory

    project = ProjectFactory(owner=owner)
    TestCaseFactory(project=project, endpoint=EndpointFactory(project=project))
    ScanJobFactory(project=project)
    WebhookDeliveryFactory(project=project)
    other = ProjectFactory(owner=owner)
    TestCaseFactory(project=other)
    assert sum(_rows_referencing(project.pk).values()) >= 4

    project_id = project.pk
    project_delete(project=project)

    assert not Project.objects.filter(pk=project_id).exists()
    assert set(_rows_referencing(project_id).values()) == {0}
    assert sum(_rows_referencing(other.pk).values()) >= 2


def test_delete_removes_the_uploaded_spec_after_commit(owner, django_capture_on_commit_callbacks) -> None:
    project = project_create(owner=owner, name="R", spec_file=SimpleUploadedFile("s.json", b"{}"))
    storage = project.spec_file.storage
    name = project.spec_file.name
    with django_capture_on_commit_callbacks(execute=True):
        project_delete(project=project)
    assert not storage.exists(name)


def test_a_user_deleted_takes_their_projects(owner) -> None:
    ProjectFactory(owner=owner)
    owner.delete()
    assert not Project.objects.exists()


def test_factories_make_distinct_owners() -> None:
    assert ProjectFactory().owner_id != ProjectFactory().owner_id
    assert UserFactory().pk


def test_a_concurrent_duplicate_caught_by_the_constraint_is_still_a_conflict(owner, monkeypatch) -> None:
    from projects import services

    project_create(owner=owner, name="Race")
    # As if another request inserted between our check and our insert.
    monkeypatch.setattr(services, "_ensure_name_free", lambda **kwargs: None)
    with pytest.raises(ConflictError) as caught:
        project_create(owner=owner, name="Race")
    assert caught.value.message == MSG_NAME_TAKEN
    assert Project.objects.filter(name="Race").count() == 1


def test_rotation_re_encrypts_under_the_new_primary_key(owner, settings) -> None:
    from cryptography.fernet import Fernet

    from projects.services import project_secrets_rotate
    from testgen.crypto import DecryptionError

    old_key = settings.TESTGEN_ENCRYPTION_KEYS[0]
    new_key = Fernet.generate_key().decode()
    project = ProjectFactory(owner=owner, repository_secret="rotate-me", webhook_secret="hook-me")
    project.default_headers = {"X-Api-Key": "header-me"}
    project.save()

    settings.TESTGEN_ENCRYPTION_KEYS = [new_key, old_key]
    assert project_secrets_rotate() == 1

    settings.TESTGEN_ENCRYPTION_KEYS = [new_key]
    reloaded = Project.objects.get(pk=project.pk)
    assert (reloaded.repository_secret, reloaded.webhook_secret) == ("rotate-me", "hook-me")
    assert reloaded.default_headers == {"X-Api-Key": "header-me"}
    settings.TESTGEN_ENCRYPTION_KEYS = [old_key]
    with pytest.raises(DecryptionError):
        Project.objects.get(pk=project.pk)


@pytest.mark.postgres
def test_search_and_uniqueness_behave_the_same_on_postgresql(owner) -> None:
    from projects.selectors import project_list

    project_create(owner=owner, name="Ünïcode Billing")
    assert [p.name for p in project_list(owner=owner, filters={"search": "billing"})] == ["Ünïcode Billing"]
    with pytest.raises(ConflictError):
        project_create(owner=owner, name="Ünïcode Billing")
