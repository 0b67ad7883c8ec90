"""What every language-model provider shares: the prompt, the answer's shape, validation,
the repair retry, backoff on transient failures, the token budget and the cost estimate.

The protocol with the model:

1. One system prompt (``prompts/system.vN.md``) plus one user message holding the endpoint
   contract, the related endpoints, the tests that already exist, the per-type templates
   (``prompts/<type>.vN.md``) and the user's instructions.
2. The model must answer ``{"tests": [draft, ...]}`` through the provider's structured
   output (OpenAI: ``response_format`` json_schema; Anthropic: a forced tool call whose
   ``input_schema`` is that shape). The schema embeds `generation.spec.SPEC_SCHEMA`.
3. Every draft is validated with `generation.spec`. An answer with problems is sent back
   once with the list of problems; after that, invalid drafts are dropped and reported and
   an answer with nothing valid is a permanent `ProviderError`. Nothing invalid is returned.

Transient failures (429, 5xx, timeouts, refused connections) are retried with exponential
backoff and full jitter, honouring ``Retry-After``; the SDKs' own retries are switched off so
this policy (and its injectable ``sleep``) is the only one.

A base URL that a project supplied is user input the worker POSTs to: before every call it is
checked again (`generation.validators.check_base_url_address`, as DNS may have changed since
it was saved), a refused one fails the call permanently without a request, and the SDK client
for it does not follow redirects (a redirect would skip the check).
"""

from __future__ import annotations

import json
import random
import time
from abc import abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from execution.safety import TargetRefused
from generation.builtin.contract import EndpointContract
from generation.builtin.generator import TEST_TYPES
from generation.prompts import load_prompt
from generation.providers.base import GenerationProvider, ProviderError, ProviderResult, TokenBudget, Usage
from generation.providers.config import ProviderConfig
from generation.spec import SPEC_SCHEMA, spec_errors
from generation.validators import check_base_url_address
from testgen.api.scrub import scrub

TOOL_NAME = "submit_tests"
PRIORITIES = ("critical", "high", "medium", "low")
MAX_EXISTING_IN_PROMPT = 120
MAX_RELATED_IN_PROMPT = 60
MIN_OUTPUT_TOKENS = 512
MAX_TITLE = 300
MESSAGE_BASE_URL_REFUSED = "The project's base URL for {label} was refused: {reason}"

# List prices in USD per million (input, output) tokens, matched by model-name prefix
# (longest first). Estimates only: the provider's invoice is the truth.
PRICES_PER_MILLION: dict[str, tuple[Decimal, Decimal]] = {
    "gpt-4o-mini": (Decimal("0.15"), Decimal("0.60")),
    "gpt-4o": (Decimal("2.50"), Decimal("10.00")),
    "gpt-4.1-nano": (Decimal("0.10"), Decimal("0.40")),
    "gpt-4.1-mini": (Decimal("0.40"), Decimal("1.60")),
    "gpt-4.1": (Decimal("2.00"), Decimal("8.00")),
    "o4-mini": (Decimal("1.10"), Decimal("4.40")),
    "claude-3-5-haiku": (Decimal("0.80"), Decimal("4.00")),
    "claude-haiku-4": (Decimal("1.00"), Decimal("5.00")),
    "claude-3-5-sonnet": (Decimal("3.00"), Decimal("15.00")),
    "claude-3-7-sonnet": (Decimal("3.00"), Decimal("15.00")),
    "claude-sonnet-4": (Decimal("3.00"), Decimal("15.00")),
    "claude-opus-4": (Decimal("15.00"), Decimal("75.00")),
    "gemini-2.0-flash": (Decimal("0.10"), Decimal("0.40")),
    "gemini-2.5-flash": (Decimal("0.30"), Decimal("2.50")),
    "gemini-2.5-pro": (Decimal("1.25"), Decimal("10.00")),
    "gemini-1.5-flash": (Decimal("0.075"), Decimal("0.30")),
}


def estimate_cost(model: str, usage: Usage) -> Decimal | None:
    """USD for `usage` on `model`, or None when the model's price is not known."""
    for prefix in sorted(PRICES_PER_MILLION, key=len, reverse=True):
        if model.startswith(prefix):
            price_in, price_out = PRICES_PER_MILLION[prefix]
            cost = (price_in * usage.input_tokens + price_out * usage.output_tokens) / Decimal(1_000_000)
            return cost.quantize(Decimal("0.000001"))
    return None


# --- The answer's shape -------------------------------------------------------------------


def answer_schema(test_types: Sequence[str], max_tests: int) -> dict[str, Any]:
    """JSON Schema of ``{"tests": [...]}`` with the spec schema inlined for the model."""
    spec = {k: v for k, v in SPEC_SCHEMA.items() if k not in ("$schema", "$id", "$defs", "title")}
    return {
        "type": "object",
        "required": ["tests"],
        "additionalProperties": False,
        "properties": {
            "tests": {
                "type": "array",
                "maxItems": max_tests,
                "items": {
                    "type": "object",
                    "required": ["title", "description", "type", "spec"],
                    "additionalProperties": False,
                    "properties": {
                        "title": {"type": "string", "minLength": 1, "maxLength": MAX_TITLE},
                        "description": {"type": "string"},
                        "type": {"enum": list(test_types)},
                        "priority": {"enum": list(PRIORITIES)},
                        "spec": spec,
                    },
                },
            }
        },
        # The spec's "#/$defs/..." references resolve against this document's root.
        "$defs": SPEC_SCHEMA["$defs"],
    }


def parse_answer(
    payload: Any, *, test_types: Sequence[str], max_tests: int
) -> tuple[list[dict[str, Any]], list[str]]:
    """(valid drafts, problems). A payload that is not ``{"tests": [...]}`` is one problem."""
    if not isinstance(payload, dict) or not isinstance(payload.get("tests"), list):
        return [], ['The answer must be a JSON object {"tests": [...]}.']
    drafts: list[dict[str, Any]] = []
    problems: list[str] = []
    for index, test in enumerate(payload["tests"]):
        where = f"tests[{index}]"
        if not isinstance(test, dict):
            problems.append(f"{where}: must be an object")
            continue
        title = test.get("title")
        if not isinstance(title, str) or not title.strip():
            problems.append(f"{where}.title: a non-empty string is required")
            continue
        if test.get("type") not in test_types:
            problems.append(f"{where}.type: must be one of {', '.join(test_types)}")
            continue
        spec = test.get("spec")
        errors = (
            spec_errors(spec)
            if isinstance(spec, dict)
            else [{"path": "(root)", "message": "must be an object"}]
        )
        if errors:
            problems.extend(f"{where}.spec/{e['path']}: {e['message']}" for e in errors[:5])
            continue
        draft: dict[str, Any] = {
            "title": title.strip()[:MAX_TITLE],
            "description": str(test.get("description") or ""),
            "type": test["type"],
            "spec": spec,
        }
        if test.get("priority") in PRIORITIES:
            draft["priority"] = test["priority"]
        drafts.append(draft)
    return drafts[:max_tests], problems


# --- The prompt -----------------------------------------------------------------------


def _summarize(draft: dict[str, Any]) -> str:
    steps = (draft.get("spec") or {}).get("steps") or []
    calls = ", ".join(
        f"{s.get('request', {}).get('method')} {s.get('request', {}).get('path')}"
        + (
            f" auth={json.dumps(s['request']['auth'])}"
            if s.get("request", {}).get("auth") not in (None, "default")
            else ""
        )
        for s in steps[:4]
    )
    return f"- [{draft.get('type')}] {str(draft.get('title', ''))[:160]} ({calls})"


def build_prompt(
    contract: EndpointContract,
    *,
    existing: Sequence[dict[str, Any]],
    related: Sequence[EndpointContract],
    test_types: Sequence[str],
    instructions: str,
    max_tests: int,
) -> tuple[str, str, dict[str, str]]:
    """(system prompt, user message, {test type: template ref})."""
    system = load_prompt("system")
    templates = {t: load_prompt(t) for t in test_types}
    others = [
        f"- {r.method} {r.path}" + (f": {r.summary}" if r.summary else "")
        for r in related
        if r.key != contract.key
    ][:MAX_RELATED_IN_PROMPT]
    existing_lines = [_summarize(d) for d in existing][:MAX_EXISTING_IN_PROMPT]
    sections = [
        f"## Endpoint under test\n{contract.method} {contract.path}\n\n```json\n"
        f"{json.dumps(contract.to_dict(), indent=1, sort_keys=True)}\n```",
        "## Related endpoints of the same API\n" + ("\n".join(others) or "(none)"),
        "## Tests that already exist for this endpoint (do not repeat them)\n"
        + ("\n".join(existing_lines) or "(none)"),
        "## Kinds of test wanted\n" + "\n\n".join(templates[t].text for t in test_types),
        f"## How many\nAt most {max_tests} new tests, through the `{TOOL_NAME}` structured output.",
    ]
    if instructions.strip():
        sections.append("## Instructions from the user\n" + instructions.strip())
    return system.text, "\n\n".join(sections), {t: templates[t].ref for t in test_types}


def problems_feedback(problems: Sequence[str]) -> str:
    listed = "\n".join(f"- {p}" for p in problems[:30])
    return (
        "Your answer did not validate against the required shape. Problems:\n"
        f"{listed}\n\nAnswer again with the complete corrected list of tests through `{TOOL_NAME}`."
    )


# --- Calls, retries and the provider base ---------------------------------------------------


class TransientCallError(Exception):
    """A call that may succeed if repeated (429, 5xx, timeout, connection refused)."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


@dataclass
class Completion:
    payload: Any  # the parsed structured answer, or None when there was none
    usage: Usage
    assistant_message: dict[str, Any]  # the model's turn, to send back with a repair request
    note: str = ""  # why `payload` is None (truncated, refused, not JSON)
    extra: dict[str, Any] = field(default_factory=dict)


def retry_after_seconds(headers: Any) -> float | None:
    value = headers.get("retry-after") if headers is not None else None
    try:
        return max(float(value), 0.0) if value is not None else None
    except (TypeError, ValueError):
        return None


class LLMProvider(GenerationProvider):
    """A language model behind an SDK. Subclasses implement `_complete` and `_repair_turns`."""

    default_model: str = ""

    def __init__(
        self,
        config: ProviderConfig,
        *,
        http_client: Any = None,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self.config = config
        self.model = config.model or self.default_model
        self.http_client = http_client
        self.sleep = sleep
        self.jitter = jitter

    @abstractmethod
    def _complete(
        self, *, system: str, messages: list[dict[str, Any]], schema: dict[str, Any], max_tokens: int
    ) -> Completion:
        """One API call. Raises TransientCallError or ProviderError."""

    @abstractmethod
    def _repair_turns(self, completion: Completion, feedback: str) -> list[dict[str, Any]]:
        """The messages that show the model its answer and ask for a corrected one."""

    def sdk_http_client(self, default_client: Callable[..., Any]) -> Any:
        """The http client to hand the SDK: the injected one; for a project's own base URL, the
        SDK's default client without redirects; otherwise None (the SDK builds its default)."""
        if self.http_client is not None:
            return self.http_client
        if self.config.base_url_from_project:
            return default_client(follow_redirects=False)
        return None

    def _check_base_url(self) -> None:
        """Refuse to send anything to a project's base URL that now leads somewhere private."""
        if not self.config.base_url_from_project:
            return
        try:
            check_base_url_address(self.config.base_url)
        except TargetRefused as exc:
            if exc.code == "target_unresolvable":
                # Like a refused connection: the name may resolve on the next attempt.
                raise TransientCallError(exc.message) from None
            raise ProviderError(
                MESSAGE_BASE_URL_REFUSED.format(label=self.label, reason=exc.message),
                permanent=True,
                code="base_url_refused",
            ) from None

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, self.config.backoff_cap)
        # Full jitter: spreads retries of concurrent jobs instead of synchronizing them.
        return min(self.config.backoff_cap, self.config.backoff_base * 2**attempt) * self.jitter()

    def _call(
        self,
        *,
        system: str,
        messages: list[dict[str, Any]],
        schema: dict[str, Any],
        budget: TokenBudget | None,
        spent: Usage,
    ) -> Completion:
        attempts = max(self.config.max_attempts, 1)
        for attempt in range(attempts):
            max_tokens = self.config.max_output_tokens
            if budget is not None and budget.remaining is not None:
                if budget.remaining < MIN_OUTPUT_TOKENS:
                    raise self._error(
                        "The job's token budget is exhausted.",
                        permanent=True,
                        code="token_budget_exhausted",
                        usage=spent,
                    )
                max_tokens = min(max_tokens, budget.remaining)
            try:
                self._check_base_url()
                completion = self._complete(
                    system=system, messages=messages, schema=schema, max_tokens=max_tokens
                )
            except TransientCallError as exc:
                if attempt + 1 >= attempts:
                    raise self._error(
                        f"{self.label} is unavailable after {attempts} attempts: {exc.message}",
                        permanent=False,
                        code="provider_unavailable",
                        usage=spent,
                    ) from exc
                self.sleep(self._backoff(attempt, exc.retry_after))
                continue
            except ProviderError as exc:
                exc.usage = spent  # type: ignore[attr-defined]
                raise
            spent.add(completion.usage)
            if budget is not None:
                budget.charge(completion.usage)
            return completion
        raise AssertionError("unreachable")  # pragma: no cover

    def _error(self, message: str, *, permanent: bool, code: str, usage: Usage) -> ProviderError:
        error = ProviderError(scrub(message, [self.config.api_key]), permanent=permanent, code=code)
        error.usage = usage  # type: ignore[attr-defined]
        return error

    def generate(
        self,
        contract: Any,
        *,
        existing: Sequence[dict[str, Any]] = (),
        test_types: Sequence[str],
        instructions: str = "",
        max_tests: int = 20,
        related: Sequence[Any] = (),
        seed: int = 0,
        budget: TokenBudget | None = None,
    ) -> ProviderResult:
        contract = EndpointContract.of(contract)
        types = [t for t in TEST_TYPES if t in test_types]
        system, user, versions = build_prompt(
            contract,
            existing=existing,
            related=[EndpointContract.of(r) for r in related],
            test_types=types,
            instructions=instructions,
            max_tests=max_tests,
        )
        schema = answer_schema(types, max_tests)
        messages: list[dict[str, Any]] = [{"role": "user", "content": user}]
        spent = Usage()
        drafts: list[dict[str, Any]] = []
        problems: list[str] = []
        for round_ in range(2):  # the answer, then at most one repair
            completion = self._call(
                system=system, messages=messages, schema=schema, budget=budget, spent=spent
            )
            if completion.payload is None:
                drafts, problems = [], [completion.note or "No structured answer was given."]
            else:
                drafts, problems = parse_answer(completion.payload, test_types=types, max_tests=max_tests)
            if not problems:
                break
            if round_ == 0:
                messages = messages + self._repair_turns(completion, problems_feedback(problems))
        if problems and not drafts:
            raise self._error(
                f"{self.label} ({self.model}) answered out of shape twice: " + "; ".join(problems[:3]),
                permanent=True,
                code="invalid_answer",
                usage=spent,
            )
        return ProviderResult(
            drafts=drafts,
            usage=spent,
            cost_estimate=self.cost(spent),
            model=self.model,
            prompt_versions=versions,
            rejected=problems,
        )

    def cost(self, usage: Usage) -> Decimal | None:
        return estimate_cost(self.model, usage)
