from __future__ import annotations

import os
from pathlib import Path

import pytest

from scanning.engine import ScanFailure, walk_repository


def files(root: Path) -> list[str]:
    return [f.rel_path for f in walk_repository(root)]


def touch(root: Path, rel: str, content: bytes = b"x") -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)


def test_it_skips_dependency_and_build_directories(tmp_path):
    for rel in ("src/app.js", "node_modules/x/index.js", ".git/config", "build/out.js", "dist/a.js",
                "venv/lib/a.py", "app/__pycache__/a.pyc", "target/A.java"):
        touch(tmp_path, rel)
    assert files(tmp_path) == ["src/app.js"]


def test_it_skips_a_virtualenv_whatever_its_name(tmp_path):
    touch(tmp_path, "pyenv311/pyvenv.cfg")
    touch(tmp_path, "pyenv311/lib/flask/app.py")
    touch(tmp_path, "app.py")
    assert files(tmp_path) == ["app.py"]


def test_it_skips_minified_bundles_and_huge_files(tmp_path):
    touch(tmp_path, "a.min.js")
    touch(tmp_path, "big.js", b"x" * 2048)
    touch(tmp_path, "ok.js")
    assert [f.rel_path for f in walk_repository(tmp_path, max_file_bytes=1024)] == ["ok.js"]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks")
def test_it_never_follows_symlinks_out_of_the_tree(tmp_path):
    outside = tmp_path / "outside"
    touch(outside, "secret.py")
    repo = tmp_path / "repo"
    touch(repo, "app.py")
    (repo / "link.py").symlink_to(outside / "secret.py")
    (repo / "linkdir").symlink_to(outside, target_is_directory=True)
    assert files(repo) == ["app.py"]


def test_too_many_files_is_a_permanent_failure(tmp_path):
    for i in range(4):
        touch(tmp_path, f"f{i}.py")
    with pytest.raises(ScanFailure) as excinfo:
        walk_repository(tmp_path, max_files=3)
    assert excinfo.value.permanent
