"""The Git layer: URL policy, credentialed ls-remote validation and shallow checkouts (GitPython).

Security model:
- Only ``https://``, ``ssh://`` and scp-like ``git@host:path`` URLs are accepted; local paths,
  ``file://`` and loopback ``http://`` only when ``TESTGEN_ALLOW_LOCAL_REPOSITORIES`` is on
  (development and tests). Git's remote helpers (``ext::`` and friends) are refused by the URL
  policy, by GitPython's unsafe-protocol check and by ``GIT_ALLOW_PROTOCOL``.
- Git never prompts (``GIT_TERMINAL_PROMPT=0``) and never reads the host's global/system config
  (credential helpers, ``insteadOf`` rewrites), so only what we pass is used.
- HTTPS secrets travel as an ``http.extraHeader`` set through ``GIT_CONFIG_*`` environment
  variables, never in argv or in the URL; SSH keys are written to a 0600 file in a private
  temporary directory that is removed afterwards.
- Every message leaving this module is scrubbed of known secret shapes and of the literal secret.
"""
from __future__ import annotations

import base64
import os
import re
import shlex
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import git as gitpython
from django.conf import settings

from testgen.api.scrub import scrub

if TYPE_CHECKING:
    from projects.models import Project

MSG_URL_REQUIRED = "A repository URL is required."
MSG_SCHEME_NOT_ALLOWED = "Only https://, ssh:// and git@ repository URLs are allowed."
MSG_BRANCH_REQUIRED = "A branch is required."
MSG_BRANCH_INVALID = "The branch name is not valid."
MSG_BRANCH_NOT_FOUND = "Branch '{branch}' does not exist in the repository."
MSG_EMPTY_REPOSITORY = "The repository is empty: it has no branches."
MSG_AUTH_FAILED = "Authentication to the repository failed; check the credentials."
MSG_REPOSITORY_NOT_FOUND = "The repository was not found, or these credentials cannot read it."
MSG_UNREACHABLE = "Could not reach the repository host."
MSG_TIMEOUT = "The Git operation did not finish within {seconds} seconds."
MSG_TOO_LARGE = "The repository is larger than the limit of {limit} bytes."
MSG_SUBDIRECTORY_INVALID = "The sub-directory must be a relative path inside the repository."
MSG_SUBDIRECTORY_MISSING = "Sub-directory '{path}' does not exist on branch '{branch}'."
MSG_GIT_FAILED = "Git failed: {detail}"

_SCP_LIKE = re.compile(r"^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:(?!//)[^\s]+$")
# git check-ref-format rules that matter for a branch we pass on the command line.
_BAD_BRANCH = re.compile(r"(^[-/.])|(\.\.)|([\s~^:?*\[\\\x00-\x1f\x7f])|(@\{)|(/$)|(\.lock$)|(//)")
_LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1"}


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def ls_remote_timeout() -> int:
    return _setting("TESTGEN_GIT_LS_REMOTE_TIMEOUT", 20)


def clone_timeout() -> int:
    return _setting("TESTGEN_GIT_CLONE_TIMEOUT", 300)


def max_repository_bytes() -> int:
    return _setting("TESTGEN_GIT_MAX_REPOSITORY_BYTES", 500 * 1024 * 1024)


class GitError(Exception):
    """A Git operation failed. ``permanent`` failures (bad URL, credentials, branch) need the
    user to change something; transient ones (timeouts, network) may succeed on retry."""

    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Credentials:
    """Plaintext credentials, alive only for the duration of one Git operation."""

    auth_type: str = "none"
    username: str = ""
    secret: str = ""

    @property
    def secrets(self) -> tuple[str, ...]:
        return (self.secret,) if self.secret else ()

    def __repr__(self) -> str:
        # Keep secrets out of tracebacks and debug output.
        return f"Credentials(auth_type={self.auth_type!r}, username={self.username!r}, secret=***)"


NO_CREDENTIALS = Credentials()


def credentials_for(project: Project) -> Credentials:
    return Credentials(
        auth_type=project.repository_auth_type,
        username=project.repository_username,
        secret=project.repository_secret or "",
    )


def _local_allowed() -> bool:
    return bool(getattr(settings, "TESTGEN_ALLOW_LOCAL_REPOSITORIES", False))


def normalize_url(url: str) -> str:
    """Return the URL Git should use, or raise a permanent GitError if policy refuses it.

    Local paths become ``file://`` URLs so that ``--depth`` is honoured (Git ignores it for
    plain-path clones).
    """
    url = (url or "").strip()
    if not url:
        raise GitError(MSG_URL_REQUIRED, permanent=True)
    if "::" in url.split("/", 1)[0] or any(ch in url for ch in "\n\r\x00"):
        raise GitError(MSG_SCHEME_NOT_ALLOWED, permanent=True)
    if _SCP_LIKE.match(url):
        return url
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme in ("https", "ssh") and parts.hostname:
        return url
    if _local_allowed():
        if scheme == "file":
            return url
        if scheme == "http" and parts.hostname in _LOOPBACK_HOSTS:
            return url
        if not scheme and url.startswith("/"):
            return Path(url).resolve().as_uri()
    raise GitError(MSG_SCHEME_NOT_ALLOWED, permanent=True)


def _allowed_protocols() -> str:
    return "https:ssh:file:http" if _local_allowed() else "https:ssh"


def validate_branch(branch: str) -> str:
    branch = (branch or "").strip()
    if not branch:
        raise GitError(MSG_BRANCH_REQUIRED, permanent=True)
    if _BAD_BRANCH.search(branch):
        raise GitError(MSG_BRANCH_INVALID, permanent=True)
    return branch


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}/"


def _default_https_username(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    if "gitlab" in host:
        return "oauth2"
    if "bitbucket" in host:
        return "x-token-auth"
    return "x-access-token"


@contextmanager
def git_environment(url: str, credentials: Credentials) -> Iterator[dict[str, str]]:
    """Yield the environment for one Git subprocess; temporary key material is removed on exit."""
    workdir = Path(tempfile.mkdtemp(prefix="testgen-gitenv-"))
    os.chmod(workdir, 0o700)
    try:
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(workdir),
            "LANG": "C",
            "LC_ALL": "C",
            "GIT_TERMINAL_PROMPT": "0",
            "GIT_ASKPASS": "/bin/false",
            "SSH_ASKPASS": "/bin/false",
            "GCM_INTERACTIVE": "never",
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_ALLOW_PROTOCOL": _allowed_protocols(),
            "GIT_PROTOCOL_FROM_USER": "0",
            "GIT_LFS_SKIP_SMUDGE": "1",
        }
        config: list[tuple[str, str]] = [
            ("protocol.ext.allow", "never"),
            ("protocol.fd.allow", "never"),
            ("core.hooksPath", os.devnull),
            ("credential.helper", ""),
            ("http.lowSpeedLimit", "1000"),
            ("http.lowSpeedTime", "30"),
        ]
        secret = credentials.secret
        if credentials.auth_type in ("token", "password") and secret:
            username = credentials.username or (
                _default_https_username(url) if credentials.auth_type == "token" else ""
            )
            basic = base64.b64encode(f"{username}:{secret}".encode()).decode()
            # Scoped to the repository's origin, so a redirect to another host never carries it.
            config.append((f"http.{_origin(url)}.extraHeader", f"Authorization: Basic {basic}"))
        known_hosts_setting = str(getattr(settings, "TESTGEN_GIT_SSH_KNOWN_HOSTS", "") or "")
        if known_hosts_setting:
            known_hosts, host_key_policy = known_hosts_setting, "yes"
        else:
            # No pinned host keys configured: trust on first use, per operation.
            known_hosts, host_key_policy = str(workdir / "known_hosts"), "accept-new"
        ssh_parts = [
            "ssh",
            "-F /dev/null",
            "-o BatchMode=yes",
            f"-o StrictHostKeyChecking={host_key_policy}",
            f"-o UserKnownHostsFile={shlex.quote(known_hosts)}",
            f"-o ConnectTimeout={ls_remote_timeout()}",
        ]
        if credentials.auth_type == "ssh_key" and secret:
            key_file = workdir / "id_key"
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                # OpenSSH refuses keys without the trailing newline.
                handle.write(secret.strip() + "\n")
            ssh_parts += [f"-i {shlex.quote(str(key_file))}", "-o IdentitiesOnly=yes"]
        env["GIT_SSH_COMMAND"] = " ".join(ssh_parts)
        env["GIT_CONFIG_COUNT"] = str(len(config))
        for index, (key, value) in enumerate(config):
            env[f"GIT_CONFIG_KEY_{index}"] = key
            env[f"GIT_CONFIG_VALUE_{index}"] = value
        yield env
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _classify(stderr: str, *, branch: str, secrets: tuple[str, ...]) -> GitError:
    text = stderr.lower()
    if "timeout:" in text or "timed out because" in text or "kill_after_timeout" in text:
        return GitError(MSG_TIMEOUT.format(seconds=ls_remote_timeout()), permanent=False)
    if any(
        marker in text
        for marker in (
            "authentication failed",
            "could not read username",
            "could not read password",
            "permission denied (publickey",
            "access denied",
            "invalid username or password",
            "returned error: 401",
            "returned error: 403",
            "host key verification failed",
            "invalid format",  # an unusable SSH key
            "load key",
        )
    ):
        return GitError(MSG_AUTH_FAILED, permanent=True)
    if f"remote branch {branch.lower()} not found" in text:
        return GitError(MSG_BRANCH_NOT_FOUND.format(branch=branch), permanent=True)
    if any(
        marker in text
        for marker in (
            "repository not found",
            "does not appear to be a git repository",
            "not found",
            "returned error: 404",
            "no such file or directory",
            "transport '",
            "unable to find remote helper",
        )
    ):
        return GitError(MSG_REPOSITORY_NOT_FOUND, permanent=True)
    if any(
        marker in text
        for marker in (
            "could not resolve host",
            "connection refused",
            "connection timed out",
            "failed to connect",
            "couldn't connect",
            "network is unreachable",
            "connection reset",
            "early eof",
            "rpc failed",
            "operation timed out",
            "returned error: 5",
        )
    ):
        return GitError(MSG_UNREACHABLE, permanent=False)
    detail = scrub(" ".join(stderr.split())[:500], secrets) or "unknown error"
    return GitError(MSG_GIT_FAILED.format(detail=detail), permanent=False)


def _git() -> gitpython.Git:
    return gitpython.Git()


def ls_remote_heads(*, url: str, credentials: Credentials = NO_CREDENTIALS) -> list[str]:
    """Branch names of the remote, via ``git ls-remote --heads`` with a timeout."""
    git_url = normalize_url(url)
    gitpython.Git.check_unsafe_protocols(git_url)
    with git_environment(git_url, credentials) as env:
        try:
            output = _git().execute(
                ["git", "ls-remote", "--heads", "--", git_url],
                env=env,
                kill_after_timeout=ls_remote_timeout(),
                stdout_as_string=True,
            )
        except gitpython.GitCommandError as exc:
            raise _classify(str(exc.stderr or exc), branch="", secrets=credentials.secrets) from None
        except (gitpython.GitCommandNotFound, OSError) as exc:
            raise GitError(
                MSG_GIT_FAILED.format(detail=scrub(str(exc), credentials.secrets)), permanent=False
            ) from None
    heads: list[str] = []
    for line in str(output).splitlines():
        _, _, ref = line.partition("\t")
        if ref.startswith("refs/heads/"):
            heads.append(ref[len("refs/heads/"):])
    return heads


def ls_remote_validate(*, url: str, branch: str, credentials: Credentials = NO_CREDENTIALS) -> None:
    """Raise GitError unless ``branch`` of ``url`` is readable with ``credentials``."""
    branch = validate_branch(branch)
    heads = ls_remote_heads(url=url, credentials=credentials)
    if not heads:
        raise GitError(MSG_EMPTY_REPOSITORY, permanent=True)
    if branch not in heads:
        raise GitError(MSG_BRANCH_NOT_FOUND.format(branch=branch), permanent=True)


def _tree_size(root: Path) -> int:
    total = 0
    for dirpath, _dirnames, filenames in os.walk(root):
        for filename in filenames:
            try:
                total += os.lstat(os.path.join(dirpath, filename)).st_size
            except OSError:
                continue
    return total


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.wait()


def _clone(*, git_url: str, branch: str, destination: Path, credentials: Credentials) -> None:
    timeout = clone_timeout()
    limit = max_repository_bytes()
    gitpython.Git.check_unsafe_protocols(git_url)
    with git_environment(git_url, credentials) as env:
        # Run through GitPython but poll ourselves: the clone must be stopped as soon as it is
        # too slow *or* too big, which kill_after_timeout alone cannot do.
        handle = _git().execute(
            [
                "git", "clone", "--depth", "1", "--single-branch", "--no-tags",
                "--branch", branch, "--", git_url, str(destination),
            ],
            env=env,
            as_process=True,
            start_new_session=True,
        )
        process: subprocess.Popen[bytes] = handle.proc
        stderr_chunks: list[bytes] = []
        # Drain stderr concurrently so a chatty failure cannot block on a full pipe.
        reader = threading.Thread(
            target=lambda: stderr_chunks.append(process.stderr.read() if process.stderr else b""),
            daemon=True,
        )
        reader.start()
        deadline = time.monotonic() + timeout
        next_size_check = 0.0
        while process.poll() is None:
            now = time.monotonic()
            if now > deadline:
                _kill_group(process)
                reader.join(timeout=5)
                raise GitError(MSG_TIMEOUT.format(seconds=timeout), permanent=False)
            if now >= next_size_check:
                next_size_check = now + 0.5
                if destination.exists() and _tree_size(destination) > limit:
                    _kill_group(process)
                    reader.join(timeout=5)
                    raise GitError(MSG_TOO_LARGE.format(limit=limit), permanent=True)
            time.sleep(0.05)
        reader.join(timeout=5)
        if process.returncode != 0:
            stderr = b"".join(stderr_chunks).decode("utf-8", "replace")
            error = _classify(stderr, branch=branch, secrets=credentials.secrets)
            if "warning: you appear to have cloned an empty repository" in stderr.lower():
                error = GitError(MSG_EMPTY_REPOSITORY, permanent=True)
            raise error
    if _tree_size(destination) > limit:
        raise GitError(MSG_TOO_LARGE.format(limit=limit), permanent=True)


def _resolve_subdirectory(root: Path, subdirectory: str, branch: str) -> Path:
    subdirectory = (subdirectory or "").strip().strip("/")
    if not subdirectory:
        return root
    relative = Path(subdirectory)
    if relative.is_absolute() or ".." in relative.parts:
        raise GitError(MSG_SUBDIRECTORY_INVALID, permanent=True)
    target = (root / relative).resolve()
    # resolve() follows symlinks, so a link pointing outside the clone is caught here too.
    if not target.is_relative_to(root.resolve()):
        raise GitError(MSG_SUBDIRECTORY_INVALID, permanent=True)
    if not target.is_dir():
        raise GitError(MSG_SUBDIRECTORY_MISSING.format(path=subdirectory, branch=branch), permanent=True)
    return target


def validate_subdirectory(subdirectory: str) -> str:
    subdirectory = (subdirectory or "").strip().strip("/")
    relative = Path(subdirectory) if subdirectory else None
    if relative is not None and (relative.is_absolute() or ".." in relative.parts):
        raise GitError(MSG_SUBDIRECTORY_INVALID, permanent=True)
    return subdirectory


@contextmanager
def checkout_repository(
    *, url: str, branch: str, subdirectory: str = "", credentials: Credentials = NO_CREDENTIALS
) -> Iterator[Path]:
    """Shallow-clone ``branch`` of ``url`` into a temporary directory and yield the
    (sub-directory) path; the clone is removed when the block exits, whatever happens."""
    git_url = normalize_url(url)
    branch = validate_branch(branch)
    parent = Path(tempfile.mkdtemp(prefix="testgen-checkout-"))
    try:
        destination = parent / "repo"
        _clone(git_url=git_url, branch=branch, destination=destination, credentials=credentials)
        yield _resolve_subdirectory(destination, subdirectory, branch)
    finally:
        shutil.rmtree(parent, ignore_errors=True)


@contextmanager
def checkout(project: Project) -> Iterator[Path]:
    """Shallow checkout of the project's configured branch and sub-directory (see module doc)."""
    with checkout_repository(
        url=project.repository_url,
        branch=project.repository_branch,
        subdirectory=project.repository_subdirectory,
        credentials=credentials_for(project),
    ) as path:
        yield path
