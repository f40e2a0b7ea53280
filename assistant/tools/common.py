"""Helpers shared by tool nodes: the latest route's args and a reply message."""

from __future__ import annotations

from typing import Any

from langchain_core.messages import AIMessage

from assistant.graph.state import ChatState


def args_of(state: ChatState) -> dict[str, Any]:
    return dict((state.get("route") or {}).get("args") or {})


def reply(text: str, **extra: Any) -> dict[str, Any]:
    """Partial state for a turn that answers with text; takes default to none produced."""
    return {"messages": [AIMessage(content=text)], "takes": [], **extra}
