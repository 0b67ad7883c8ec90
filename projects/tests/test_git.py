from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

import pytest

from projects import git
from projects.git import Credentials, GitError
from projects.tests.factories import ProjectFactory
from projects.tests.gitserver import git_http_server, run_git, silent_server

TOKEN = "ghp_TopSecretToken1234567890"


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Route temporary directories into the test's own folder so leftovers can be counted."""
    root = tmp_path / "tmp"
    root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(root))
    return root


# --- URL policy ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/org/repo.git",
        "ftp://example.com/repo.git",
        "git://example.com/repo.git",
        "ext::sh -c touch% /tmp/pwned",
        "fd::17",
        "--upload-pack=touch /tmp/pwned",
        "https:///no-host",
        "relative/path",
    ],
)
def test_it_refuses_disallowed_url_schemes(url: str) -> None:
    with pytest.raises(GitError) as caught:
        git.normalize_url(url)
    assert caught.value.message == git.MSG_SCHEME_NOT_ALLOWED
    assert caught.value.permanent


@pytest.mark.parametrize(
    "url", ["https://github.com/org/repo.git", "ssh://git@gitlab.com/org/repo.git", "git@github.com:org/repo.git"]
)
def test_it_accepts_https_ssh_and_scp_like_urls(url: str) -> None:
    assert git.normalize_url(url) == url


def test_local_paths_are_refused_unless_the_setting_allows_them(settings, repo: Path) -> None:
    settings.TESTGEN_ALLOW_LOCAL_REPOSITORIES = False
    for url in (str(repo), repo.as_uri(), "http://127.0.0.1:9/repo"):
        with pytest.raises(GitError, match="Only https://"):
            git.normalize_url(url)


def test_local_paths_become_file_urls_when_allowed(repo: Path) -> None:
    assert git.normalize_url(str(repo)) == repo.as_uri()


def test_the_git_environment_disables_prompts_and_foreign_transports(settings) -> None:
    settings.TESTGEN_ALLOW_LOCAL_REPOSITORIES = False
    with git.git_environment("https://example.com/r.git", git.NO_CREDENTIALS) as env:
        assert env["GIT_TERMINAL_PROMPT"] == "0"
        assert env["GIT_ALLOW_PROTOCOL"] == "https:ssh"
        config = {env[f"GIT_CONFIG_KEY_{i}"]: env[f"GIT_CONFIG_VALUE_{i}"] for i in range(int(env["GIT_CONFIG_COUNT"]))}
        assert config["protocol.ext.allow"] == "never"


@pytest.mark.parametrize("branch", ["", "--upload-pack=x", "a..b", "feature branch", "x.lock", "a~1"])
def test_it_refuses_branch_names_git_would_misread(branch: str) -> None:
    with pytest.raises(GitError) as caught:
        git.validate_branch(branch)
    assert caught.value.permanent


# --- ls-remote validation -------------------------------------------------------------------


def test_validate_accepts_an_existing_branch(repo: Path) -> None:
    git.ls_remote_validate(url=str(repo), branch="develop", credentials=git.NO_CREDENTIALS)


def test_validate_reports_a_missing_branch_as_permanent(repo: Path) -> None:
    with pytest.raises(GitError) as caught:
        git.ls_remote_validate(url=str(repo), branch="release", credentials=git.NO_CREDENTIALS)
    assert caught.value.message == git.MSG_BRANCH_NOT_FOUND.format(branch="release")
    assert caught.value.permanent


def test_validate_reports_an_empty_repository(make_repo) -> None:
    empty = make_repo()
    with pytest.raises(GitError) as caught:
        git.ls_remote_validate(url=str(empty), branch="main", credentials=git.NO_CREDENTIALS)
    assert caught.value.message == git.MSG_EMPTY_REPOSITORY
    assert caught.value.permanent


def test_validate_reports_a_missing_repository(tmp_path: Path) -> None:
    with pytest.raises(GitError) as caught:
        git.ls_remote_validate(url=str(tmp_path / "nowhere"), branch="main", credentials=git.NO_CREDENTIALS)
    assert caught.value.message == git.MSG_REPOSITORY_NOT_FOUND
    assert caught.value.permanent


def test_validate_times_out_as_a_transient_error(settings) -> None:
    settings.TESTGEN_GIT_LS_REMOTE_TIMEOUT = 1
    with silent_server() as port:
        with pytest.raises(GitError) as caught:
            git.ls_remote_validate(url=f"http://127.0.0.1:{port}/repo", branch="main", credentials=git.NO_CREDENTIALS)
    assert caught.value.message == git.MSG_TIMEOUT.format(seconds=1)
    assert not caught.value.permanent


def test_an_unreachable_host_is_transient() -> None:
    with pytest.raises(GitError) as caught:
        git.ls_remote_validate(url="ssh://git@127.0.0.1:1/repo.git", branch="main", credentials=git.NO_CREDENTIALS)
    assert caught.value.message == git.MSG_UNREACHABLE
    assert not caught.value.permanent


# --- HTTPS credentials ------------------------------------------------------------------------


def test_token_is_sent_as_basic_auth_and_never_in_the_url(repo: Path) -> None:
    with git_http_server(repo.parent, username="x-access-token", password=TOKEN) as server:
        url = f"http://127.0.0.1:{server.server_port}/{repo.name}"
        git.ls_remote_validate(url=url, branch="main", credentials=Credentials(auth_type="token", secret=TOKEN))
    assert TOKEN not in url
    assert server.authorizations and all(a.startswith("Basic ") for a in server.authorizations)


def test_the_auth_header_is_scoped_to_the_repository_origin() -> None:
    with git.git_environment("https://git.example.com/org/r.git", Credentials(auth_type="token", secret=TOKEN)) as env:
        keys = [env[f"GIT_CONFIG_KEY_{i}"] for i in range(int(env["GIT_CONFIG_COUNT"]))]
    assert "http.https://git.example.com/.extraHeader" in keys
    assert "http.extraHeader" not in keys


def test_pinned_ssh_host_keys_are_enforced_when_configured(settings, tmp_path: Path) -> None:
    settings.TESTGEN_GIT_SSH_KNOWN_HOSTS = str(tmp_path / "known_hosts")
    with git.git_environment("ssh://git@example.com/r.git", git.NO_CREDENTIALS) as env:
        assert "StrictHostKeyChecking=yes" in env["GIT_SSH_COMMAND"]
        assert str(tmp_path / "known_hosts") in env["GIT_SSH_COMMAND"]


def test_a_wrong_token_is_an_auth_failure_without_the_token_in_the_message(repo: Path) -> None:
    with git_http_server(repo.parent, username="x-access-token", password="the-right-one") as server:
        url = f"http://127.0.0.1:{server.server_port}/{repo.name}"
        with pytest.raises(GitError) as caught:
            git.ls_remote_validate(url=url, branch="main", credentials=Credentials(auth_type="token", secret=TOKEN))
    assert caught.value.message == git.MSG_AUTH_FAILED
    assert caught.value.permanent
    assert TOKEN not in str(caught.value)


def test_missing_credentials_fail_without_prompting(repo: Path) -> None:
    with git_http_server(repo.parent, username="u", password="p") as server:
        with pytest.raises(GitError) as caught:
            git.ls_remote_validate(
                url=f"http://127.0.0.1:{server.server_port}/{repo.name}", branch="main", credentials=git.NO_CREDENTIALS
            )
    assert caught.value.message == git.MSG_AUTH_FAILED


def test_username_and_password_clone_over_https(repo: Path) -> None:
    credentials = Credentials(auth_type="password", username="alice", secret="s3cret-pass")
    with git_http_server(repo.parent, username="alice", password="s3cret-pass") as server:
        url = f"http://127.0.0.1:{server.server_port}/{repo.name}"
        with git.checkout_repository(url=url, branch="main", credentials=credentials) as path:
            assert (path / "README.md").read_text() == "hello"


def test_unknown_git_errors_are_scrubbed_of_the_literal_secret() -> None:
    error = git._classify("fatal: something odd about plain-secret-value", branch="main", secrets=("plain-secret-value",))
    assert "plain-secret-value" not in error.message
    assert "***" in error.message


# --- SSH keys -----------------------------------------------------------------------------------


def test_ssh_key_is_written_0600_and_removed_afterwards() -> None:
    key = "-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----"
    with git.git_environment("ssh://git@example.com/r.git", Credentials(auth_type="ssh_key", secret=key)) as env:
        key_path = Path(env["GIT_SSH_COMMAND"].split("-i ", 1)[1].split()[0])
        assert stat.S_IMODE(os.stat(key_path).st_mode) == 0o600
        assert key_path.read_text().startswith("-----BEGIN OPENSSH PRIVATE KEY-----")
        assert "BatchMode=yes" in env["GIT_SSH_COMMAND"]
    assert not key_path.exists()
    assert not key_path.parent.exists()


# --- checkout ----------------------------------------------------------------------------------


def test_checkout_clones_the_configured_branch_shallowly(repo: Path, private_tmp: Path) -> None:
    with git.checkout_repository(url=str(repo), branch="develop") as path:
        assert (path / "dev.txt").read_text() == "dev"
        assert not (path / "README.md").exists()
        assert (path / ".git" / "shallow").exists()
    assert not path.exists()
    assert list(private_tmp.iterdir()) == []


def test_checkout_applies_the_sub_directory(repo: Path) -> None:
    with git.checkout_repository(url=str(repo), branch="main", subdirectory="api/") as path:
        assert path.name == "api"
        assert (path / "app.py").exists()


def test_checkout_of_a_project_uses_its_settings(db, repo: Path) -> None:
    project = ProjectFactory(repository_url=str(repo), repository_branch="main", repository_subdirectory="api")
    with git.checkout(project) as path:
        assert [p.name for p in path.iterdir()] == ["app.py"]


@pytest.mark.parametrize("subdirectory", ["../outside", "api/../../outside"])
def test_checkout_refuses_sub_directories_outside_the_repository(repo: Path, subdirectory: str) -> None:
    with pytest.raises(GitError, match="relative path inside"):
        with git.checkout_repository(url=str(repo), branch="main", subdirectory=subdirectory):
            pass


def test_checkout_refuses_a_sub_directory_that_symlinks_outside(make_repo, tmp_path: Path) -> None:
    origin = make_repo({"main": {"README.md": "x"}})
    (origin / "escape").symlink_to(tmp_path)
    run_git(origin, "add", "escape")
    run_git(origin, "commit", "-qm", "link")
    with pytest.raises(GitError, match="relative path inside"):
        with git.checkout_repository(url=str(origin), branch="main", subdirectory="escape"):
            pass


def test_a_leading_slash_in_the_sub_directory_means_the_repository_root(repo: Path) -> None:
    with git.checkout_repository(url=str(repo), branch="main", subdirectory="/api") as path:
        assert (path / "app.py").exists()


def test_checkout_reports_a_missing_sub_directory(repo: Path, private_tmp: Path) -> None:
    with pytest.raises(GitError) as caught:
        with git.checkout_repository(url=str(repo), branch="main", subdirectory="nope"):
            pass
    assert caught.value.message == git.MSG_SUBDIRECTORY_MISSING.format(path="nope", branch="main")
    assert list(private_tmp.iterdir()) == []


def test_checkout_of_a_missing_branch_is_permanent_and_leaves_nothing(repo: Path, private_tmp: Path) -> None:
    with pytest.raises(GitError) as caught:
        with git.checkout_repository(url=str(repo), branch="release"):
            pass
    assert caught.value.message == git.MSG_BRANCH_NOT_FOUND.format(branch="release")
    assert caught.value.permanent
    assert list(private_tmp.iterdir()) == []


def test_checkout_of_an_empty_repository_fails_permanently(make_repo) -> None:
    empty = make_repo()
    with pytest.raises(GitError) as caught:
        with git.checkout_repository(url=str(empty), branch="main"):
            pass
    assert caught.value.permanent


def test_checkout_over_the_size_limit_is_refused(settings, make_repo, private_tmp: Path) -> None:
    settings.TESTGEN_GIT_MAX_REPOSITORY_BYTES = 10_000
    big = make_repo({"main": {"blob.txt": os.urandom(40_000).hex()}})
    with pytest.raises(GitError) as caught:
        with git.checkout_repository(url=str(big), branch="main"):
            pass
    assert caught.value.message == git.MSG_TOO_LARGE.format(limit=10_000)
    assert caught.value.permanent
    assert list(private_tmp.iterdir()) == []


def test_checkout_over_the_time_limit_is_transient(settings, private_tmp: Path) -> None:
    settings.TESTGEN_GIT_CLONE_TIMEOUT = 1
    with silent_server() as port:
        with pytest.raises(GitError) as caught:
            with git.checkout_repository(url=f"http://127.0.0.1:{port}/repo", branch="main"):
                pass
    assert caught.value.message == git.MSG_TIMEOUT.format(seconds=1)
    assert not caught.value.permanent
    assert list(private_tmp.iterdir()) == []
