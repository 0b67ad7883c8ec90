"""Google Gemini through its OpenAI-compatible endpoint, with the openai SDK.

Gemini serves the chat-completions protocol (structured output included) at
``https://generativelanguage.googleapis.com/v1beta/openai/``; only the base URL, the key and
the token parameter differ from OpenAI.
"""

from __future__ import annotations

from generation.providers.openai import OpenAIProvider


class GeminiProvider(OpenAIProvider):
    name = "gemini"
    label = "Google Gemini"
    default_model = "gemini-2.0-flash"
    token_parameter = "max_tokens"
