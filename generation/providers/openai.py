"""OpenAI chat completions through the official SDK, with structured output.

The answer's shape travels as ``response_format={"type": "json_schema", ...}``; the model's
message content is that JSON. The same wire protocol serves Gemini's OpenAI-compatible
endpoint and Llama servers (Ollama, vLLM), which subclass this provider.
"""

from __future__ import annotations

import json
from functools import cached_property
from typing import Any

import openai

from generation.providers.base import ProviderError, Usage
from generation.providers.llm import (
    TOOL_NAME,
    Completion,
    LLMProvider,
    TransientCallError,
    retry_after_seconds,
)

# Statuses worth repeating besides 429 and 5xx: 408 (request timeout), 409 (lock contention).
_TRANSIENT_STATUSES = {408, 409, 429}


class OpenAIProvider(LLMProvider):
    name = "openai"
    label = "OpenAI"
    default_model = "gpt-4o-mini"
    # OpenAI's newer models refuse `max_tokens`; compatible servers only know `max_tokens`.
    token_parameter = "max_completion_tokens"
    api_key_when_unset = ""

    @cached_property
    def client(self) -> openai.OpenAI:
        return openai.OpenAI(
            api_key=self.config.api_key or self.api_key_when_unset,
            base_url=self.config.base_url or None,
            http_client=self.sdk_http_client(openai.DefaultHttpxClient),
            max_retries=0,  # our backoff policy is the only one
            timeout=self.config.timeout,
        )

    def _complete(
        self, *, system: str, messages: list[dict[str, Any]], schema: dict[str, Any], max_tokens: int
    ) -> Completion:
        try:
            response = self.client.chat.completions.create(
                model=self.model,
                messages=[{"role": "system", "content": system}, *messages],
                response_format={
                    "type": "json_schema",
                    # Not `strict`: strict mode forbids the spec's oneOf and open objects.
                    "json_schema": {"name": TOOL_NAME, "schema": schema, "strict": False},
                },
                temperature=0.2,
                **{self.token_parameter: max_tokens},
            )
        except openai.APIConnectionError as exc:  # includes APITimeoutError
            raise TransientCallError(f"{type(exc).__name__}: {exc}") from exc
        except openai.APIStatusError as exc:
            if exc.status_code in _TRANSIENT_STATUSES or exc.status_code >= 500:
                raise TransientCallError(
                    f"HTTP {exc.status_code}", retry_after=retry_after_seconds(exc.response.headers)
                ) from exc
            raise ProviderError(
                f"{self.label} refused the request (HTTP {exc.status_code}): {_message(exc)}",
                permanent=True,
                code=f"http_{exc.status_code}",
            ) from exc
        except openai.OpenAIError as exc:
            raise ProviderError(f"{self.label} client error: {exc}", permanent=True) from exc
        usage = Usage(
            input_tokens=getattr(response.usage, "prompt_tokens", 0) or 0,
            output_tokens=getattr(response.usage, "completion_tokens", 0) or 0,
        )
        if not response.choices:
            return Completion(
                None, usage, {"role": "assistant", "content": ""}, note="The answer had no choices."
            )
        choice = response.choices[0]
        content = choice.message.content or ""
        turn = {"role": "assistant", "content": content}
        if getattr(choice.message, "refusal", None):
            return Completion(None, usage, turn, note=f"The model refused: {choice.message.refusal}")
        if choice.finish_reason == "length":
            return Completion(
                None,
                usage,
                turn,
                note="The answer was cut off at the output token limit; answer with fewer tests.",
            )
        try:
            payload = json.loads(content)
        except json.JSONDecodeError as exc:
            return Completion(
                None, usage, turn, note=f"The answer is not valid JSON ({exc.msg} at {exc.pos})."
            )
        return Completion(payload, usage, turn)

    def _repair_turns(self, completion: Completion, feedback: str) -> list[dict[str, Any]]:
        return [completion.assistant_message, {"role": "user", "content": feedback}]


def _message(exc: openai.APIStatusError) -> str:
    body = exc.body if isinstance(exc.body, dict) else {}
    error = body.get("error", body) if isinstance(body, dict) else {}
    return str(error.get("message") if isinstance(error, dict) and error.get("message") else exc.message)[
        :300
    ]
