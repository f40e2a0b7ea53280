"""The LLM engine interface the agents and the router talk to (llama.cpp today, anything tomorrow)."""

from __future__ import annotations

import abc
import json
from typing import Any, TypedDict


class Message(TypedDict):
    role: str  # "system" | "user" | "assistant"
    content: str


class LLMUnavailable(RuntimeError):
    """No language model can run here; the message names the fix. Callers fall back, never crash."""


class LLMEngine(abc.ABC):
    """A chat model. Structured calls are constrained by a JSON schema, so the reply always parses."""

    name: str = "llm"

    @abc.abstractmethod
    def complete_json(self, messages: list[Message], schema: dict[str, Any], *, prefix: str = "",
                      max_tokens: int = 160, temperature: float = 0.0) -> str:
        """JSON text constrained to schema, written after prefix (the start of the assistant's reply,
        e.g. '{"tool": '), so a reply can be built in small constrained steps. Callers still validate."""

    def choose(self, messages: list[Message], options: list[str], *, prefix: str = "") -> str:
        """One of options (written as a JSON string after prefix). Engines may stop sampling as soon as
        the reply so far fits one option only; this default samples the whole constrained reply, retried
        once when it is not one of the options (ValueError after that)."""
        raw = ""
        for _attempt in (1, 2):
            raw = self.complete_json(messages, {"enum": options}, prefix=prefix, max_tokens=16, temperature=0.0)
            try:
                choice = json.loads(raw)
            except ValueError:
                continue
            if choice in options:
                return str(choice)
        raise ValueError(f"the model's choice {raw[:40]!r} is none of {len(options)} options")

    @abc.abstractmethod
    def complete(self, messages: list[Message], *, max_tokens: int = 200, temperature: float = 0.7,
                 repeat_penalty: float = 1.1) -> str:
        """Free text reply."""
