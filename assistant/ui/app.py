"""Chainlit adapter: hooks only. Turns go through the same graph as `studio ask` (assistant/ui/chat.py);
the take editor, library lists, voice and uploads live in their own modules over the same services."""

from __future__ import annotations

import threading
from functools import partial
from typing import Any

import chainlit as cl
from chainlit.server import app as server_app
from chainlit.types import ThreadDict

from assistant.api import build_router, mount_first
from assistant.ui import actions, chat_settings, library_view, voice  # noqa: F401 - registers callbacks
from assistant.ui.auth import enable_password
from assistant.ui.chat import run_turn
from assistant.ui.files import build_files_router
from assistant.ui.persistence import data_layer
from assistant.ui.runtime import runner, services, warm_up
from assistant.ui.takes import refreshed
from assistant.ui.uploads import handle_uploads

_services = services()
runner()  # open the thread checkpoint now, not on the first message
threading.Thread(target=warm_up, name="studio-warm-up", daemon=True).start()
mount_first(server_app, build_router(_services))
mount_first(server_app, build_files_router(_services))
if _services.settings.ui_password:
    enable_password(_services.settings.ui_password, _services.settings.data_dir)


@cl.data_layer
def _history() -> Any:
    return data_layer(_services.settings.data_dir, refresh=partial(refreshed, _services))


WELCOME = ("Studio ready. Try: *make a 20 second chiptune track at 140 bpm*. Drag on a take's waveform to select "
           "a part; the settings panel holds the studio, the remix sliders, duration, BPM and key.")


@cl.on_chat_start
async def start() -> None:
    await chat_settings.send_panel()
    await cl.Message(content=WELCOME, actions=library_view.library_actions()).send()


@cl.on_chat_resume
async def resume(thread: ThreadDict) -> None:
    await chat_settings.send_panel((thread.get("metadata") or {}).get("chat_settings"))


@cl.on_settings_update
async def settings_update(values: dict[str, Any]) -> None:
    await cl.Message(content=f"Next generations use: {chat_settings.describe(values)}.").send()


@cl.on_message
async def on_message(message: cl.Message) -> None:
    if await handle_uploads(message.elements or []) and not message.content.strip():
        return
    if message.content.strip():
        await run_turn(message.content)
