"""The orchestrator: route -> (confirm) -> one tool node -> (quality) -> end, checkpointed per thread.

Every catalogue tool has a node: its function from TOOLS when built, else the honest "coming" node.
Destructive or bulk routes pass through the confirm node, which pauses the thread with interrupt().
New studio takes pass through the quality node after generate has replied, so the UI shows them first.
"""

from __future__ import annotations

import functools
import sqlite3
from pathlib import Path

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph

from assistant.graph.catalogue import SPECS
from assistant.graph.confirm import confirm, question_for
from assistant.graph.router import make_router
from assistant.graph.state import ChatState
from assistant.services import StudioServices
from assistant.tools import TOOLS
from assistant.tools.coming import ToolNode, coming
from assistant.tools.generate import quality


def _tool(state: ChatState) -> str:
    tool = (state.get("route") or {}).get("tool", "chat")
    return tool if tool in SPECS else "chat"


def _after_route(state: ChatState) -> str:
    return "confirm" if question_for(state.get("route") or {}) else _tool(state)


def _after_confirm(state: ChatState) -> str:
    return _tool(state) if state.get("confirmed") else END


def _after_generate(state: ChatState) -> str:
    return "quality" if state.get("check") else END


def build_graph(services: StudioServices, checkpointer: BaseCheckpointSaver | None = None,
                use_llm: bool = True) -> CompiledStateGraph:
    g = StateGraph(ChatState)
    g.add_node("route", make_router(services.settings, use_llm))
    g.add_node("confirm", confirm)
    g.add_node("quality", functools.partial(quality, services=services))
    g.add_edge("quality", END)
    for name in SPECS:
        fn: ToolNode = TOOLS.get(name) or coming(name)
        g.add_node(name, functools.partial(fn, services=services))
        if name == "generate":
            g.add_conditional_edges(name, _after_generate, ["quality", END])
        else:
            g.add_edge(name, END)
    g.add_edge(START, "route")
    g.add_conditional_edges("route", _after_route, ["confirm", *SPECS])
    g.add_conditional_edges("confirm", _after_confirm, [*SPECS, END])
    return g.compile(checkpointer=checkpointer)


def sqlite_checkpointer(path: Path) -> SqliteSaver:
    # One connection shared across threads (Chainlit runs turns in worker threads); SqliteSaver locks it.
    conn = sqlite3.connect(str(path), check_same_thread=False)
    saver = SqliteSaver(conn)
    saver.setup()
    return saver


def thread_config(thread_id: str) -> RunnableConfig:
    return {"configurable": {"thread_id": thread_id}}
