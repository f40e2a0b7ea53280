"""list_tracks{filters}: what is in the library, newest first."""

from __future__ import annotations

from typing import Any

from assistant.graph.state import ChatState
from assistant.services import StudioServices
from assistant.tools.common import args_of, reply
from library.repository import TrackFilter


def list_tracks(state: ChatState, services: StudioServices) -> dict[str, Any]:
    filters = args_of(state).get("filters") or {}
    tracks = services.list_tracks(TrackFilter(studio=filters.get("studio"), limit=20))
    if not tracks:
        return reply("The library is empty. Try: *make a 20 second chiptune track at 140 bpm*.")
    total = services.tracks.count()
    rows = [f"- #{t.id} **{t.title}** · {t.studio} · {t.duration_s:.1f} s · {t.bpm:g} BPM · {t.key}"
            for t in tracks]
    head = f"Your library has {total} track{'s' if total != 1 else ''}; newest first:"
    return reply("\n".join([head, *rows]))
