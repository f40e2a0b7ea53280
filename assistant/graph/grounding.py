"""Argument grounding: an LLM-proposed value the user never said is dropped before validation.

Small models fill every optional field a grammar allows (bpm 120, key C, "@current" for a new
track). Numbers must occur in the request (as digits, spoken, a clock time or minutes), keys and
studios must be readable from it, and "it"-style references and tempo changes must be worded.
"""

from __future__ import annotations

import re
from typing import Any

from assistant.graph.catalogue import CURRENT, SPECS, RouteError
from assistant.graph.commands import normalise
from assistant.graph.parser import _CLOCK, _CURRENT_REF, find_studio, parse_key

_NUMERIC = ("duration_s", "bpm", "seconds", "variations", "seed", "k", "sample_rate", "at_s", "start_s", "end_s")
_FASTER = r"\b(fast|faster|quick|quicker|speed|upbeat|energ\w*|hype)\b"
_SLOWER = r"\b(slow|slower|chill\w*|calm\w*|relax\w*|down|laid back|mellow)\b"


def _numbers(low: str) -> set[float]:
    found = {float(n) for n in re.findall(r"\d+(?:\.\d+)?", low)}
    found |= {float(int(m[1]) * 60 + int(m[2])) for m in _CLOCK.finditer(low)}
    found |= {n * 60 for n in found} | {n * 1000 for n in found}  # minutes, kHz
    if re.search(r"\b(a|one) minute\b", low):
        found.add(60.0)
    return found


_REPEATS = r"\b(every|each|daily|nightly|weekly|hourly|monthly)\b"
_ONE_OFF = re.compile(r"\b(tonight(?: at [\w:]+)?|tomorrow(?: at [\w:]+| morning| night)?"
                      r"|in \d+ (?:minutes?|hours?|mins?)|at \d{1,2}(?::\d\d)?\s*(?:am|pm))", re.IGNORECASE)


def _one_off(args: dict[str, Any], text: str, low: str) -> dict[str, Any]:
    """A cron the model wrote for a one-off time ("tonight at 11pm") becomes when=the user's words."""
    if args.get("cron") and not re.search(_REPEATS, low) and (m := _ONE_OFF.search(text)):
        args = {k: v for k, v in args.items() if k != "cron"} | {"when": m[1]}
    return args


def ground(tool: str, args: dict[str, Any], text: str) -> dict[str, Any]:
    low, nums = normalise(text), _numbers(normalise(text))
    out: dict[str, Any] = {}
    for name, value in args.items():
        if name in _NUMERIC and isinstance(value, int | float) and float(value) not in nums:
            continue
        if name == "key":
            value = parse_key(text)
        elif name in ("studio", "genre_shift") and tool in ("generate", "enhance_prompt"):
            value = find_studio(low)
        elif name in ("track", "reference") and value == CURRENT and tool == "generate":
            value = value if _CURRENT_REF.search(low) else None
        elif name in ("track", "reference") and isinstance(value, int) and float(value) not in nums:
            value = None
        elif name == "tracks" and isinstance(value, list):
            value = [v for v in value if v == CURRENT or (isinstance(v, int) and float(v) in nums)] or None
        elif name == "style_ref":  # only when the user asks to be like their own music
            value = value if re.search(r"\b(style|like my|sound(s|ing)? like)\b", low) else None
        elif name == "engine":  # only when the user asks for the neural engine by name
            value = value if value == "musicgen" and re.search(r"\b(musicgen|neural)\b", low) else None
        elif name == "tempo":  # relative to the focused track, so it needs a reference and a worded change
            worded = re.search(_FASTER if value == "faster" else _SLOWER, low)
            value = value if worded and _CURRENT_REF.search(low) else None
        if value is not None:
            out[name] = value
    if tool == "schedule":
        out = _one_off(out, text, low)
    fields = SPECS[tool].model.model_fields
    if tool != "generate" and ("track" in fields or "tracks" in fields) and not (
            isinstance(out.get("track"), int) or any(isinstance(t, int) for t in out.get("tracks") or [])
            or out.get("query") or out.get("album") or _CURRENT_REF.search(low)):
        raise RouteError(f"{tool}: the request names no track")  # e.g. injected text: answered as chat
    if tool == "generate" and "tempo" in out and "track" not in out and _CURRENT_REF.search(low):
        out["track"] = CURRENT  # "slow this one down": a change to the focused track
    return out
