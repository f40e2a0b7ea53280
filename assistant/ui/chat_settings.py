"""The chat settings panel: studio, the four remix sliders, duration, BPM, key.

Values become defaults for the next generation's arguments (see turns.with_settings); what the user
types in the message wins. Chainlit keeps the values per session and in the thread's metadata.
"""

from __future__ import annotations

from typing import Any

import chainlit as cl
from chainlit.input_widget import InputWidget, Select, Slider

from studios.manager import StudioManager
from studios.remix import Remix

AUTO = "auto"
_NOTES = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
KEYS = [AUTO, *[f"{n}{m}" for m in ("", "m") for n in _NOTES]]
SLIDERS = (("melody_loyalty", "Melody Loyalty", "0 = new melody, 1 = keep the reference melody"),
           ("weirdness", "Weirdness", "0 = safest choices, 1 = most surprising"),
           ("genre_shift", "Genre Shift", "0 = keep the reference's style, 1 = follow the prompt"),
           ("structure_consistency", "Structure Consistency", "0 = every phrase varied, 1 = exact repeats"))
DEFAULT_DURATION_S = 30.0


def widgets(saved: dict[str, Any] | None = None) -> list[InputWidget]:
    """The panel; `saved` (a resumed thread's values) replaces the initial values."""
    v = saved or {}
    studios = [AUTO, *[i.id for i in StudioManager.available()]]
    remix = Remix()
    out: list[InputWidget] = [
        Select(id="studio", label="Studio", values=studios, initial_value=v.get("studio", AUTO),
               description="auto = the studio whose genre fits your words"),
    ]
    out += [Slider(id=name, label=label, initial=v.get(name, getattr(remix, name)), min=0, max=1, step=0.05,
                   description=tip) for name, label, tip in SLIDERS]
    out += [
        Slider(id="duration_s", label="Duration (s)", initial=v.get("duration_s", DEFAULT_DURATION_S), min=5,
               max=300, step=5),
        Slider(id="bpm", label="BPM (0 = the studio decides)", initial=v.get("bpm", 0), min=0, max=240, step=1),
        Select(id="key", label="Key", values=KEYS, initial_value=v.get("key", AUTO)),
    ]
    return out


async def send_panel(saved: dict[str, Any] | None = None) -> None:
    await cl.ChatSettings(widgets(saved)).send()


def _values() -> dict[str, Any]:
    return dict(cl.context.session.chat_settings or {})


def generate_defaults(values: dict[str, Any] | None = None) -> dict[str, Any]:
    """Settings -> generate arguments; 'auto' and 0 mean 'leave it to the studio'."""
    v = _values() if values is None else values
    out: dict[str, Any] = {}
    if v.get("studio") not in (None, "", AUTO):
        out["studio"] = v["studio"]
    if v.get("key") not in (None, "", AUTO):
        out["key"] = v["key"]
    if v.get("bpm"):
        out["bpm"] = float(v["bpm"])
    if v.get("duration_s"):
        out["duration_s"] = float(v["duration_s"])
    out.update({name: float(v[name]) for name, _, _ in SLIDERS if v.get(name) is not None})
    return out


def describe(values: dict[str, Any]) -> str:
    d = generate_defaults(values)
    parts = [f"{k.replace('_', ' ')} {v:g}" if isinstance(v, float) else f"{k} {v}" for k, v in d.items()]
    return ", ".join(parts) or "studio defaults"
