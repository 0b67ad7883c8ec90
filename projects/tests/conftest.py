from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from projects.tests.gitserver import run_git as _git


@pytest.fixture
def make_repo(tmp_path: Path) -> Callable[..., Path]:
    """A local repository: ``{branch: {relative path: content}}``; no branches → an empty repo."""

    def make(branches: dict[str, dict[str, str]] | None = None, name: str = "origin") -> Path:
        repo = tmp_path / name
        repo.mkdir()
        _git(repo, "init", "-q", "-b", "main")
        for index, (branch, files) in enumerate((branches or {}).items()):
            if index:
                _git(repo, "checkout", "-q", "--orphan", branch)
                _git(repo, "rm", "-rfq", "--ignore-unmatch", ".")
            for relative, content in files.items():
                path = repo / relative
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(content)
            _git(repo, "add", "-A")
            _git(repo, "commit", "-qm", f"{branch} files")
        return repo

    return make


@pytest.fixture
def repo(make_repo: Callable[..., Path]) -> Path:
    return make_repo({"main": {"README.md": "hello", "api/app.py": "app = 1"}, "develop": {"dev.txt": "dev"}})


