"""A chat turn rendered in Chainlit: a step for the routing, a running step while the tool works (the
chat stays responsive: the graph runs in a worker thread), then the reply with a take editor per take."""

from __future__ import annotations

import asyncio
from typing import Any

import chainlit as cl

from assistant import stop
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
    """Run text (or a known route) through the graph with this chat's settings; show steps, then the takes.

    Takes are shown as soon as the tool node returns them (before the Quality Agent's check, which
    follows as its own message), so the player is on screen while the check runs.
    """
    await warmed()
    updates = turn_updates(runner(), text, thread_id(), settings=chat_settings.generate_defaults(), route=route)
    shown: set[int] = set()
    last: cl.Message | None = None
    try:
        async with cl.Step(name="Understanding your request", type="tool") as step:
            _, first = await anext(updates)
            step.output = _route_text(first)
        tool = str((first.get("route") or {}).get("tool"))
        async with cl.Step(name=STEP_NAMES.get(tool, tool.replace("_", " ").capitalize()), type="tool") as step:
            async for node, update in updates:
                step.output = _takes_text(update)
                if node == "generate" and update.get("takes"):
                    last = await _send_update(update, shown)
                    break  # the take is on screen; the Quality Agent's step follows
        if last is not None:
            async with cl.Step(name="Quality Agent: checking the take", type="tool") as step:
                async for _, update in updates:
                    step.output = _text_of(update) or "done"
                    last = await _send_update(update, shown)
    except asyncio.CancelledError:
        # Stop pressed: the chat is free again at once; the render in the worker thread ends at its next
        # step (assistant/stop.py), before its take is filed.
        stop.request(thread_id())
        done = "" if not shown else f" (take{'s' if len(shown) > 1 else ''} #" + ", #".join(map(str, sorted(shown))) \
            + " had already been saved)"
        await cl.Message(content=f"Stopped: nothing more is rendered or saved for that request{done}.").send()
        raise
    if last is not None:
        return last
    result = runner().result(thread_id())
    return await send_takes(services(), result.reply, [t["id"] for t in result.takes])


def _text_of(update: dict[str, Any]) -> str:
    return "\n".join(str(m.content) for m in update.get("messages") or [])


async def _send_update(update: dict[str, Any], shown: set[int]) -> cl.Message:
    """One node's reply as a message, with editors for the takes not shown yet in this turn."""
    new = [int(t["id"]) for t in update.get("takes") or [] if int(t["id"]) not in shown]
    shown.update(new)
    return await send_takes(services(), _text_of(update), new)
