"""ChatRunner: one chat turn through the graph, the same for the UI, `studio ask` and (later) voice."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from langchain_core.messages import HumanMessage

from assistant.graph.graph import build_graph, sqlite_checkpointer, thread_config
from assistant.graph.state import Take
from assistant.services import StudioServices


@dataclass
class TurnResult:
    reply: str
    takes: list[Take] = field(default_factory=list)
    route: dict = field(default_factory=dict)


class ChatRunner:
    def __init__(self, services: StudioServices) -> None:
        self.services = services
        self.checkpointer = sqlite_checkpointer(services.settings.threads_db)
        self.graph = build_graph(services, self.checkpointer)

    def stream(self, text: str, thread_id: str) -> Iterator[tuple[str, dict[str, Any]]]:
        """Yield (node name, its partial state) as each graph node finishes: the UI shows them as steps."""
        inputs = {"messages": [HumanMessage(content=text)]}
        for chunk in self.graph.stream(inputs, thread_config(thread_id), stream_mode="updates"):
            for node, update in chunk.items():
                yield node, update or {}

    def result(self, thread_id: str) -> TurnResult:
        """The outcome of the thread's latest turn, read back from the checkpoint."""
        state = self.state(thread_id)
        messages = state.get("messages") or []
        return TurnResult(str(messages[-1].content) if messages else "", list(state.get("takes") or []),
                          dict(state.get("route") or {}))

    def turn(self, text: str, thread_id: str) -> TurnResult:
        for _ in self.stream(text, thread_id):
            pass
        return self.result(thread_id)

    def state(self, thread_id: str) -> dict[str, Any]:
        return dict(self.graph.get_state(thread_config(thread_id)).values)
