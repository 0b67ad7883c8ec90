"""Fixtures for scan tests: the toy scanner registered alone, Git repositories on disk."""
from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from scanning.scanners import registry
from scanning.tests.toy import ToyScanner

TOY = {"toy": "scanning.tests.toy.ToyScanner"}


@pytest.fixture
def toy_only(monkeypatch: pytest.MonkeyPatch) -> type[ToyScanner]:
    monkeypatch.setattr(registry, "SCANNER_CLASSES", dict(TOY))
    ToyScanner.extract_calls = 0
    return ToyScanner


class GitRepo:
    """A real repository on disk that scans clone through `projects.git`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._git("init", "-q", "-b", "main")
        self._git("config", "user.email", "dev@example.com")
        self._git("config", "user.name", "Dev")

    def _git(self, *args: str) -> str:
        return subprocess.run(["git", *args], cwd=self.path, check=True, capture_output=True, text=True).stdout

    def write(self, files: dict[str, str | None], message: str = "change") -> str:
        """Write (or, with None, delete) files and commit; returns the commit sha."""
        for rel, text in files.items():
            target = self.path / rel
            if text is None:
                target.unlink()
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
        self._git("add", "-A")
        self._git("commit", "-q", "--allow-empty", "-m", message)
        return self._git("rev-parse", "HEAD").strip()

    @property
    def url(self) -> str:
        return str(self.path)


@pytest.fixture
def git_repo(tmp_path: Path) -> Iterator[GitRepo]:
    (tmp_path / "origin").mkdir()
    yield GitRepo(tmp_path / "origin")


@pytest.fixture
def toy_project(toy_only: type[ToyScanner], git_repo: GitRepo) -> Callable[..., object]:
    """A project whose repository is `git_repo`, scanned by the toy scanner only."""
    from scanning.tests.factories import ProjectFactory

    def make(**kwargs: object) -> object:
        return ProjectFactory(repository_url=git_repo.url, **kwargs)

    return make
