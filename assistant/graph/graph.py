"""The orchestrator: route -> one tool node -> end, checkpointed per thread."""

from __future__ import annotations

import functools
import sqlite3
from pathlib import Path

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph

from assistant.graph.router import route
from assistant.graph.state import ChatState
from assistant.services import StudioServices
from assistant.tools import TOOLS


def _pick_tool(state: ChatState) -> str:
    tool = (state.get("route") or {}).get("tool", "chat")
    return tool if tool in TOOLS else "chat"


def build_graph(services: StudioServices, checkpointer: BaseCheckpointSaver | None = None) -> CompiledStateGraph:
    g = StateGraph(ChatState)
    g.add_node("route", route)
    for name, fn in TOOLS.items():
        g.add_node(name, functools.partial(fn, services=services))
        g.add_edge(name, END)
    g.add_edge(START, "route")
    g.add_conditional_edges("route", _pick_tool, list(TOOLS))
    return g.compile(checkpointer=checkpointer)


def sqlite_checkpointer(path: Path) -> SqliteSaver:
    # One connection shared across threads (Chainlit runs turns in worker threads); SqliteSaver locks it.
    conn = sqlite3.connect(str(path), check_same_thread=False)
    saver = SqliteSaver(conn)
    saver.setup()
    return saver


def thread_config(thread_id: str) -> RunnableConfig:
    return {"configurable": {"thread_id": thread_id}}
