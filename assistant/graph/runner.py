"""ChatRunner: one chat turn through the graph, the same for the UI, `studio ask` and voice.

A thread paused on a confirmation question takes the next message as its answer ("yes"/"no"); any
other message cancels the paused action and is handled as a new request.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from langchain_core.messages import HumanMessage
from langgraph.types import Command

from assistant.graph.confirm import is_answer
from assistant.graph.graph import build_graph, sqlite_checkpointer, thread_config
from assistant.graph.state import Take
from assistant.services import StudioServices


@dataclass
class TurnResult:
    reply: str
    takes: list[Take] = field(default_factory=list)
    route: dict = field(default_factory=dict)
    pending: bool = False  # True: the reply is a question and the thread waits for yes/no


class ChatRunner:
    def __init__(self, services: StudioServices, use_llm: bool = True) -> None:
        self.services = services
        self.checkpointer = sqlite_checkpointer(services.settings.threads_db)
        self.graph = build_graph(services, self.checkpointer, use_llm)

    def pending_question(self, thread_id: str) -> str | None:
        snap = self.graph.get_state(thread_config(thread_id))
        for task in snap.tasks:
            for intr in task.interrupts:
                return str((intr.value or {}).get("question") or "Go ahead? (yes/no)")
        return None

    def _run(self, inputs: Any, thread_id: str) -> Iterator[tuple[str, dict[str, Any]]]:
        for chunk in self.graph.stream(inputs, thread_config(thread_id), stream_mode="updates"):
            for node, update in chunk.items():
                if node != "__interrupt__":  # the pause itself; result() reports the question
                    yield node, update or {}

    def stream(self, text: str, thread_id: str) -> Iterator[tuple[str, dict[str, Any]]]:
        """Yield (node name, its partial state) as each graph node finishes: the UI shows them as steps."""
        if self.pending_question(thread_id) is not None:
            answer = text if is_answer(text) else "no"
            yield from self._run(Command(resume=answer), thread_id)
            if is_answer(text):
                return
        yield from self._run({"messages": [HumanMessage(content=text)]}, thread_id)

    def result(self, thread_id: str) -> TurnResult:
        """The outcome of the thread's latest turn, read back from the checkpoint."""
        state = self.state(thread_id)
        route = dict(state.get("route") or {})
        question = self.pending_question(thread_id)
        if question is not None:
            return TurnResult(question, [], route, pending=True)
        messages = list(state.get("messages") or [])
        start = max((i for i, m in enumerate(messages) if isinstance(m, HumanMessage)), default=-1) + 1
        replies = [str(m.content) for m in messages[start:]] or [str(messages[-1].content) if messages else ""]
        # A turn can answer in several messages (generate, then the Quality Agent): the reply is all of them.
        return TurnResult("\n".join(replies), list(state.get("takes") or []), route)

    def turn(self, text: str, thread_id: str) -> TurnResult:
        for _ in self.stream(text, thread_id):
            pass
        return self.result(thread_id)

    def state(self, thread_id: str) -> dict[str, Any]:
        return dict(self.graph.get_state(thread_config(thread_id)).values)
