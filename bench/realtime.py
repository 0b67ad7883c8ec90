"""Real-time benchmark: many WebSocket clients on one project while runs of 1,000 tests execute.

The whole deployment runs for real, on loopback only:

* PostgreSQL: a dedicated database (``bench_realtime_<pid>``), created, migrated with
  ``manage.py migrate`` in a subprocess, and dropped at the end;
* Redis (``redis://127.0.0.1:6379/0``): cache, Celery broker and channel layer, under a
  prefix and a queue unique to this invocation (its keys are deleted at the end);
* a target API: the minimal ASGI app of ``bench.execution`` under uvicorn (every path
  answers 200);
* ``--web`` uvicorn instances of TestGen (``testgen.asgi``), the clients spread over them,
  so every event crosses the Redis channel layer to reach both;
* ``--workers`` ``celery worker`` processes (solo pool) executing the runs' chunks.

Settings: ``testgen.settings.local`` with ``DEBUG=false`` (no debug toolbars or query
logging; the local defaults allow loopback targets and ``127.0.0.1`` hosts), Celery results in
the benchmark's database (``django-db``) so nothing outlives it in Redis.

One user owns one project whose target is the loopback API, with ``--tests`` approved test
cases (created with ``test_case_create_many`` and approved with ``test_case_bulk_transition``;
each is ``GET /ping?n=<i>`` expecting 200). ``--clients`` clients connect to
``ws/projects/<id>/?token=<access JWT>``; once every one has its ``connected`` message, the
runs are started one after the other with ``POST /api/projects/<id>/runs``.

Measured for every client and run: whether its ``run.completed`` arrived, and its delivery
latency, receive time minus the event's envelope ``ts`` (set when the event is built, after
the run's transaction committed) and minus the run's ``finished_at`` (read from the run detail
API; it also counts the commit and the publishing); and how many events of each type arrived
(``run.result`` is throttled per connection to ``TESTGEN_WS_MAX_RESULTS_PER_SECOND``, the rest
are counted in ``run.progress``'s ``folded_results``). Client and servers share one clock.

Run `python -m bench realtime [--clients 200] [--runs 3] [--tests 1000] [--web 2] [--workers 2]
[--timeout 600] [--no-write]`.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from bench._common import REPO_ROOT, machine, machine_line, write_section

POSTGRES_URL = "postgres://postgres@127.0.0.1:5432"
# Not database 0: the test suite's autouse fixture calls `cache.clear()`, which with the Redis
# cache is FLUSHDB, prefixes notwithstanding; a suite running meanwhile on database 0 would wipe
# this benchmark's channel groups and Celery queue.
REDIS_DEFAULT_DB = 15
REDIS_SERVER = "redis://127.0.0.1:6379"
SETTINGS_MODULE = "testgen.settings.local"
SECTION = "Real-time (WebSockets)"
RUN_CONCURRENCY = 20  # requests in flight per run: two workers' chunks of 50 can run side by side
CONNECT_PARALLELISM = 20  # handshakes in flight at once while the clients connect
COMPLETION_GRACE_SECONDS = 30.0  # how long stragglers may take once the run is finished in the database
READY_TIMEOUT_SECONDS = 90.0
BODY = json.dumps({"ok": True}).encode()


class BenchTimeout(Exception):
    """The overall time budget (`--timeout`) ran out."""


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise BenchTimeout("the benchmark ran out of its time budget")
    return left


# --- processes -------------------------------------------------------------------------------------


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def _tail(path: Path, size: int = 3000) -> str:
    try:
        return path.read_text(errors="replace")[-size:]
    except OSError:
        return ""


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def web_instance(env: dict[str, str], logs: Path, index: int, deadline: float) -> Iterator[str]:
    """One uvicorn process serving `testgen.asgi`; yields its base URL once /api/health answers."""
    port = _free_port()
    log_path = logs / f"web-{index}.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "testgen.asgi:application", "--host", "127.0.0.1",
             "--port", str(port), "--lifespan", "off", "--log-level", "warning", "--no-access-log",
             "--backlog", "1024"],
            cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        ready_by = min(time.monotonic() + READY_TIMEOUT_SECONDS, deadline)
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"web instance {index} exited:\n{_tail(log_path)}")
            try:
                if httpx.get(f"{base}/api/health", timeout=2).status_code in (200, 503):
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > ready_by:
                raise RuntimeError(f"web instance {index} did not answer /api/health:\n{_tail(log_path)}")
            time.sleep(0.2)
        yield base
    finally:
        _stop(process)


@contextmanager
def celery_worker(env: dict[str, str], logs: Path, index: int, token: str, deadline: float) -> Iterator[None]:
    """One `celery worker` process (solo pool) on the benchmark's queue; yields once ready."""
    log_path = logs / f"worker-{index}.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "testgen", "worker", "--pool", "solo", "--loglevel", "INFO",
             "--hostname", f"{token}-{index}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    try:
        ready_by = min(time.monotonic() + READY_TIMEOUT_SECONDS, deadline)
        while "ready." not in _tail(log_path, 100_000):
            if process.poll() is not None or time.monotonic() > ready_by:
                raise RuntimeError(f"Celery worker {index} did not start:\n{_tail(log_path)}")
            time.sleep(0.2)
        yield
    finally:
        _stop(process)


async def target_app(scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]) -> None:
    """The API under test: every request gets the same small JSON document with 200."""
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(BODY)).encode())]})
    await send({"type": "http.response.body", "body": BODY})


def serve_target(fd: int) -> None:
    import socket

    import uvicorn

    # socket(fileno=) keeps the real family (AF_INET), so asyncio sets TCP_NODELAY on accepted
    # connections (uvicorn's own `fd=` assumes a Unix socket: 40 ms delayed-ACK stalls).
    sock = socket.socket(fileno=fd)
    config = uvicorn.Config(target_app, http="httptools", loop="asyncio", lifespan="off", log_level="warning",
                            access_log=False, backlog=1024)
    uvicorn.Server(config).run(sockets=[sock])


class TargetServer:
    """The target API under uvicorn in a child process, on an inherited loopback socket."""

    def __enter__(self) -> TargetServer:
        import socket

        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(1024)
        self.port = int(self.sock.getsockname()[1])
        fd = self.sock.fileno()
        self.process = subprocess.Popen(
            [sys.executable, "-c", f"from bench.realtime import serve_target; serve_target({fd})"],
            pass_fds=[fd], cwd=REPO_ROOT,
        )
        try:
            ready_by = time.monotonic() + 15
            while True:
                try:
                    if httpx.get(f"{self.url}/ping", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if self.process.poll() is not None or time.monotonic() > ready_by:
                    raise RuntimeError("the target server did not start")
                time.sleep(0.05)
        except BaseException:
            self.__exit__()
            raise
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *exc: object) -> None:
        _stop(self.process)
        self.sock.close()


# --- database and Redis ------------------------------------------------------------------------------


@contextmanager
def dedicated_database(name: str) -> Iterator[str]:
    """CREATE DATABASE `name`, yield its URL, DROP it (WITH FORCE) whatever happened."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield f"{POSTGRES_URL}/{name}"
    finally:
        with psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True, connect_timeout=5) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def delete_redis_keys(redis_url: str, token: str) -> int:
    """Delete every Redis key carrying this invocation's unique token (prefixes, queue)."""
    import redis

    client = redis.Redis.from_url(redis_url, socket_timeout=5)
    try:
        deleted = 0
        batch: list[bytes] = []
        for key in client.scan_iter(match=f"*{token}*", count=1000):
            batch.append(key)
            if len(batch) >= 500:
                deleted += int(client.delete(*batch))
                batch = []
        if batch:
            deleted += int(client.delete(*batch))
        return deleted
    finally:
        client.close()


def migrate(env: dict[str, str], deadline: float) -> None:
    completed = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=REPO_ROOT, env=env,
        capture_output=True, text=True, timeout=min(300.0, _remaining(deadline)),
    )
    if completed.returncode != 0:
        raise RuntimeError(f"migrate failed:\n{completed.stdout[-2000:]}\n{completed.stderr[-3000:]}")


@dataclass(frozen=True)
class Seeded:
    project_id: int
    token: str
    tests: int


def seed(env: dict[str, str], *, target_url: str, tests: int) -> Seeded:
    """One user, one project aimed at the target, `tests` approved test cases; through the services."""
    os.environ.update(env)
    import django

    django.setup()
    from django.db import connections
    from rest_framework_simplejwt.tokens import RefreshToken

    from accounts.services import user_register
    from generation.models import TestCase
    from generation.services.test_cases import test_case_bulk_transition, test_case_create_many
    from projects.services import project_create

    user = user_register(email="bench-realtime@example.com", password="bench-realtime-Passw0rd!")
    project = project_create(owner=user, name="realtime benchmark", target_base_url=target_url)
    drafts = [
        {
            "title": f"ping {index}",
            "type": TestCase.Type.FUNCTIONAL,
            "priority": TestCase.Priority.MEDIUM,
            "spec": {"steps": [{
                "request": {"method": "GET", "path": "/ping", "query": {"n": index}},
                "assertions": [{"type": "status", "expected": 200}],
            }]},
        }
        for index in range(tests)
    ]
    created = test_case_create_many(
        project=project, endpoint=None, drafts=drafts, created_by=user,
        generator={"provider": "bench", "model": "", "prompt_version": ""},
    )
    if len(created) != tests:
        raise RuntimeError(f"created {len(created)} of {tests} test cases")
    test_case_bulk_transition(ids=[tc.pk for tc in created], to_status=TestCase.Status.APPROVED, actor=user,
                              project=project)
    approved = TestCase.objects.filter(project=project, status=TestCase.Status.APPROVED).count()
    if approved != tests:
        raise RuntimeError(f"{approved} of {tests} test cases approved")
    token = str(RefreshToken.for_user(user).access_token)
    connections.close_all()  # the database is dropped at the end: hold no connection to it
    return Seeded(project_id=project.pk, token=token, tests=tests)


# --- the clients --------------------------------------------------------------------------------------------


@dataclass
class RunObservation:
    """What one client saw of one run."""

    counts: Counter[str] = field(default_factory=Counter)
    latencies: dict[str, list[float]] = field(default_factory=dict)  # type → receipt − ts (ms)
    folded: int = 0
    completed_at: float | None = None  # epoch seconds at receipt
    completed_ts: float | None = None  # the envelope's ts


@dataclass
class Client:
    index: int
    url: str
    # Like a browser on the app's own origin: AllowedHostsOriginValidator refuses a socket with
    # no Origin header unless ALLOWED_HOSTS is "*".
    origin: str
    connected: bool = False
    connect_error: str = ""
    closed_code: int | None = None
    runs: dict[str, RunObservation] = field(default_factory=dict)
    other: Counter[str] = field(default_factory=Counter)

    def observation(self, run_id: str) -> RunObservation:
        return self.runs.setdefault(run_id, RunObservation())


def _epoch(iso: str) -> float:
    return datetime.fromisoformat(iso).timestamp()


async def client_session(client: Client, connect_gate: asyncio.Semaphore, ready: asyncio.Event,
                         stop: asyncio.Event, connect_timeout: float) -> None:
    """Connect, wait for `connected`, then record every event until `stop` (or the server closes)."""
    from websockets.asyncio.client import connect

    try:
        async with connect_gate:
            websocket = await asyncio.wait_for(
                connect(client.url, origin=client.origin, open_timeout=connect_timeout, ping_interval=None,
                        max_queue=None, close_timeout=5),
                timeout=connect_timeout,
            )
            first = json.loads(await asyncio.wait_for(websocket.recv(), timeout=connect_timeout))
        if first.get("type") != "connected":
            client.connect_error = f"first message {first.get('type')!r}"
            await websocket.close()
            return
    except Exception as exc:  # noqa: BLE001 — a refused handshake is a result to report, not a crash
        client.connect_error = f"{type(exc).__name__}: {exc}"
        return
    client.connected = True
    try:
        receiver = asyncio.ensure_future(_receive(client, websocket))
        stopper = asyncio.ensure_future(stop.wait())
        await ready.wait()
        await asyncio.wait({receiver, stopper}, return_when=asyncio.FIRST_COMPLETED)
        for task in (receiver, stopper):
            task.cancel()
        await asyncio.gather(receiver, stopper, return_exceptions=True)
    finally:
        await websocket.close()


async def _receive(client: Client, websocket: Any) -> None:
    from websockets.exceptions import ConnectionClosed

    try:
        async for raw in websocket:
            received = time.time()
            event = json.loads(raw)
            event_type = event.get("type", "")
            obj = event.get("object") or {}
            if obj.get("kind") != "run":
                client.other[event_type] += 1
                continue
            seen = client.observation(str(obj.get("id")))
            seen.counts[event_type] += 1
            if event.get("ts"):
                seen.latencies.setdefault(event_type, []).append((received - _epoch(event["ts"])) * 1000)
            if event_type == "run.progress":
                seen.folded += int(event.get("payload", {}).get("folded_results", 0))
            elif event_type == "run.completed":
                seen.completed_at = received
                seen.completed_ts = _epoch(event["ts"])
    except ConnectionClosed as exc:
        client.closed_code = exc.rcvd.code if exc.rcvd else 1006


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    position = (len(ordered) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


async def _run_detail(http: httpx.AsyncClient, base: str, project_id: int, run_id: str, *,
                      finished_only: bool) -> dict[str, Any] | None:
    """The run from the API (None while unfinished when `finished_only`, or when the server did not answer)."""
    try:
        response = await http.get(f"{base}/api/projects/{project_id}/runs/{run_id}")
        response.raise_for_status()
    except httpx.HTTPError:
        return None  # a busy web instance: ask again at the next poll
    detail = response.json()
    return detail if detail.get("finished_at") or not finished_only else None


async def drive(*, bases: list[str], seeded: Seeded, clients_wanted: int, runs: int, run_timeout: float,
                deadline: float) -> dict[str, Any]:
    """Connect the clients, start the runs one after another, and collect what every client saw."""
    clients = [
        Client(index, bases[index % len(bases)].replace("http://", "ws://")
               + f"/ws/projects/{seeded.project_id}/?token={seeded.token}", bases[index % len(bases)])
        for index in range(clients_wanted)
    ]
    gate = asyncio.Semaphore(CONNECT_PARALLELISM)
    ready, stop = asyncio.Event(), asyncio.Event()
    connect_started = time.perf_counter()
    sessions = [asyncio.ensure_future(client_session(c, gate, ready, stop, connect_timeout=30.0)) for c in clients]
    headers = {"Authorization": f"Bearer {seeded.token}"}
    results: list[dict[str, Any]] = []
    try:
        connect_by = time.monotonic() + min(120.0, _remaining(deadline))
        while not all(c.connected or c.connect_error for c in clients):
            if time.monotonic() > connect_by:
                break
            await asyncio.sleep(0.05)
        connect_seconds = time.perf_counter() - connect_started
        live = [c for c in clients if c.connected]
        ready.set()
        print(f"{len(live)}/{clients_wanted} clients connected in {connect_seconds:.1f} s", flush=True)
        if not live:
            raise RuntimeError(f"no client connected: {clients[0].connect_error}")

        async with httpx.AsyncClient(headers=headers, timeout=30.0) as http:
            for number in range(runs):
                base = bases[number % len(bases)]
                posted = time.time()
                response = await http.post(f"{base}/api/projects/{seeded.project_id}/runs",
                                           json={"concurrency": RUN_CONCURRENCY})
                if response.status_code != 202:
                    raise RuntimeError(f"starting run {number + 1}: {response.status_code} {response.text[:500]}")
                run_id = response.json()["id"]
                detail = None
                finished_seen: float | None = None
                polled = reported = 0.0
                give_up = time.monotonic() + run_timeout
                # Until every live client has the run's run.completed and the run API shows it
                # finished; clients still waiting COMPLETION_GRACE_SECONDS after that count as missed.
                while True:
                    _remaining(deadline)
                    waiting = [c for c in live if not c.observation(run_id).completed_at and c.closed_code is None]
                    if detail is None and time.monotonic() - polled >= 1.0:
                        polled = time.monotonic()
                        detail = await _run_detail(http, base, seeded.project_id, run_id, finished_only=True)
                        if detail is not None:
                            finished_seen = time.monotonic()
                    if detail is not None and (
                        not waiting or time.monotonic() - (finished_seen or 0) > COMPLETION_GRACE_SECONDS
                    ):
                        break
                    if time.monotonic() > give_up:
                        print(f"run {number + 1}: gave up after {run_timeout:.0f} s", flush=True)
                        break
                    if time.monotonic() - reported >= 15:
                        reported = time.monotonic()
                        got = Counter(t for c in live for t, n in c.observation(run_id).counts.items() for _ in range(n))
                        print(f"  run {number + 1} after {time.time() - posted:.0f} s: finished in the database: "
                              f"{detail is not None}; clients waiting for run.completed: {len(waiting)}; events "
                              f"received so far: {dict(got)}", flush=True)
                    await asyncio.sleep(0.1)
                if detail is None:
                    detail = await _run_detail(http, base, seeded.project_id, run_id, finished_only=False)
                    if detail is None:
                        raise RuntimeError(f"run {run_id} could not be read after the run timeout")
                results.append(_run_summary(number + 1, run_id, detail, posted, live, seeded.tests))
                row = results[-1]
                print(f"run {number + 1} ({run_id}): {detail['status']}, {detail['passed']}/{detail['total']} passed "
                      f"in {row['run_seconds']:.1f} s; run.completed delivered {row['completed_delivered']}/"
                      f"{row['completed_expected']}; latency after ts p50 {row['latency_ts_ms']['p50']:.0f} ms, "
                      f"p95 {row['latency_ts_ms']['p95']:.0f} ms, max {row['latency_ts_ms']['max']:.0f} ms", flush=True)
        return {
            "clients_wanted": clients_wanted,
            "clients_connected": len(live),
            "connect_errors": Counter(c.connect_error.split(":")[0] for c in clients if c.connect_error),
            "connect_seconds": connect_seconds,
            "closed_during_runs": Counter(str(c.closed_code) for c in live if c.closed_code is not None),
            "runs": results,
        }
    finally:
        ready.set()
        stop.set()
        done, pending = await asyncio.wait(sessions, timeout=30)
        for task in pending:
            task.cancel()
        await asyncio.gather(*sessions, return_exceptions=True)


def _stats(values: list[float]) -> dict[str, float]:
    if not values:
        return {"min": float("nan"), "p50": float("nan"), "p95": float("nan"), "max": float("nan"), "n": 0}
    return {"min": min(values), "p50": _percentile(values, 0.5), "p95": _percentile(values, 0.95),
            "max": max(values), "n": len(values)}


def _run_summary(number: int, run_id: str, detail: dict[str, Any], posted: float, live: list[Client],
                 tests: int) -> dict[str, Any]:
    finished = _epoch(detail["finished_at"]) if detail.get("finished_at") else None
    started = _epoch(detail["started_at"]) if detail.get("started_at") else None
    seen = [c.observation(run_id) for c in live]
    delivered = [s for s in seen if s.completed_at is not None]
    after_ts = [(s.completed_at - s.completed_ts) * 1000 for s in delivered if s.completed_ts is not None]
    after_finish = [(s.completed_at - finished) * 1000 for s in delivered] if finished is not None else []
    per_type = {
        event_type: _stats([float(s.counts.get(event_type, 0)) for s in seen])
        for event_type in ("run.started", "run.progress", "run.result", "run.completed")
    }
    accounted = [s.counts.get("run.result", 0) + s.folded for s in seen]
    by_type = {
        event_type: _stats([v for s in seen for v in s.latencies.get(event_type, [])])
        for event_type in ("run.started", "run.progress", "run.result", "run.completed")
    }
    last_receipt = max((s.completed_at for s in delivered), default=float("nan"))
    return {
        "run": number,
        "id": run_id,
        "status": detail["status"],
        "total": detail["total"],
        "passed": detail["passed"],
        "tests_expected": tests,
        "run_seconds": (detail.get("duration_ms") or 0) / 1000,
        "queue_seconds": (started - posted) if started else float("nan"),
        "post_to_last_completed_seconds": last_receipt - posted,
        "completed_expected": len(live),
        "completed_delivered": len(delivered),
        "latency_ts_ms": _stats(after_ts),
        "latency_finished_ms": _stats(after_finish),
        "events_per_client": per_type,
        "latency_after_ts_by_type_ms": by_type,
        "results_plus_folded": _stats([float(v) for v in accounted]),
        "clients_accounting_all_results": sum(1 for v in accounted if v == detail["total"]),
        # Raw values for the all-runs percentiles; removed before printing.
        "_ts_values": after_ts,
        "_fin_values": after_finish,
    }


# --- report ---------------------------------------------------------------------------------------------------


def _fmt(value: float, digits: int = 0) -> str:
    return "–" if value != value else f"{value:,.{digits}f}"


def markdown(summary: dict[str, Any]) -> str:
    config = summary["config"]
    m = summary["machine"]
    lines = [
        f"`python -m bench realtime` — {config['clients']} WebSocket clients on one project, {config['runs']} runs of "
        f"{config['tests']:,} approved tests, one after the other. Machine: {machine_line()} "
        f"(`nproc` {m['nproc']}; everything below, clients included, shares these cores).",
        "",
        f"Stack: {config['web']} uvicorn instances of `testgen.asgi` (clients spread round-robin), "
        f"{config['workers']} `celery worker` processes (solo pool), PostgreSQL (a dedicated database, migrated, "
        f"dropped afterwards), Redis database {config['redis_db']} (cache, broker, channel layer `channels_redis`, "
        f"prefixes unique to the invocation); settings `{SETTINGS_MODULE}` with `DEBUG=false`, "
        f"`TESTGEN_WS_MAX_RESULTS_PER_SECOND={config['max_results_per_second']:g}`, run concurrency "
        f"{RUN_CONCURRENCY}, chunks of {config['chunk_size']}. Target: a minimal ASGI app under uvicorn on loopback "
        f"(each test is `GET /ping?n=<i>` expecting 200). Code: `{summary['code']}`.",
        "",
        f"Clients connected: {summary['clients_connected']}/{config['clients']} in {summary['connect_seconds']:.1f} s"
        + (f"; connection errors: {dict(summary['connect_errors'])}" if summary["connect_errors"] else "")
        + (f"; closed by the server during the runs: {dict(summary['closed_during_runs'])}"
           if summary["closed_during_runs"] else "; none closed during the runs") + ".",
        "",
        "Latency of `run.completed` per client: receipt minus the envelope's `ts` (stamped after the run's "
        "commit, when the event is built) and minus the run's `finished_at` (from the run API: adds the commit "
        "and publishing).",
        "",
        "| run | status, passed | run time | `run.completed` delivered | after `ts` p50 / p95 / max | "
        "after `finished_at` p50 / p95 / max | POST → last client |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for row in summary["runs"]:
        ts, fin = row["latency_ts_ms"], row["latency_finished_ms"]
        lines.append(
            f"| {row['run']} | {row['status']}, {row['passed']:,}/{row['total']:,} | {row['run_seconds']:.1f} s | "
            f"{row['completed_delivered']}/{row['completed_expected']} | "
            f"{_fmt(ts['p50'])} / {_fmt(ts['p95'])} / {_fmt(ts['max'])} ms | "
            f"{_fmt(fin['p50'])} / {_fmt(fin['p95'])} / {_fmt(fin['max'])} ms | "
            f"{_fmt(row['post_to_last_completed_seconds'], 1)} s |"
        )
    all_ts = summary["overall"]["latency_ts_ms"]
    all_fin = summary["overall"]["latency_finished_ms"]
    lines += [
        "",
        f"All runs: `run.completed` delivered {summary['overall']['delivered']}/{summary['overall']['expected']}; "
        f"latency after `ts` p50 {_fmt(all_ts['p50'])} ms, p95 {_fmt(all_ts['p95'])} ms, max {_fmt(all_ts['max'])} ms; "
        f"after `finished_at` p50 {_fmt(all_fin['p50'])} ms, p95 {_fmt(all_fin['p95'])} ms, "
        f"max {_fmt(all_fin['max'])} ms.",
        "",
        "Messages per client and run (min–max over clients, median in brackets); `run.result` is throttled per "
        "connection and the rest are reported as `folded_results` in the next `run.progress`:",
        "",
        "| run | run.started | run.progress | run.result | run.completed | results + folded | clients accounting "
        "for every result |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in summary["runs"]:
        cells = []
        for event_type in ("run.started", "run.progress", "run.result", "run.completed"):
            s = row["events_per_client"][event_type]
            cells.append(f"{_fmt(s['min'])}–{_fmt(s['max'])} ({_fmt(s['p50'])})")
        acc = row["results_plus_folded"]
        lines.append(f"| {row['run']} | " + " | ".join(cells)
                     + f" | {_fmt(acc['min'])}–{_fmt(acc['max'])} (of {row['total']:,}) | "
                     f"{row['clients_accounting_all_results']}/{row['completed_expected']} |")
    dropped = {name.split(":")[0]: n for name, n in summary["log_error_lines"].items() if "over capacity" in name}
    errors = {name.split(":")[0]: n for name, n in summary["log_error_lines"].items() if "errors" in name}
    if dropped or errors:
        lines += [""]
    if dropped:
        lines.append(
            "Group sends that `channels_redis` reported over capacity (an instance's Redis inbox already held "
            "`capacity`=100 messages, so the event was dropped for every client of that instance; logged at INFO by "
            f"the publishing worker): {', '.join(f'{k} {v:,}' for k, v in dropped.items())}."
        )
    if errors:
        lines.append(f"Error lines in the processes' logs: {', '.join(f'{k} {v:,}' for k, v in errors.items())}.")
    overall = summary["overall"]
    if dropped and overall["delivered"] < overall["expected"]:
        lines += [
            "",
            "Why `run.completed` goes missing: `channels_redis` keeps one Redis inbox per web instance (one entry "
            "per event, whatever the number of local clients), capped at `capacity` (default 100, not set in "
            "`testgen/settings/base.py`), and `group_send` silently drops an event for an instance whose inbox is "
            "full. Each instance turns every entry into one `project_event` call per local client, and each call "
            "first re-checks the credential (`ensure_valid_or_close`: a cache read through "
            "`database_sync_to_async`, one shared thread per process) before the `run.result` throttle decides; "
            "so the instances drain their inboxes far slower than 1,000 `run.result` events a run arrive, the "
            "inboxes stay full, and `run.completed`, sent last, is dropped for all of an instance's clients. "
            "Those that do get it get it as late as the backlog is long (latency above).",
        ]
    w = summary["wall_seconds"]
    lines += [
        "",
        f"Wall times: set-up (database, migrate, seed, processes) {w['setup']:.1f} s, clients connecting "
        f"{summary['connect_seconds']:.1f} s, runs {w['runs']:.1f} s, total {w['total']:.1f} s.",
    ]
    return "\n".join(lines)


def _code_version() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO_ROOT, capture_output=True,
                              text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO_ROOT,
                               capture_output=True, text=True, timeout=10).stdout.strip()
        return f"{head}{' + uncommitted changes in the checkout' if dirty else ''}"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def _on_signal(signum: int, frame: Any) -> None:
    if signum == signal.SIGALRM:
        raise BenchTimeout("the benchmark ran out of its time budget")
    raise KeyboardInterrupt(f"stopped by signal {signum}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench realtime")
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--tests", type=int, default=1000)
    parser.add_argument("--web", type=int, default=2, help="uvicorn instances of TestGen")
    parser.add_argument("--workers", type=int, default=2, help="celery worker processes")
    parser.add_argument("--timeout", type=float, default=600.0, help="Overall budget in seconds.")
    parser.add_argument("--run-timeout", type=float, default=150.0,
                        help="Seconds to wait for one run's run.completed before moving on.")
    parser.add_argument("--redis-db", type=int, default=REDIS_DEFAULT_DB, help="Redis database number (0–15).")
    parser.add_argument("--keep-logs", action="store_true", help="Keep the processes' logs (path printed).")
    parser.add_argument("--no-write", action="store_true", help="Print only; leave BENCHMARKS.md alone.")
    options = parser.parse_args(argv)
    if not (1 <= options.clients <= 1000 and 1 <= options.runs <= 20 and 1 <= options.tests <= 20_000
            and 1 <= options.web <= 4 and 1 <= options.workers <= 4 and 0 <= options.redis_db <= 15):
        parser.error("out of range: clients 1–1000, runs 1–20, tests 1–20000, web 1–4, workers 1–4, redis-db 0–15")

    started = time.perf_counter()
    deadline = time.monotonic() + options.timeout
    # A hard stop a little after the budget, even if something blocks outside our own loops;
    # the exception unwinds through every context manager below, so all still gets cleaned up.
    signal.signal(signal.SIGALRM, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
    signal.alarm(int(options.timeout) + 30)
    token = f"benchrt{os.getpid()}x{int(time.time())}"
    logs = Path(tempfile.mkdtemp(prefix="testgen-bench-realtime-"))
    max_results = 20.0
    chunk = 50
    summary: dict[str, Any] = {}
    log_problems: dict[str, int] = {}
    try:
        with ExitStack() as stack:
            redis_url = f"{REDIS_SERVER}/{options.redis_db}"
            stack.callback(lambda: print(f"Redis keys deleted: {delete_redis_keys(redis_url, token)}", flush=True))
            database_url = stack.enter_context(dedicated_database(f"bench_realtime_{os.getpid()}"))
            env = os.environ.copy()
            env.update({
                "DJANGO_SETTINGS_MODULE": SETTINGS_MODULE,
                "DEBUG": "false",
                "TESTGEN_IGNORE_DOTENV": "1",
                "DATABASE_URL": database_url,
                "REDIS_URL": redis_url,
                "CELERY_RESULT_BACKEND": "django-db",
                "CHANNELS_PREFIX": f"{token}:",
                "CACHE_KEY_PREFIX": token,
                "CELERY_QUEUE": token,
                "TESTGEN_ALLOW_PRIVATE_TARGETS": "true",
                "ALLOWED_HOSTS": "127.0.0.1,localhost",
                "LOG_LEVEL": "WARNING",
                "MEDIA_ROOT": str(logs / "media"),
                "PYTHONUNBUFFERED": "1",
            })
            migrate(env, deadline)
            target = stack.enter_context(TargetServer())
            seeded = seed(env, target_url=target.url, tests=options.tests)
            from django.conf import settings

            max_results = float(getattr(settings, "TESTGEN_WS_MAX_RESULTS_PER_SECOND", 20))
            from execution import conf

            chunk = conf.chunk_size()
            for index in range(options.workers):
                stack.enter_context(celery_worker(env, logs, index + 1, token, deadline))
            bases = [stack.enter_context(web_instance(env, logs, index + 1, deadline))
                     for index in range(options.web)]
            setup_seconds = time.perf_counter() - started
            print(f"set-up done in {setup_seconds:.1f} s: {options.web} web, {options.workers} workers, "
                  f"{options.tests} approved tests", flush=True)
            runs_started = time.perf_counter()
            observed = asyncio.run(asyncio.wait_for(
                drive(bases=bases, seeded=seeded, clients_wanted=options.clients, runs=options.runs,
                      run_timeout=options.run_timeout, deadline=deadline),
                timeout=_remaining(deadline),
            ))
            runs_seconds = time.perf_counter() - runs_started
            for name in sorted(os.listdir(logs)):
                text = _tail(logs / name, 50_000_000) if name.endswith(".log") else ""
                problems = [line for line in text.splitlines()
                            if "Traceback" in line or "ERROR" in line or "Could not publish" in line]
                if problems:
                    log_problems[f"{name}: errors"] = len(problems)
                    print(f"{name}: {len(problems)} error lines, e.g. {problems[0][:300]}", flush=True)
                # channels_redis drops a group message for a whole instance when that instance's
                # Redis inbox holds `capacity` (100) messages; it says so at INFO in the publisher.
                dropped = text.count("channels over capacity in group")
                if dropped:
                    log_problems[f"{name}: group sends over capacity"] = dropped
    except BaseException:
        signal.alarm(0)
        for name in sorted(os.listdir(logs)):
            if name.endswith(".log"):
                print(f"--- {name} (tail) ---\n{_tail(logs / name, 1500)}", file=sys.stderr)
        if not options.keep_logs:
            shutil.rmtree(logs, ignore_errors=True)
        raise
    signal.alarm(0)
    if options.keep_logs:
        print(f"logs kept in {logs}")
    else:
        shutil.rmtree(logs, ignore_errors=True)

    everyone = observed["runs"]
    summary = {
        "machine": machine(),
        "code": _code_version(),
        "config": {
            "clients": options.clients, "runs": options.runs, "tests": options.tests, "web": options.web,
            "workers": options.workers, "redis_db": options.redis_db, "settings": SETTINGS_MODULE, "run_concurrency": RUN_CONCURRENCY,
            "max_results_per_second": max_results, "chunk_size": chunk,
        },
        **observed,
        "log_error_lines": log_problems,
        "wall_seconds": {"setup": setup_seconds, "runs": runs_seconds, "total": time.perf_counter() - started},
    }
    summary["overall"] = {
        "expected": sum(r["completed_expected"] for r in everyone),
        "delivered": sum(r["completed_delivered"] for r in everyone),
        "latency_ts_ms": _stats([v for r in everyone for v in r.pop("_ts_values", [])]),
        "latency_finished_ms": _stats([v for r in everyone for v in r.pop("_fin_values", [])]),
    }
    print(json.dumps(summary, indent=2, default=str))
    if not options.no_write:
        write_section(SECTION, markdown(summary))
        print(f"BENCHMARKS.md updated (section {SECTION}).")
    return 0
