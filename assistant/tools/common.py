"""Helpers shared by tool nodes: the latest route's args, track references, and a reply message."""

from __future__ import annotations

import re
from typing import Any

from langchain_core.messages import AIMessage

from assistant.graph.state import ChatState

CURRENT = "@current"  # the router's word for "it", "this one", "the last track"
_TRACK_NO = re.compile(r"^\s*(?:track\s*|take\s*)?#?\s*(\d+)\s*$", re.IGNORECASE)


class ToolInputError(ValueError):
    """Arguments a tool cannot act on; the message is said to the user as it is."""


def args_of(state: ChatState) -> dict[str, Any]:
    return dict((state.get("route") or {}).get("args") or {})


def track_ref(state: ChatState, value: Any) -> int:
    """A track id from a route argument: an int, "12", "#12", "track 12", or "@current" (the track in focus)."""
    if value is None or value == CURRENT:
        current = state.get("current_track")
        if current is None:
            raise ToolInputError("there is no track in focus yet: name one by its number, e.g. 'track 3'")
        return int(current)
    if isinstance(value, bool):  # bool is an int subclass; True is not a track
        raise ToolInputError(f"{value!r} is not a track number")
    if isinstance(value, int):
        return value
    m = _TRACK_NO.match(str(value))
    if not m:
        raise ToolInputError(f"{value!r} is not a track number: say e.g. 'track 3'")
    return int(m[1])


def track_refs(state: ChatState, value: Any) -> list[int]:
    """Several track ids: a list of references, or one reference."""
    values = value if isinstance(value, list | tuple) else [value]
    return [track_ref(state, v) for v in values]


def reply(text: str, **extra: Any) -> dict[str, Any]:
    """Partial state for a turn that answers with text; takes default to none produced."""
    return {"messages": [AIMessage(content=text)], "takes": [], **extra}
