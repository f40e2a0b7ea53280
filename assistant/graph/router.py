"""Router node: picks the tool for the latest user message (fast path; the LLM joins in the agent issue)."""

from __future__ import annotations

from typing import Any

from langchain_core.messages import HumanMessage

from assistant.graph.parser import parse
from assistant.graph.state import ChatState


def latest_user_text(state: ChatState) -> str:
    for msg in reversed(state.get("messages", [])):
        if isinstance(msg, HumanMessage):
            return str(msg.content)
    return ""


def route(state: ChatState) -> dict[str, Any]:
    return {"route": parse(latest_user_text(state)).as_dict(), "takes": []}
