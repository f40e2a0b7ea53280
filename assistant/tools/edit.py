"""Editing tool nodes: inpaint{track,start_s,end_s,prompt}, extend{track,seconds}, upscale{track,sample_rate},
separate_stems{track,stems}, export_midi{track}, export_daw{track,format}.

Each reply names the backend that did the work and what the seam/loudness check measured; a refused
request says why and that nothing was saved.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from assistant.edit_service import EditOutcome, EditService
from assistant.export_service import ExportService
from assistant.graph.state import ChatState
from assistant.services import StudioServices
from assistant.stop import stoppable
from assistant.tools.common import ToolInputError, args_of, reply, track_ref
from assistant.tools.generate import _take
from library.repository import TrackNotFound
from library.store import StorePathError
from models.edit.audio import EditError
from models.edit.base import BackendUnavailable
from models.edit.external import ExternalToolError
from models.transcribe import TranscriptionError

DEFAULT_EXTEND_S = 10.0
_STEM_ALIAS = {"melody": "other", "lead": "other", "chords": "other"}
_ERRORS = (EditError, BackendUnavailable, ExternalToolError, TranscriptionError, TrackNotFound, StorePathError,
           ToolInputError, ValueError)


def _guarded(work: Callable[[], dict[str, Any]], what: str) -> dict[str, Any]:
    try:
        return work()
    except _ERRORS as err:
        return reply(f"I couldn't {what}: {err}. Nothing was saved.")


def _edited(services: StudioServices, out: EditOutcome) -> dict[str, Any]:
    t = out.take
    text = f"**{t.title}** — track #{t.id}, {t.duration_s:.1f} s at {t.sample_rate} Hz, made from track " \
           f"#{out.parent.id} with {out.backend}. {out.notes}."
    if out.quality is not None:
        text += f"\nCheck: {out.quality.summary()}."
    return reply(text, takes=[_take(services, t)], current_track=t.id)


def inpaint(state: ChatState, services: StudioServices) -> dict[str, Any]:
    a = args_of(state)

    def work() -> dict[str, Any]:
        if a.get("start_s") is None or a.get("end_s") is None:
            raise ToolInputError("say which part to redo, e.g. 'redo 10 s to 14 s'")
        out = EditService(services).inpaint(track_ref(state, a.get("track")), float(a["start_s"]),
                                            float(a["end_s"]), str(a.get("prompt") or ""), bool(a.get("snap")),
                                            a.get("backend"), progress=stoppable())
        return _edited(services, out)
    return _guarded(work, "redo that part")


def extend(state: ChatState, services: StudioServices) -> dict[str, Any]:
    a = args_of(state)

    def work() -> dict[str, Any]:
        seconds = float(a.get("seconds") or DEFAULT_EXTEND_S)
        out = EditService(services).extend(track_ref(state, a.get("track")), seconds, str(a.get("prompt") or ""),
                                           bool(a.get("loop")), a.get("backend"), progress=stoppable())
        return _edited(services, out)
    return _guarded(work, "extend it")


def upscale(state: ChatState, services: StudioServices) -> dict[str, Any]:
    a = args_of(state)

    def work() -> dict[str, Any]:
        out = EditService(services).upscale(track_ref(state, a.get("track")), int(a.get("sample_rate") or 48000),
                                            a.get("backend"), progress=stoppable())
        return _edited(services, out)
    return _guarded(work, "upscale it")


def separate_stems(state: ChatState, services: StudioServices) -> dict[str, Any]:
    a = args_of(state)

    def work() -> dict[str, Any]:
        wanted = sorted({_STEM_ALIAS.get(s, s) for s in a.get("stems") or []}) or None
        out = EditService(services).separate(track_ref(state, a.get("track")), wanted, a.get("backend"),
                                             progress=stoppable())
        if out.take.id == out.parent.id:
            return reply(f"Track #{out.take.id} already has exact stems from its render: "
                         f"{', '.join(out.stems)} (no separation needed).", current_track=out.take.id)
        return _edited(services, out)
    return _guarded(work, "separate the stems")


def export_midi(state: ChatState, services: StudioServices) -> dict[str, Any]:
    a = args_of(state)

    def work() -> dict[str, Any]:
        out = ExportService(services).midi(track_ref(state, a.get("track")))
        return reply(f"MIDI of track #{out.track.id} ({out.notes}): {out.path}", current_track=out.track.id)
    return _guarded(work, "export the MIDI")


def export_daw(state: ChatState, services: StudioServices) -> dict[str, Any]:
    a = args_of(state)

    def work() -> dict[str, Any]:
        out = ExportService(services).daw(track_ref(state, a.get("track")), str(a.get("format") or "dawproject"))
        extra = " Ableton Live / FL Studio: drag the stems and MIDI from the zip (no .als/.flp is written)." \
            if out.format == "zip" else ""
        return reply(f"{out.format} export of track #{out.track.id}: {out.notes}. File: {out.path}.{extra}",
                     current_track=out.track.id)
    return _guarded(work, "export the project")
