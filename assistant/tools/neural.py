"""generate{engine: "musicgen", ...}: MusicGen takes from chat (the user's local weights).

With a track (or reference) it is a neural re-render of that track (MusicGen-Melody keeps its melody
and form); otherwise text -> music. Called by assistant/tools/generate.py before its studio path.
"""

from __future__ import annotations

import re
from typing import Any

from assistant.graph.state import ChatState
from assistant.neural_service import neural_for
from assistant.services import StudioServices
from assistant.stop import stoppable
from assistant.tools.common import ToolInputError, args_of, reply, track_ref
from assistant.tools.generate import _SLIDERS, _take
from library.store import StorePathError
from models.musicgen.errors import MusicGenError
from studios.base import StudioError

ENGINE = "musicgen"
_NEURAL_WORDS = re.compile(r"\b(musicgen|neural)\b", re.IGNORECASE)  # the router should set engine itself


def wants_neural(a: dict[str, Any]) -> bool:
    return a.get("engine") == ENGINE or (a.get("engine") is None and bool(_NEURAL_WORDS.search(a.get("prompt") or "")))


def _prompt(a: dict[str, Any]) -> str:
    """The prompt without the engine words (they chose the engine, they are not music)."""
    return " ".join(_NEURAL_WORDS.sub(" ", a.get("prompt") or "").split())


def neural_generate(state: ChatState, services: StudioServices) -> dict[str, Any]:
    a = args_of(state)
    sliders = {k: a[k] for k in _SLIDERS if a.get(k) is not None}
    common = {"seed": a.get("seed"), "variations": int(a.get("variations") or 1), "progress": stoppable(), **sliders}
    source = a["reference"] if a.get("reference") is not None else a.get("track")
    try:
        neural = neural_for(services)
        if source is not None:
            result = neural.rerender(track_ref(state, source), prompt=_prompt(a) or None, **common)
            what = f"MusicGen re-render of track #{track_ref(state, source)}"
        else:
            result = neural.generate(_prompt(a), studio=a.get("studio"), current_studio=state.get("studio"),
                                     duration_s=float(a.get("duration_s") or 30.0), **common)
            what = "MusicGen"
    except (MusicGenError, StudioError, StorePathError, ToolInputError) as err:
        return reply(f"I couldn't make that with MusicGen: {err}. Nothing was saved.")
    takes = [_take(services, t) for t in result.takes]
    lines = [f"{what} ({', '.join(result.notes)}):"]
    lines += [f"- **{t.title}** — track #{t.id}, {t.duration_s:.1f} s" for t in result.takes]
    return reply("\n".join(lines), takes=takes, current_track=takes[-1]["id"], studio=result.studio)
