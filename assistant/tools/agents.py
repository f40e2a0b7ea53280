"""enhance_prompt{prompt, studio}: the Prompt Agent as a chat tool (no audio is made)."""

from __future__ import annotations

from typing import Any

from assistant.agents.prompt_agent import enhance
from assistant.graph.state import ChatState
from assistant.services import StudioServices
from assistant.tools.common import args_of, reply
from models.llm import LLMEngine, LLMUnavailable, get_engine


def engine_or_none(services: StudioServices) -> LLMEngine | None:
    try:
        return get_engine(services.settings)
    except LLMUnavailable:
        return None


def enhance_prompt(state: ChatState, services: StudioServices) -> dict[str, Any]:
    a = args_of(state)
    studio = a.get("studio") or state.get("studio")
    text, how = enhance(str(a.get("prompt", "")), studio, engine_or_none(services))
    source = "" if how == "llm" else " (from the studio's vocabulary; no language model is available)"
    return reply(f"Enhanced prompt{source}:\n\n> {text}\n\nUse it in your next request to generate from it.")
