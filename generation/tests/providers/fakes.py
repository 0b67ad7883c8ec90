"""Local fakes of the providers' HTTP APIs, speaking their real wire formats.

The official SDKs are pointed at them through ``httpx2.MockTransport`` (the SDKs are built on httpx2, not httpx), so every request the
SDK really builds is recorded and every answer goes through the SDK's own parsing. A script
entry is: a dict (a structured answer), a str (raw message content, e.g. broken JSON), an int
(an HTTP error status), an exception instance (raised by the transport, e.g. a timeout) or a
callable taking the decoded request body and returning one of those.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

import json
from collections.abc import Callable
from typing import Any

import httpx2

Script = list[Any]

GOOD_ANSWER: dict[str, Any] = {
    "tests": [
        {
            "title": "Unknown user id answers 404",
            "description": "An id that was never issued must answer 404, not 500 or another user's data.",
            "type": "negative",
            "spec": {
                "steps": [
                    {
                        "request": {"method": "GET", "path": "/users/{id}", "path_params": {"id": 999999}},
                        "assertions": [{"type": "status", "expected": 404}],
                    }
                ]
            },
        },
        {
            "title": "Listing is fast under load",
            "description": "Reads must keep p95 under 300 ms with 10 concurrent clients.",
            "type": "performance",
            "priority": "high",
            "spec": {
                "steps": [{"request": {"method": "GET", "path": "/users"}}],
                "load": {"requests": 100, "concurrency": 10, "limits": {"p95_ms": 300}},
            },
        },
    ]
}
BAD_SPEC_ANSWER: dict[str, Any] = {
    "tests": [
        {
            "title": "Broken",
            "description": "",
            "type": "negative",
            "spec": {"steps": [{"request": {"method": "FETCH", "path": "users"}}]},
        }
    ]
}


class FakeProviderAPI(ABC):
    """Base: scripted answers, recorded requests."""

    def __init__(
        self, script: Script, *, usage: tuple[int, int] = (1200, 300), retry_after: str | None = None
    ) -> None:
        self.script = list(script)
        self.usage = usage
        self.retry_after = retry_after
        self.requests: list[httpx2.Request] = []
        self.bodies: list[dict[str, Any]] = []

    def client(self) -> httpx2.Client:
        return httpx2.Client(transport=httpx2.MockTransport(self.handle))

    def handle(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        body = json.loads(request.content)
        self.bodies.append(body)
        if not self.script:
            raise AssertionError("the fake received more calls than scripted")
        entry = self.script.pop(0)
        if callable(entry) and not isinstance(entry, type):
            entry = entry(body)
        if isinstance(entry, BaseException):
            raise entry
        if isinstance(entry, int):
            headers = {"retry-after": self.retry_after} if self.retry_after and entry == 429 else {}
            return httpx2.Response(entry, json=self.error_body(entry), headers=headers)
        return httpx2.Response(200, json=self.answer(body, entry))

    @abstractmethod
    def error_body(self, status: int) -> dict[str, Any]:
        """The provider's JSON error document for `status`."""

    @abstractmethod
    def answer(self, request: dict[str, Any], entry: dict[str, Any] | str) -> dict[str, Any]:
        """The provider's JSON success document carrying `entry` as the model's answer."""


class FakeOpenAI(FakeProviderAPI):
    """``POST {base}/chat/completions`` as OpenAI, Gemini's compatibility layer, Ollama and vLLM serve it."""

    def error_body(self, status: int) -> dict[str, Any]:
        return {"error": {"message": f"fake error {status}", "type": "server_error", "code": None}}

    def answer(self, request: dict[str, Any], entry: dict[str, Any] | str) -> dict[str, Any]:
        content = entry if isinstance(entry, str) else json.dumps(entry)
        return {
            "id": f"chatcmpl-{len(self.requests)}",
            "object": "chat.completion",
            "created": 1_700_000_000,
            "model": request["model"],
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content, "refusal": None},
                    "finish_reason": "stop",
                    "logprobs": None,
                }
            ],
            "usage": {
                "prompt_tokens": self.usage[0],
                "completion_tokens": self.usage[1],
                "total_tokens": sum(self.usage),
            },
        }

    @staticmethod
    def user_text(body: dict[str, Any]) -> str:
        return "\n".join(
            m["content"] for m in body["messages"] if m["role"] == "user" and isinstance(m["content"], str)
        )


class FakeAnthropic(FakeProviderAPI):
    """``POST {base}/v1/messages`` answering with a ``tool_use`` block (or text for a str entry)."""

    def error_body(self, status: int) -> dict[str, Any]:
        kind = {429: "rate_limit_error", 529: "overloaded_error"}.get(status, "api_error")
        return {"type": "error", "error": {"type": kind, "message": f"fake error {status}"}}

    def answer(self, request: dict[str, Any], entry: dict[str, Any] | str) -> dict[str, Any]:
        if isinstance(entry, str):
            content: list[dict[str, Any]] = [{"type": "text", "text": entry}]
            stop = "end_turn"
        else:
            content = [
                {
                    "type": "tool_use",
                    "id": f"toolu_{len(self.requests)}",
                    "name": "submit_tests",
                    "input": entry,
                }
            ]
            stop = "tool_use"
        return {
            "id": f"msg_{len(self.requests)}",
            "type": "message",
            "role": "assistant",
            "model": request["model"],
            "content": content,
            "stop_reason": stop,
            "stop_sequence": None,
            "usage": {"input_tokens": self.usage[0], "output_tokens": self.usage[1]},
        }

    @staticmethod
    def user_text(body: dict[str, Any]) -> str:
        parts: list[str] = []
        for message in body["messages"]:
            if message["role"] != "user":
                continue
            if isinstance(message["content"], str):
                parts.append(message["content"])
            else:
                parts.extend(str(block.get("content", block.get("text", ""))) for block in message["content"])
        return "\n".join(parts)


def answer_by_instructions(
    rules: dict[str, dict[str, Any]], default: dict[str, Any]
) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """An answer chosen by which phrase the user's instructions (as received) contain."""

    def choose(body: dict[str, Any]) -> dict[str, Any]:
        text = (
            FakeOpenAI.user_text(body)
            if "messages" in body and "system" not in body
            else FakeAnthropic.user_text(body)
        )
        instructions = (
            text.split("## Instructions from the user", 1)[1]
            if "## Instructions from the user" in text
            else ""
        )
        for phrase, answer in rules.items():
            if phrase in instructions:
                return answer
        return default

    return choose
