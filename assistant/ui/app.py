"""Chainlit adapter: every turn goes through the same ChatRunner as `studio ask`; this file only renders."""

from __future__ import annotations

import asyncio
from typing import Any

import chainlit as cl
from chainlit.server import app as server_app

from assistant.api import audio_url, build_router, mount_first
from assistant.graph.runner import ChatRunner
from assistant.services import StudioServices

services = StudioServices()
runner = ChatRunner(services)
mount_first(server_app, build_router(services))

STEP_NAMES = {"route": "Understanding your request", "generate": "Composing, rendering and mastering"}
_DONE = object()


def _step_output(node: str, update: dict[str, Any]) -> str:
    if node == "route":
        r = update.get("route") or {}
        return f"{r.get('tool')} {r.get('args', {})}"
    return ", ".join(f"#{t['id']} {t['title']}" for t in update.get("takes") or []) or "done"


async def _graph_updates(text: str, thread_id: str):  # type: ignore[no-untyped-def]
    """Run the (blocking) graph in a worker thread and hand its node updates to the event loop."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[Any] = asyncio.Queue()

    def work() -> None:
        try:
            for item in runner.stream(text, thread_id):
                loop.call_soon_threadsafe(queue.put_nowait, item)
        finally:
            loop.call_soon_threadsafe(queue.put_nowait, _DONE)

    task = loop.run_in_executor(None, work)
    while (item := await queue.get()) is not _DONE:
        yield item
    await task  # re-raise anything the graph raised


@cl.on_chat_start
async def start() -> None:
    await cl.Message(content="Studio ready. Try: *make a 20 second chiptune track at 140 bpm*").send()


@cl.on_message
async def on_message(message: cl.Message) -> None:
    thread_id = cl.context.session.thread_id
    async for node, update in _graph_updates(message.content, thread_id):
        async with cl.Step(name=STEP_NAMES.get(node, node.replace("_", " ").capitalize()), type="tool") as step:
            step.output = _step_output(node, update)
    result = runner.result(thread_id)
    elements: list[Any] = [
        cl.Audio(name=f"#{t['id']} {t['title']}", url=audio_url(t["id"]), display="inline") for t in result.takes
    ]
    await cl.Message(content=result.reply, elements=elements).send()
