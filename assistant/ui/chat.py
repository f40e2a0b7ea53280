"""A chat turn rendered in Chainlit: a step for the routing, a running step while the tool works (the
chat stays responsive: the graph runs in a worker thread), then the reply with a take editor per take."""

from __future__ import annotations

import asyncio
from typing import Any

import chainlit as cl

from assistant.ui import chat_settings
from assistant.ui.runtime import runner, services, warmed
from assistant.ui.takes import send_takes
from assistant.ui.turns import turn_updates

STEP_NAMES = {"generate": "Composing, rendering and mastering", "inpaint": "Regenerating the selection",
              "extend": "Extending the take", "upscale": "Upscaling", "separate_stems": "Separating stems",
              "export_daw": "Exporting the project", "export_midi": "Exporting MIDI"}


def _route_text(update: dict[str, Any]) -> str:
    r = update.get("route") or {}
    return f"{r.get('tool')} {r.get('args', {})}"


def _takes_text(update: dict[str, Any]) -> str:
    return ", ".join(f"#{t['id']} {t['title']}" for t in update.get("takes") or []) or "done"


def thread_id() -> str:
    return str(cl.context.session.thread_id)


async def run_turn(text: str, route: dict[str, Any] | None = None) -> cl.Message:
    """Run text (or a known route) through the graph with this chat's settings; show steps, then the takes."""
    await warmed()
    updates = turn_updates(runner(), text, thread_id(), settings=chat_settings.generate_defaults(), route=route)
    try:
        async with cl.Step(name="Understanding your request", type="tool") as step:
            _, first = await anext(updates)
            step.output = _route_text(first)
        tool = str((first.get("route") or {}).get("tool"))
        async with cl.Step(name=STEP_NAMES.get(tool, tool.replace("_", " ").capitalize()), type="tool") as step:
            async for _, update in updates:
                step.output = _takes_text(update)
    except asyncio.CancelledError:
        # Stop pressed: the chat is free again at once. A render already running cannot be interrupted
        # mid-way (it runs in a worker thread), so say what will happen to it.
        await cl.Message(content="Stopped. A take that was already rendering will still be saved to your "
                                 "library when it finishes; nothing else was changed.").send()
        raise
    result = runner().result(thread_id())
    return await send_takes(services(), result.reply, [t["id"] for t in result.takes])
