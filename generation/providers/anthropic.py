"""Anthropic's Messages API through the official SDK, answering through a forced tool call.

The answer's shape is the ``input_schema`` of one tool (``submit_tests``) and ``tool_choice``
forces the model to call it, so the answer arrives as the tool call's ``input`` object. A
repair request answers that tool call with an ``is_error`` tool result listing the problems,
as the protocol requires every tool_use to be followed by its tool_result.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

import anthropic

from generation.providers.base import ProviderError, Usage
from generation.providers.llm import (
    TOOL_NAME,
    Completion,
    LLMProvider,
    TransientCallError,
    retry_after_seconds,
)

_TRANSIENT_STATUSES = {408, 409, 429}
TOOL_DESCRIPTION = "Submit the generated API tests. Every test's spec must follow the schema exactly."


class AnthropicProvider(LLMProvider):
    name = "anthropic"
    label = "Anthropic"
    default_model = "claude-3-5-haiku-latest"

    @cached_property
    def client(self) -> anthropic.Anthropic:
        return anthropic.Anthropic(
            api_key=self.config.api_key,
            base_url=self.config.base_url or None,
            http_client=self.sdk_http_client(anthropic.DefaultHttpxClient),
            max_retries=0,  # our backoff policy is the only one
            timeout=self.config.timeout,
        )

    def _complete(
        self, *, system: str, messages: list[dict[str, Any]], schema: dict[str, Any], max_tokens: int
    ) -> Completion:
        try:
            response = self.client.messages.create(
                model=self.model,
                max_tokens=max_tokens,
                system=system,
                messages=messages,
                tools=[{"name": TOOL_NAME, "description": TOOL_DESCRIPTION, "input_schema": schema}],
                tool_choice={"type": "tool", "name": TOOL_NAME},
            )
        except anthropic.APIConnectionError as exc:  # includes APITimeoutError
            raise TransientCallError(f"{type(exc).__name__}: {exc}") from exc
        except anthropic.APIStatusError as exc:
            # 529 "overloaded" is Anthropic's own transient status.
            if exc.status_code in _TRANSIENT_STATUSES or exc.status_code >= 500:
                raise TransientCallError(
                    f"HTTP {exc.status_code}", retry_after=retry_after_seconds(exc.response.headers)
                ) from exc
            raise ProviderError(
                f"{self.label} refused the request (HTTP {exc.status_code}): {_message(exc)}",
                permanent=True,
                code=f"http_{exc.status_code}",
            ) from exc
        except anthropic.AnthropicError as exc:
            raise ProviderError(f"{self.label} client error: {exc}", permanent=True) from exc
        usage = Usage(
            input_tokens=response.usage.input_tokens or 0, output_tokens=response.usage.output_tokens or 0
        )
        call = next((b for b in response.content if b.type == "tool_use" and b.name == TOOL_NAME), None)
        if call is None:
            text = " ".join(getattr(b, "text", "") for b in response.content if b.type == "text")
            turn = {"role": "assistant", "content": text or "(no answer)"}
            return Completion(None, usage, turn, note=f"The model did not call {TOOL_NAME}.")
        turn = {
            "role": "assistant",
            "content": [{"type": "tool_use", "id": call.id, "name": call.name, "input": call.input}],
        }
        note = ""
        if response.stop_reason == "max_tokens":
            note = "The answer was cut off at the output token limit; answer with fewer tests."
            return Completion(None, usage, turn, note=note, extra={"tool_use_id": call.id})
        return Completion(call.input, usage, turn, extra={"tool_use_id": call.id})

    def _repair_turns(self, completion: Completion, feedback: str) -> list[dict[str, Any]]:
        tool_use_id = completion.extra.get("tool_use_id")
        if tool_use_id is None:
            return [completion.assistant_message, {"role": "user", "content": feedback}]
        return [
            completion.assistant_message,
            {
                "role": "user",
                "content": [
                    {
                        "type": "tool_result",
                        "tool_use_id": tool_use_id,
                        "is_error": True,
                        "content": feedback,
                    },
                ],
            },
        ]


def _message(exc: anthropic.APIStatusError) -> str:
    body = exc.body if isinstance(exc.body, dict) else {}
    error = body.get("error", body) if isinstance(body, dict) else {}
    return str(error.get("message") if isinstance(error, dict) and error.get("message") else exc.message)[
        :300
    ]
