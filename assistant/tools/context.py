"""Multi-turn context for generate: "make it faster", "same but in D minor" start from the track in focus.

The base is the focused track's own row (prompt, studio, length, tempo, key), so it works for takes
from earlier sessions too; what the user says now overrides it.
"""

from __future__ import annotations

from typing import Any

from assistant.graph.state import ChatState
from assistant.services import StudioServices
from assistant.tools.common import ToolInputError, track_ref
from library.repository import TrackNotFound

TEMPO_STEP = 0.15  # "faster" / "slower": 15%, a clearly audible change that keeps the feel


def with_focus(state: ChatState, services: StudioServices, args: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """(generate args merged onto the referenced track, "Based on track #N ...") or (args, "")."""
    if args.get("track") is None:
        return args, ""
    a = dict(args)
    track_id = track_ref(state, a.pop("track"))
    try:
        base = services.get_track(track_id)
    except TrackNotFound as err:
        raise ToolInputError(str(err)) from err
    merged: dict[str, Any] = {"prompt": base.prompt, "studio": base.studio, "duration_s": base.duration_s,
                              "bpm": base.bpm, "key": base.key}
    tempo = a.pop("tempo", None)
    if tempo and base.bpm:
        merged["bpm"] = round(base.bpm * (1 + TEMPO_STEP if tempo == "faster" else 1 - TEMPO_STEP))
    if a.get("prompt"):
        merged["prompt"] = f"{base.prompt}; {a.pop('prompt')}"
    merged.update({k: v for k, v in a.items() if v is not None})
    return merged, f"Based on track #{base.id} ({base.title})"
