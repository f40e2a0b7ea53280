"""Router node: the fast parser for clear commands, the LLM for the rest, chat when neither places it."""

from __future__ import annotations

import time
from typing import Any

from langchain_core.messages import HumanMessage

from assistant.graph.commands import parse_or_hint
from assistant.graph.llm_router import llm_route
from assistant.graph.state import ChatState
from assistant.settings import StudioSettings
from models.llm import LLMUnavailable, get_engine


def latest_user_text(state: ChatState) -> str:
    for msg in reversed(state.get("messages", [])):
        if isinstance(msg, HumanMessage):
            return str(msg.content)
    return ""


def decide(text: str, settings: StudioSettings, focus: int | None = None, use_llm: bool = True) -> dict[str, Any]:
    """{"tool", "args", "via", "ms"}: the routing decision for text (what `studio route` prints)."""
    start = time.perf_counter()
    fast, hint = parse_or_hint(text)
    route, via = (fast.as_dict(), "parser") if fast is not None else (None, "llm")
    if route is None and use_llm:
        try:
            route = llm_route(get_engine(settings), text, f"#{focus}" if focus is not None else None, hint)
        except LLMUnavailable:
            route = None
    if route is None:
        route, via = {"tool": "chat", "args": {"text": text.strip()}}, "fallback"
    return {**route, "via": via, "ms": round((time.perf_counter() - start) * 1000, 1)}


def make_router(settings: StudioSettings, use_llm: bool = True):  # type: ignore[no-untyped-def]
    def route(state: ChatState) -> dict[str, Any]:
        d = decide(latest_user_text(state), settings, state.get("current_track"), use_llm)
        return {"route": {"tool": d["tool"], "args": d["args"], "via": d["via"]}, "takes": []}

    return route


def route(state: ChatState) -> dict[str, Any]:
    """The router node with the process settings (for callers outside the graph, e.g. the UI)."""
    from assistant.settings import get_settings

    return make_router(get_settings())(state)
