"""The run loop: workers pulling tests, steps in order, redirects, identities, load tests.

Concurrency is bounded twice: ``concurrency`` workers each run one test at a time, and a
semaphore of the same size wraps every HTTP exchange (including logins and the requests of
a load test, whose worker holds no slot while it waits), so the API under test never sees
more than ``concurrency`` requests in flight from one run.
"""
from __future__ import annotations

import asyncio
import math
import re
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx

from execution import safety
from execution.engine.assertions import Exchange, capture, evaluate_all, expects_redirect
from execution.engine.identities import IdentityError, IdentityResolver
from execution.engine.recording import mask_headers, record_json, record_text, record_url
from execution.engine.types import ERROR, FAILED, PASSED, SKIPPED, CaseInput, CaseResult, EngineConfig
from generation.spec import MissingVariable, render

USER_AGENT = "TestGen/1.0 (+https://testgen.dev)"
REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
_PATH_PARAM = re.compile(r"\{([^{}/]+)\}")

MESSAGE_TIMEOUT = "The request timed out after {seconds:g} s."
MESSAGE_CONNECT = "Could not connect to {host}: {reason}."
MESSAGE_TRANSPORT = "The request failed: {reason}."
MESSAGE_REDIRECT_REFUSED = "Redirect to {url} refused: {host} is not an allowed host for this run."
MESSAGE_REDIRECT_SCHEME = "Redirect to {url} refused: only http and https are followed."
MESSAGE_TOO_MANY_REDIRECTS = "More than {limit} redirects."
MESSAGE_MISSING_VARIABLE = "{{{{{name}}}}} was never captured by an earlier step."
MESSAGE_MISSING_PATH_PARAM = "The path parameter {{{name}}} has no value."
MESSAGE_UNKNOWN_IDENTITY = "The identity '{name}' does not exist in this project."
MESSAGE_NO_STEPS = "The spec has no steps."
MESSAGE_CAPTURE = "could not capture '{name}': {reason}"
MESSAGE_RUN_TIMEOUT = "The run's time limit was reached while this test was running."
MESSAGE_RUN_TIMEOUT_SKIPPED = "The run's time limit was reached before this test started."
MESSAGE_INTERNAL = "Internal error while running this test ({kind})."
MESSAGE_ASSERTIONS_FAILED = "{failed} of {total} assertion(s) failed: {first}"
MESSAGE_ALL_LOAD_REQUESTS_FAILED = "Every load request failed; first error: {error}"


class StepError(Exception):
    """A step produced no response to judge: transport failure, refused redirect, bad template, login."""

    def __init__(self, message: str, *, sent: Sent | None = None, exchange: Exchange | None = None) -> None:
        super().__init__(message)
        self.sent = sent
        self.exchange = exchange


@dataclass(slots=True)
class Sent:
    request: httpx.Request
    body: Any
    has_body: bool
    as_json: bool


@dataclass(slots=True)
class StepOutcome:
    sent: Sent
    exchange: Exchange
    assertions: list[dict[str, Any]]


def percentile(ordered: list[float], fraction: float) -> float | None:
    """Nearest-rank percentile of an ascending list (the value at or above `fraction` of samples)."""
    if not ordered:
        return None
    # The small epsilon keeps 0.95 * 100 at rank 95 despite floating-point error.
    rank = max(1, math.ceil(fraction * len(ordered) - 1e-9))
    return round(ordered[min(rank, len(ordered)) - 1], 2)


def load_metrics(latencies: list[float], *, requests: int, errors: int, wall_seconds: float) -> dict[str, Any]:
    ordered = sorted(latencies)
    return {
        "requests": requests,
        "completed": len(ordered),
        "errors": errors,
        "error_rate": round(errors / requests, 4) if requests else 0.0,
        "p50_ms": percentile(ordered, 0.50),
        "p95_ms": percentile(ordered, 0.95),
        "p99_ms": percentile(ordered, 0.99),
        "min_ms": round(ordered[0], 2) if ordered else None,
        "max_ms": round(ordered[-1], 2) if ordered else None,
        "mean_ms": round(sum(ordered) / len(ordered), 2) if ordered else None,
        "throughput_rps": round(len(ordered) / wall_seconds, 2) if wall_seconds > 0 else None,
    }


def _param_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _merge_headers(*layers: Mapping[str, str]) -> dict[str, str]:
    """Later layers win, comparing names case-insensitively (HTTP header names are)."""
    merged: dict[str, tuple[str, str]] = {}
    for layer in layers:
        for name, value in layer.items():
            merged[name.lower()] = (name, str(value))
    return dict(merged.values())


def _raw_headers(headers: httpx.Headers) -> list[tuple[str, str]]:
    # .raw keeps the names as sent (X-API-Key, not x-api-key): a record should show the wire.
    return [(name.decode("latin-1"), value.decode("latin-1")) for name, value in headers.raw]


def _step_label(index: int, step: Mapping[str, Any], total: int) -> str:
    name = step.get("name")
    return f"Step {index + 1} of {total}" + (f" ('{name}')" if name else "")


def _transport_error(exc: httpx.HTTPError, host: str, timeout: float) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return MESSAGE_TIMEOUT.format(seconds=timeout)
    if isinstance(exc, httpx.ConnectError):
        return MESSAGE_CONNECT.format(host=host, reason=str(exc) or "connection refused")
    return MESSAGE_TRANSPORT.format(reason=str(exc) or type(exc).__name__)


class Engine:
    """Runs test cases for one run; see the package docstring."""

    def __init__(
        self,
        config: EngineConfig,
        *,
        on_result: Callable[[CaseResult], None] | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> None:
        self.config = config
        self.on_result = on_result
        self.should_stop = should_stop
        self.stopped = False
        self._base = config.base_url.rstrip("/")
        self._base_headers = dict(config.headers)
        self._default_identity = config.default_identity or IdentityResolver()
        self._next_stop_check = 0.0

    # --- the run ---------------------------------------------------------------------

    async def run(self, cases: Iterable[CaseInput]) -> list[CaseResult]:
        """Run every case (until stopped or out of time); results come in completion order.

        Raises ``safety.TargetRefused`` before any request when the target may not be reached.
        """
        config = self.config
        concurrency = max(1, int(config.concurrency))
        self._pins = safety.pin_hosts(
            config.base_url, extra_hosts=config.redirect_hosts,
            allow_private=config.allow_private_targets, resolver=config.resolver,
        )
        transport = safety.PinnedTransport(
            self._pins,
            limits=httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency),
            verify=config.verify_tls,
            network_backend=config.network_backend,
        )
        self._semaphore = asyncio.Semaphore(concurrency)
        queue = deque(cases)
        results: list[CaseResult] = []
        loop = asyncio.get_running_loop()
        # 0 means the run's time is already up: every test is skipped, none is sent.
        deadline = loop.time() + config.run_timeout if config.run_timeout is not None else None

        async with httpx.AsyncClient(
            transport=transport, timeout=config.request_timeout, follow_redirects=False, trust_env=False,
            headers={"User-Agent": USER_AGENT},
        ) as client:
            self._client = client

            async def worker() -> None:
                while queue and not self._stop_requested(loop):
                    case = queue.popleft()
                    result = await self._run_guarded(case, loop, deadline)
                    results.append(result)
                    if self.on_result is not None:
                        self.on_result(result)

            await asyncio.gather(*(worker() for _ in range(min(concurrency, len(queue)))))
        return results

    def _stop_requested(self, loop: asyncio.AbstractEventLoop) -> bool:
        if self.stopped:
            return True
        if self.should_stop is None:
            return False
        now = loop.time()
        if now < self._next_stop_check:
            return False
        # Asking is not free (a cache round trip): ask at most every stop_check_interval.
        self._next_stop_check = now + self.config.stop_check_interval
        self.stopped = bool(self.should_stop())
        return self.stopped

    async def _run_guarded(self, case: CaseInput, loop: asyncio.AbstractEventLoop, deadline: float | None) -> CaseResult:
        started = time.perf_counter()
        try:
            if deadline is None:
                result = await self._run_case(case)
            else:
                remaining = deadline - loop.time()
                if remaining <= 0:
                    return CaseResult(case.key, SKIPPED, 0, error=MESSAGE_RUN_TIMEOUT_SKIPPED)
                try:
                    async with asyncio.timeout(remaining):
                        result = await self._run_case(case)
                except TimeoutError:
                    result = CaseResult(case.key, ERROR, 0, error=MESSAGE_RUN_TIMEOUT)
        except Exception as exc:  # noqa: BLE001 — one broken test must not take the run down
            result = CaseResult(case.key, ERROR, 0, error=MESSAGE_INTERNAL.format(kind=type(exc).__name__))
        result.duration_ms = int((time.perf_counter() - started) * 1000)
        return result

    async def _run_case(self, case: CaseInput) -> CaseResult:
        if case.spec.get("load"):
            return await self._run_load(case)
        return await self._run_steps(case)

    # --- functional tests and scenarios -------------------------------------------------

    async def _run_steps(self, case: CaseInput) -> CaseResult:
        steps = case.spec.get("steps") or []
        if not steps:
            return CaseResult(case.key, ERROR, 0, error=MESSAGE_NO_STEPS)
        multi = len(steps) > 1
        variables: dict[str, Any] = {}
        assertions: list[dict[str, Any]] = []
        trace: list[dict[str, Any]] = []
        outcome: StepOutcome | None = None

        def result(status: str, error: str, sent: Sent | None, exchange: Exchange | None) -> CaseResult:
            secrets = self._secrets()
            return CaseResult(
                case.key, status, 0,
                request=self._record_request(sent, secrets) if sent is not None else None,
                response=self._record_response(exchange, secrets) if exchange is not None else None,
                assertions=assertions, error=error,
                metrics={"steps": trace} if multi else None,
            )

        for index, step in enumerate(steps):
            label = _step_label(index, step, len(steps))
            try:
                outcome = await self._run_step(step, variables)
            except StepError as exc:
                trace.append({"step": index, "name": step.get("name", ""), "status": ERROR})
                return result(ERROR, f"{label}: {exc}" if multi else str(exc), exc.sent, exc.exchange)
            if multi:
                for item in outcome.assertions:
                    item["step"] = index
            assertions.extend(outcome.assertions)
            failed = [a for a in outcome.assertions if not a["passed"]]
            trace.append({
                "step": index, "name": step.get("name", ""), "status": FAILED if failed else PASSED,
                "status_code": outcome.exchange.status_code, "elapsed_ms": round(outcome.exchange.elapsed_ms, 2),
            })
            if failed:
                message = MESSAGE_ASSERTIONS_FAILED.format(
                    failed=len(failed), total=len(outcome.assertions), first=failed[0].get("message", ""),
                )
                return result(FAILED, f"{label}: {message}" if multi else message, outcome.sent, outcome.exchange)
            for name, spec in (step.get("capture") or {}).items():
                try:
                    variables[name] = capture(spec, outcome.exchange)
                except (KeyError, ValueError) as exc:
                    reason = exc.args[0] if exc.args else "not found"
                    trace[-1]["status"] = ERROR
                    message = MESSAGE_CAPTURE.format(name=name, reason=reason)
                    return result(ERROR, f"{label}: {message}", outcome.sent, outcome.exchange)
        assert outcome is not None
        return result(PASSED, "", outcome.sent, outcome.exchange)

    def _identity(self, auth: Any) -> IdentityResolver:
        if auth == "none":
            return _NO_IDENTITY
        if isinstance(auth, Mapping) and "identity" in auth:
            identity = self.config.identities.get(str(auth["identity"]))
            if identity is None:
                raise StepError(MESSAGE_UNKNOWN_IDENTITY.format(name=auth["identity"]))
            return identity
        return self._default_identity

    def _url(self, path: str, path_params: Mapping[str, Any] | None) -> str:
        if "{" in path:
            params = path_params or {}

            def fill(match: re.Match[str]) -> str:
                name = match.group(1)
                if name not in params:
                    raise StepError(MESSAGE_MISSING_PATH_PARAM.format(name=name))
                # safe="": a value like "a/b" or "../admin" must stay one path segment.
                return quote(_param_text(params[name]), safe="")

            path = _PATH_PARAM.sub(fill, path)
        return self._base + path

    async def _run_step(self, step: Mapping[str, Any], variables: dict[str, Any]) -> StepOutcome:
        try:
            request = render(step["request"], variables)
        except MissingVariable as exc:
            raise StepError(MESSAGE_MISSING_VARIABLE.format(name=exc.args[0])) from None
        identity = self._identity(request.get("auth", "default"))
        assertions = step.get("assertions") or []
        exchange, sent = await self._exchange(
            method=request["method"].upper(),
            url=self._url(request["path"], request.get("path_params")),
            headers=request.get("headers") or {},
            query=request.get("query") or None,
            body=request.get("body"),
            has_body="body" in request,
            identity=identity,
            follow=not expects_redirect(assertions),
        )
        return StepOutcome(sent, exchange, evaluate_all(assertions, exchange))

    # --- HTTP ---------------------------------------------------------------------------------

    async def _exchange(
        self, *, method: str, url: str, headers: Mapping[str, str], query: Mapping[str, Any] | None,
        body: Any, has_body: bool, identity: IdentityResolver, follow: bool,
    ) -> tuple[Exchange, Sent]:
        try:
            credentials = await identity.headers(self)
        except IdentityError as exc:
            raise StepError(str(exc)) from None
        merged = _merge_headers(self._base_headers, credentials, headers) if (credentials or headers) else self._base_headers
        exchange, sent = await self._send_following(method, url, merged, query, body, has_body, follow)
        if exchange.status_code == 401 and credentials:
            try:
                retry = await identity.refresh(self, credentials)
                credentials = await identity.headers(self) if retry else credentials
            except IdentityError as exc:
                raise StepError(str(exc), sent=sent, exchange=exchange) from None
            if retry:
                merged = _merge_headers(self._base_headers, credentials, headers)
                exchange, sent = await self._send_following(method, url, merged, query, body, has_body, follow)
        return exchange, sent

    async def send_login(
        self, *, method: str, path: str, headers: Mapping[str, str], query: Mapping[str, Any] | None,
        body: Any, has_body: bool,
    ) -> Exchange:
        """Send an identity's login request (no credentials of its own) through the run's client."""
        url = self._url(path, None) if path.startswith("/") else path
        target = httpx.URL(url)
        if not self._pins.allows(target.host):
            raise IdentityError(MESSAGE_REDIRECT_REFUSED.format(url=url, host=target.host))
        try:
            exchange, _ = await self._send_following(
                method, url, _merge_headers(self._base_headers, headers), query, body, has_body, True,
            )
        except StepError as exc:
            raise IdentityError(f"Login request failed: {exc}") from None
        return exchange

    async def _send_following(
        self, method: str, url: str | httpx.URL, headers: Mapping[str, str], query: Mapping[str, Any] | None,
        body: Any, has_body: bool, follow: bool,
    ) -> tuple[Exchange, Sent]:
        hops = 0
        while True:
            exchange, sent = await self._send_once(method, url, headers, query, body, has_body)
            code = exchange.status_code
            if not follow or code not in REDIRECT_CODES or "location" not in exchange.headers:
                return exchange, sent
            if hops >= self.config.max_redirects:
                raise StepError(MESSAGE_TOO_MANY_REDIRECTS.format(limit=self.config.max_redirects),
                                sent=sent, exchange=exchange)
            target = sent.request.url.join(exchange.headers["location"])
            if target.scheme not in safety.ALLOWED_SCHEMES:
                raise StepError(MESSAGE_REDIRECT_SCHEME.format(url=target), sent=sent, exchange=exchange)
            if not self._pins.allows(target.host):
                raise StepError(MESSAGE_REDIRECT_REFUSED.format(url=record_url(str(target)), host=target.host),
                                sent=sent, exchange=exchange)
            hops += 1
            if (code == 303 and method != "HEAD") or (code in (301, 302) and method == "POST"):
                # What every client does: the follow-up is a GET without the body.
                method, body, has_body = "GET", None, False
            url, query = target, None

    async def _send_once(
        self, method: str, url: str | httpx.URL, headers: Mapping[str, str], query: Mapping[str, Any] | None,
        body: Any, has_body: bool,
    ) -> tuple[Exchange, Sent]:
        as_json = False
        content: bytes | str | None = None
        json_body: Any = None
        if has_body:
            content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
            if isinstance(body, str) and content_type and "json" not in content_type.lower():
                content = body
            else:
                json_body, as_json = body, True
        request = self._client.build_request(
            method, url, params=query, headers=headers, content=content, json=json_body if as_json else None,
        )
        sent = Sent(request, body, has_body, as_json)
        async with self._semaphore:
            started = time.perf_counter()
            try:
                response = await self._client.send(request, stream=True)
                try:
                    raw, truncated = await self._read(response)
                finally:
                    await response.aclose()
            except httpx.HTTPError as exc:
                raise StepError(_transport_error(exc, request.url.host, self.config.request_timeout), sent=sent) from None
            elapsed = (time.perf_counter() - started) * 1000.0
        return Exchange(response.status_code, response.headers, raw, elapsed, truncated), sent

    async def _read(self, response: httpx.Response) -> tuple[bytes, bool]:
        limit = self.config.max_response_bytes
        length = response.headers.get("content-length")
        if length is not None and length.isdigit() and int(length) <= limit and "content-encoding" not in response.headers:
            return await response.aread(), False
        # Unknown or large size, or compressed (a small gzip can inflate to gigabytes): stream
        # and stop at the limit.
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                return b"".join(chunks)[:limit], True
        return b"".join(chunks), False

    # --- load tests -------------------------------------------------------------------------

    async def _run_load(self, case: CaseInput) -> CaseResult:
        spec = case.spec
        step = spec["steps"][0]
        load = spec["load"]
        total = int(load["requests"])
        workers = max(1, min(int(load["concurrency"]), self.config.max_load_concurrency, total))
        try:
            request = render(step["request"], {})
            identity = self._identity(request.get("auth", "default"))
            url = self._url(request["path"], request.get("path_params"))
        except MissingVariable as exc:
            return CaseResult(case.key, ERROR, 0, error=MESSAGE_MISSING_VARIABLE.format(name=exc.args[0]))
        except StepError as exc:
            return CaseResult(case.key, ERROR, 0, error=str(exc))
        assertions = step.get("assertions") or []
        latencies: list[float] = []
        errors = 0
        first_error = ""
        sample: StepOutcome | None = None
        failed_sample: StepOutcome | None = None
        issued = 0

        async def worker() -> None:
            nonlocal issued, errors, first_error, sample, failed_sample
            while issued < total:
                issued += 1
                try:
                    exchange, sent = await self._exchange(
                        method=request["method"].upper(), url=url, headers=request.get("headers") or {},
                        query=request.get("query") or None, body=request.get("body"),
                        has_body="body" in request, identity=identity, follow=True,
                    )
                except StepError as exc:
                    errors += 1
                    first_error = first_error or str(exc)
                    continue
                latencies.append(exchange.elapsed_ms)
                outcomes = evaluate_all(assertions, exchange) if assertions else []
                ok = all(o["passed"] for o in outcomes) if assertions else exchange.status_code < 400
                if sample is None:
                    sample = StepOutcome(sent, exchange, outcomes)
                if not ok:
                    errors += 1
                    if failed_sample is None:
                        failed_sample = StepOutcome(sent, exchange, outcomes)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(workers)))
        metrics = load_metrics(latencies, requests=total, errors=errors, wall_seconds=time.perf_counter() - started)
        limits = load.get("limits") or {}
        metrics["limits"] = dict(limits)
        shown = failed_sample or sample
        if not latencies:
            return CaseResult(case.key, ERROR, 0, metrics=metrics,
                              error=MESSAGE_ALL_LOAD_REQUESTS_FAILED.format(error=first_error))
        outcomes: list[dict[str, Any]] = []
        for key in ("p50_ms", "p95_ms", "p99_ms"):
            if key in limits:
                actual = metrics[key]
                passed = actual is not None and actual <= limits[key]
                outcomes.append({
                    "type": "load", "name": key, "passed": passed, "expected": {"max": limits[key]}, "actual": actual,
                    **({} if passed else {"message": f"{key} was {actual} ms, over the {limits[key]} ms limit"}),
                })
        if "max_error_rate" in limits:
            passed = metrics["error_rate"] <= limits["max_error_rate"]
            outcomes.append({
                "type": "load", "name": "error_rate", "passed": passed,
                "expected": {"max": limits["max_error_rate"]}, "actual": metrics["error_rate"],
                **({} if passed else {"message": f"error rate {metrics['error_rate']} over {limits['max_error_rate']}"}),
            })
        failed = [o for o in outcomes if not o["passed"]]
        error = MESSAGE_ASSERTIONS_FAILED.format(failed=len(failed), total=len(outcomes), first=failed[0]["message"]) if failed else ""
        if first_error:
            metrics["first_error"] = first_error
        return CaseResult(
            case.key, FAILED if failed else PASSED, 0,
            request=self._record_request(shown.sent, self._secrets()) if shown else None,
            response=self._record_response(shown.exchange, self._secrets()) if shown else None,
            assertions=outcomes, error=error, metrics=metrics,
        )

    # --- recording ------------------------------------------------------------------------

    def _secrets(self) -> tuple[str, ...]:
        values = list(self._default_identity.secrets())
        for identity in self.config.identities.values():
            values.extend(identity.secrets())
        return tuple(values)

    def _record_request(self, sent: Sent, secrets: tuple[str, ...]) -> dict[str, Any]:
        request = sent.request
        record: dict[str, Any] = {
            "method": request.method,
            "url": record_url(str(request.url), secrets),
            "headers": mask_headers(_raw_headers(request.headers), secrets),
        }
        if sent.has_body:
            limit = self.config.max_recorded_body
            if sent.as_json:
                record["body"], record["body_truncated"] = record_json(sent.body, limit, secrets)
            else:
                record["body"], record["body_truncated"] = record_text(request.content, limit, secrets)
        return record

    def _record_response(self, exchange: Exchange, secrets: tuple[str, ...]) -> dict[str, Any]:
        limit = self.config.max_recorded_body
        if exchange.has_json():
            body, cut = record_json(exchange.json(), limit, secrets)
        else:
            body, cut = record_text(exchange.body, limit, secrets)
        return {
            "status_code": exchange.status_code,
            "headers": mask_headers(_raw_headers(exchange.headers), secrets),
            "body": body,
            "body_truncated": cut or exchange.truncated,
            "body_bytes": len(exchange.body),
            "elapsed_ms": round(exchange.elapsed_ms, 2),
        }


_NO_IDENTITY = IdentityResolver()


def run_cases(
    cases: Iterable[CaseInput],
    config: EngineConfig,
    *,
    on_result: Callable[[CaseResult], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> tuple[list[CaseResult], bool]:
    """Run `cases` synchronously (own event loop); returns (results, stopped early)."""
    engine = Engine(config, on_result=on_result, should_stop=should_stop)
    results = asyncio.run(engine.run(list(cases)))
    return results, engine.stopped
