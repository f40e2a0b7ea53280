"""One chat turn for the UI: the same graph as `studio ask`, with the chat settings folded into the route.

ChatRunner.stream takes only text, but the chat settings (studio, sliders, duration, BPM, key) and the
take editor's buttons need to reach the tool's arguments. So the UI asks the graph's own router node for
the route, fills the generate arguments the text left open from the settings (what the user typed wins),
writes that as the router's output (update_state as_node="route") and lets the graph run the tool node.
Same router, same tools, same checkpoint: nothing is decided here that the graph would decide otherwise.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import Any

from langchain_core.messages import HumanMessage

from assistant.graph.graph import thread_config
from assistant.graph.router import route as router_node
from assistant.graph.runner import ChatRunner

_DONE = object()


def with_settings(route: dict[str, Any], settings: dict[str, Any]) -> dict[str, Any]:
    """The route with the chat settings as defaults for a generation; other tools pass unchanged."""
    if route.get("tool") != "generate" or not settings:
        return route
    args = dict(route.get("args") or {})
    for name, value in settings.items():
        if value is not None and args.get(name) is None:
            args[name] = value
    return {**route, "args": args}


def stream_turn(runner: ChatRunner, text: str, thread_id: str, settings: dict[str, Any] | None = None,
                route: dict[str, Any] | None = None) -> Iterator[tuple[str, dict]]:
    """Yield (node, update) like ChatRunner.stream; `route` skips the router (a button that knows its tool)."""
    if route is None and runner.pending_question(thread_id) is not None:
        # A confirmation is waiting (bulk trash, cancel all): the runner answers or cancels it itself.
        yield from runner.stream(text, thread_id)
        return
    config = thread_config(thread_id)
    message = HumanMessage(content=text)
    state = runner.state(thread_id)
    if route is None:
        pending: Any = {**state, "messages": [*(state.get("messages") or []), message]}
        update: dict[str, Any] = dict(router_node(pending))
    else:
        update = {"route": route, "takes": []}
    update["route"] = with_settings(dict(update.get("route") or {}), settings or {})
    yield "route", update
    values = {**update, "messages": [message]}
    runner.graph.update_state(config, values, as_node="route")
    for chunk in runner.graph.stream(None, config, stream_mode="updates"):
        for node, part in chunk.items():
            yield node, part or {}


async def turn_updates(runner: ChatRunner, text: str, thread_id: str, **kw: Any) -> AsyncIterator[tuple[str, dict]]:
    """stream_turn in a worker thread (the graph blocks), its updates handed to the event loop as they come."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[Any] = asyncio.Queue()

    def work() -> None:
        try:
            for item in stream_turn(runner, text, thread_id, **kw):
                loop.call_soon_threadsafe(queue.put_nowait, item)
        finally:
            loop.call_soon_threadsafe(queue.put_nowait, _DONE)

    task = loop.run_in_executor(None, work)
    while (item := await queue.get()) is not _DONE:
        yield item
    await task  # re-raise anything the graph raised
