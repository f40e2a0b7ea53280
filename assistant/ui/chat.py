"""A chat turn rendered in Chainlit: one step per graph node, then the reply with a take editor per take."""

from __future__ import annotations

from typing import Any

import chainlit as cl

from assistant.ui import chat_settings
from assistant.ui.runtime import runner, services
from assistant.ui.takes import send_takes
from assistant.ui.turns import turn_updates

STEP_NAMES = {"route": "Understanding your request", "generate": "Composing, rendering and mastering",
              "inpaint": "Regenerating the selection", "extend": "Extending the take"}


def _step_output(node: str, update: dict[str, Any]) -> str:
    if node == "route":
        r = update.get("route") or {}
        return f"{r.get('tool')} {r.get('args', {})}"
    return ", ".join(f"#{t['id']} {t['title']}" for t in update.get("takes") or []) or "done"


def thread_id() -> str:
    return str(cl.context.session.thread_id)


async def run_turn(text: str, route: dict[str, Any] | None = None) -> cl.Message:
    """Run text (or a known route) through the graph with this chat's settings; show steps, then the takes."""
    settings = chat_settings.generate_defaults()
    async for node, update in turn_updates(runner(), text, thread_id(), settings=settings, route=route):
        name = STEP_NAMES.get(node, node.replace("_", " ").capitalize())
        async with cl.Step(name=name, type="tool") as step:
            step.output = _step_output(node, update)
    result = runner().result(thread_id())
    return await send_takes(services(), result.reply, [t["id"] for t in result.takes])
