"""Takes as chat elements: the TakeEditor props (player URL, precomputed peaks, lineage, flags, remix).

Props carry everything the element needs to draw at once and to survive a remount or a restart: the
audio URL is the app's own stable route, not a session file.
"""

from __future__ import annotations

from typing import Any

import chainlit as cl

from assistant.api import audio_url
from assistant.services import StudioServices
from assistant.ui import capabilities
from assistant.ui.peaks import peaks
from library.models import Track
from library.repository import TrackNotFound

_SLIDER_LABELS = (("melody_loyalty", "Melody Loyalty"), ("weirdness", "Weirdness"), ("genre_shift", "Genre Shift"),
                  ("structure_consistency", "Structure Consistency"))


def remix_line(params: dict[str, Any]) -> str:
    """The slider values a take was made with, as the user sees them in the settings panel."""
    parts = [f"{label} {float(params[name]):.2f}" for name, label in _SLIDER_LABELS if params.get(name) is not None]
    return " · ".join(parts)


def lineage(services: StudioServices, track: Track) -> list[dict[str, Any]]:
    try:
        chain = services.library.lineage(track.id)
    except TrackNotFound:  # a parent emptied from the trash: show what is left
        chain = [track]
    return [{"id": t.id, "title": t.title, "operation": t.operation} for t in chain]


def take_props(services: StudioServices, track: Track, selection: dict[str, float] | None = None) -> dict[str, Any]:
    values, duration = peaks(services.track_path(track))
    params = track.params or {}
    return {
        "id": track.id, "title": track.title, "url": audio_url(track.id), "peaks": values,
        "duration": round(duration, 3), "bpm": round(track.bpm) if track.bpm else None, "key": track.key,
        "studio": track.studio, "time_signature": params.get("time_signature"), "remix": remix_line(params),
        "favorite": track.favorite, "disliked": track.disliked, "trashed": track.trashed,
        "lineage": lineage(services, track), "selection": selection,
        "capabilities": capabilities.available(services, track), "coming": capabilities.COMING,
    }


def refreshed(services: StudioServices, name: str, props: dict[str, Any]) -> dict[str, Any]:
    """A saved TakeEditor's props with the track's current flags and buttons (for resumed threads)."""
    if name != "TakeEditor" or "id" not in props:
        return props
    try:
        track = services.get_track(int(props["id"]))
    except (TrackNotFound, ValueError):
        return {**props, "status": "this take was deleted from the library"}
    return {**props, "favorite": track.favorite, "disliked": track.disliked, "trashed": track.trashed,
            "capabilities": capabilities.available(services, track), "coming": capabilities.COMING}


def take_element(services: StudioServices, track: Track, **kw: Any) -> cl.CustomElement:
    return cl.CustomElement(name="TakeEditor", props=take_props(services, track, **kw), display="inline")


async def send_takes(services: StudioServices, content: str, track_ids: list[int]) -> cl.Message:
    elements = [take_element(services, services.get_track(i)) for i in track_ids]
    msg = cl.Message(content=content, elements=elements)  # type: ignore[arg-type]
    await msg.send()
    return msg
