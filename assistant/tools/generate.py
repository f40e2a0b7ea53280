"""generate{prompt, studio, duration_s, bpm, key, variations, time_signature, reference, and the four remix
sliders}: compose, render and file new takes."""

from __future__ import annotations

from typing import Any

from assistant.graph.state import ChatState, Take
from assistant.services import StudioServices
from assistant.tools.common import ToolInputError, args_of, reply, track_ref
from library.store import StorePathError
from studios.base import StudioError

_SLIDERS = ("melody_loyalty", "weirdness", "genre_shift", "structure_consistency")


def _take(services: StudioServices, track: Any) -> Take:
    return Take(id=track.id, title=track.title, path=str(services.track_path(track)),
                duration_s=track.duration_s, bpm=track.bpm, key=track.key, studio=track.studio)


def generate(state: ChatState, services: StudioServices) -> dict[str, Any]:
    a = args_of(state)
    try:
        reference = track_ref(state, a["reference"]) if a.get("reference") is not None else None
        result = services.generate(
            a.get("prompt", ""), studio=a.get("studio"), current_studio=state.get("studio"),
            duration_s=float(a.get("duration_s", 30.0)), bpm=a.get("bpm"), key=a.get("key"),
            seed=a.get("seed"), variations=int(a.get("variations", 1)),
            time_signature=a.get("time_signature"), reference=reference,
            **{k: a[k] for k in _SLIDERS if a.get(k) is not None},
        )
    except (StudioError, StorePathError, ToolInputError) as err:
        return reply(f"I couldn't make that: {err}. Nothing was saved.")
    takes = [_take(services, t) for t in result.takes]
    lines = [f"{result.studio.name} studio ({result.studio_reason}):"]
    for t, note in zip(result.takes, result.notes, strict=True):
        lines.append(f"- **{t.title}** — track #{t.id}, {t.duration_s:.1f} s at {t.bpm:g} BPM in {t.key}. {note}")
    return reply("\n".join(lines), takes=takes, current_track=takes[-1]["id"], studio=result.studio.id)
