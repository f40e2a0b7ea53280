"""select_studio{studio}, current_studio, and chat: answers grounded in what the studio can do."""

from __future__ import annotations

from typing import Any

from assistant.graph.state import ChatState
from assistant.services import StudioServices
from assistant.tools.common import args_of, reply
from studios.base import StudioError
from studios.manager import CATALOGUE

HELP = (
    "I'm your local music studio. Ask me things like:\n"
    "- *make a 20 second chiptune track at 140 bpm*\n"
    "- *compose 3 variations of a dungeon theme in F# minor*\n"
    "- *list my tracks* · *which studio am I in?* · *switch to chiptune*\n"
    "Studios: {studios}."
)


def _studio_list() -> str:
    return ", ".join(f"{i.name} ({i.genre}{'' if i.module else ', coming soon'})" for i in CATALOGUE)


def select_studio(state: ChatState, services: StudioServices) -> dict[str, Any]:
    try:
        info = services.studios.info(str(args_of(state).get("studio", "")))
        services.studios.get(info.id)  # refuse studios that are not built yet, now
    except StudioError as err:
        return reply(f"I couldn't switch studios: {err}.")
    return reply(f"Switched to the **{info.name}** studio ({info.genre}). New tracks will be made here.",
                 studio=info.id)


def current_studio(state: ChatState, services: StudioServices) -> dict[str, Any]:
    info = services.studios.info(state.get("studio") or services.studios.current_id)
    return reply(f"You're in the **{info.name}** studio ({info.genre}).")


def chat(state: ChatState, services: StudioServices) -> dict[str, Any]:
    return reply(HELP.format(studios=_studio_list()))
