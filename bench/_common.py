"""Helpers every benchmark shares: Django setup, machine description, BENCHMARKS.md sections."""
from __future__ import annotations

import os
import platform
import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = REPO_ROOT / "BENCHMARKS.md"


def setup_django(*, database_url: str | None = None) -> Path:
    """Configure Django on a throwaway SQLite database (unless `database_url`), migrated.

    Benchmarks never touch the development database nor a shared broker: the Celery broker
    is in-memory and no task is consumed.
    """
    workdir = Path(tempfile.mkdtemp(prefix="testgen-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "testgen.settings.local")
    # What production runs: with DEBUG on, Django's debug cursor formats and keeps every SQL
    # statement with its parameters, which is measurable on bulk inserts.
    os.environ["DEBUG"] = "false"
    os.environ["TESTGEN_IGNORE_DOTENV"] = "1"
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["REDIS_URL"] = ""
    os.environ["CELERY_BROKER_URL"] = "memory://"
    os.environ["CELERY_RESULT_BACKEND"] = "cache+memory://"
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    return workdir


def machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        match = re.search(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.M)
        cpu = match.group(1).strip() if match else cpu
    except OSError:
        pass
    ram_gib = 0.0
    try:
        match = re.search(r"^MemTotal:\s*(\d+) kB", Path("/proc/meminfo").read_text(), re.M)
        ram_gib = int(match.group(1)) / 1024 / 1024 if match else 0.0
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {"nproc": cores, "cpu": cpu, "ram_gib": round(ram_gib, 1), "python": platform.python_version()}


def machine_line() -> str:
    m = machine()
    return f"{m['nproc']} cores ({m['cpu']}), {m['ram_gib']} GiB RAM, Python {m['python']}"


def best_of(repeat: int, run: Callable[[], Any]) -> tuple[float, Any]:
    """The fastest of `repeat` runs (the least disturbed by other load) and its result."""
    best = float("inf")
    result: Any = None
    for _ in range(repeat):
        started = time.perf_counter()
        value = run()
        elapsed = time.perf_counter() - started
        if elapsed < best:
            best, result = elapsed, value
    return best, result


def best_of_pairs(repeat: int, first: Callable[[], Any], second: Callable[[], Any]) -> tuple[float, float, Any]:
    """The fastest of `repeat` runs of each of two measurements taken in turns (first,
    second, first...), so that a ratio of the two compares runs of the same moments of a
    shared machine rather than two stretches of it; the second's result comes back too."""
    best_first = best_second = float("inf")
    result: Any = None
    for _ in range(repeat):
        started = time.perf_counter()
        first()
        best_first = min(best_first, time.perf_counter() - started)
        started = time.perf_counter()
        value = second()
        elapsed = time.perf_counter() - started
        if elapsed < best_second:
            best_second, result = elapsed, value
    return best_first, best_second, result


def write_section(title: str, body: str, *, path: Path = BENCHMARKS) -> None:
    """Replace (or append) the `## title` section of BENCHMARKS.md, leaving the others alone."""
    text = path.read_text() if path.exists() else "# Benchmarks\n\nResults of `python -m bench <name>`.\n"
    section = f"## {title}\n\n{body.strip()}\n"
    pattern = re.compile(rf"^## {re.escape(title)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text, count=1).rstrip() + "\n"
    else:
        text = text.rstrip() + "\n\n" + section
    path.write_text(text)
