"""Per-thread chat state, checkpointed in SQLite so a conversation survives restarts."""

from __future__ import annotations

from typing import Annotated, Any, TypedDict

from langchain_core.messages import AnyMessage
from langgraph.graph.message import add_messages


class Take(TypedDict):
    id: int
    title: str
    path: str
    duration_s: float
    bpm: float | None
    key: str | None
    studio: str


class ChatState(TypedDict, total=False):
    messages: Annotated[list[AnyMessage], add_messages]
    route: dict[str, Any]  # {"tool": name, "args": {...}} chosen for the latest message
    studio: str  # the thread's active studio id
    current_track: int | None  # the track in focus ("it", "this one")
    takes: list[Take]  # takes produced by the latest turn
    confirmed: bool  # the user's answer to the latest confirmation question
    check: dict[str, Any] | None  # what generate was asked, for the quality node to check its takes against
