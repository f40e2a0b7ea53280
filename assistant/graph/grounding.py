"""Argument grounding: the LLM may only propose values the user said.

Small models fill every optional field a grammar allows (bpm 120, key C, "@current" for a new
track). Numbers must occur in the request (as digits, spoken, a clock time or minutes), keys and
studios must be readable from it, and "it"-style references and tempo changes must be worded.
narrow() applies these rules to the grammar before the model writes (fewer tokens to sample, nothing
to invent); ground() checks the reply against them again.
"""

from __future__ import annotations

import re
from typing import Any

from assistant.graph.catalogue import CURRENT, SPECS, RouteError
from assistant.graph.commands import normalise
from assistant.graph.parser import _CLOCK, _CURRENT_REF, find_studio, parse_key

_NUMERIC = ("duration_s", "bpm", "seconds", "variations", "seed", "k", "sample_rate", "at_s", "start_s", "end_s")
_TIMES = ("duration_s", "seconds", "at_s", "start_s", "end_s")
_FASTER = r"\b(fast|faster|quick|quicker|speed|upbeat|energ\w*|hype)\b"
_SLOWER = r"\b(slow|slower|chill\w*|calm\w*|relax\w*|down|laid back|mellow)\b"


def _raw(low: str) -> set[float]:
    return {float(n) for n in re.findall(r"\d+(?:\.\d+)?", low)}


def _times(low: str) -> set[float]:
    """Seconds the request can mean: plain numbers, clock times (1:32) and minutes."""
    raw = _raw(low)
    found = raw | {float(int(m[1]) * 60 + int(m[2])) for m in _CLOCK.finditer(low)} | {n * 60 for n in raw}
    if re.search(r"\b(a|one) minute\b", low):
        found.add(60.0)
    return found


def _numbers(low: str) -> set[float]:
    return _times(low) | {n * 1000 for n in _raw(low)}  # kHz


_TRACK_REF = re.compile(r"(?:\b(?:track|take|song|number|no\.?)\s*|#)(\d+)\b")
_TIME = re.compile(r"\d+(?:[.:]\d+)?\s*(?:s|secs?|seconds?|mins?|minutes?)\b")
_NOT_TIME = re.compile(r"\d+(?:\.\d+)?\s*(?:bpm|k|khz|hz|variations?|takes|versions?|times|x|%)(?!\w)")
_UNIT = re.compile(_TIME.pattern + "|" + _NOT_TIME.pattern)


def _enum(values: list[Any]) -> dict[str, Any]:
    return {"enum": [int(v) if isinstance(v, float) and v.is_integer() else v for v in values]}


_THIS_ONE = re.compile(r"\b(?:this|that|which|the (?:last|latest|new|previous|current)) one\b", re.IGNORECASE)


def _refs(tool: str, text: str, focus: bool) -> list[Any]:
    low = normalise(_THIS_ONE.sub(" it ", text))  # "this one" is the track in focus, not track 1
    said = [int(n) for n in _TRACK_REF.findall(low)]
    ids: list[Any] = sorted(set(said or (int(n) for n in re.findall(r"\b\d{1,9}\b", _UNIT.sub(" ", low)))))
    if focus and (_CURRENT_REF.search(low) or (tool != "generate" and not said)):
        ids.append(CURRENT)  # "track 4" alone names that track; "it" or nothing at all, the one in focus
    return ids


def _allowed(tool: str, name: str, text: str, low: str, focus: bool) -> list[Any] | None:
    """The values the request supports for one argument; None = leave the argument's schema as it is."""
    if name in _NUMERIC:  # a number said as "track 4" is not also a length, a count or a tempo
        plain = _TRACK_REF.sub(" ", low)
        if name in _TIMES:  # "90 bpm" is not a length
            return sorted(_times(_NOT_TIME.sub(" ", plain)))
        raw = _raw(_TIME.sub(" ", plain))  # "2 minutes" is not a tempo or a count
        return sorted(raw | {n * 1000 for n in raw} if name == "sample_rate" else raw)
    if name in ("track", "reference", "tracks"):
        return _refs(tool, text, focus)
    if name == "key":
        return [k] if (k := parse_key(text)) else []
    if name in ("studio", "genre_shift") and tool in ("generate", "enhance_prompt"):
        return [s] if (s := find_studio(low)) else []
    if name == "tempo":
        return [t for t, rx in (("faster", _FASTER), ("slower", _SLOWER)) if re.search(rx, low)
                ] if _CURRENT_REF.search(low) else []
    return None


_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'-]*")
MAX_PROMPT_WORDS = 16


def _own_words(text: str) -> dict[str, Any] | None:
    """A string schema whose value is a phrase of the request's own words (as typed or lower-cased).

    A 1.5B model asked for a music prompt writes keyword soup ("fast, energetic, upbeat, catchy, ...")
    that costs seconds to sample; the user's words are the prompt, and the Prompt Agent enriches them.
    """
    words = sorted({v for w in _WORD.findall(text[:1000]) for v in (w, w.lower())}, key=str.lower)[:120]
    if not words:
        return None
    alt = "(" + "|".join(words) + ")"
    return {"type": "string", "pattern": f"^{alt}( {alt}){{0,{MAX_PROMPT_WORDS - 1}}}$"}


def narrow(tool: str, schema: dict[str, Any], text: str, focus: bool) -> dict[str, Any]:
    """The args schema with each groundable argument limited to the values the request supports
    (an optional argument with none is left out), and music prompts made of the request's words."""
    low = normalise(_THIS_ONE.sub(" it ", text))
    required = set(schema.get("required", []))
    props: dict[str, Any] = {}
    for name, node in schema.get("properties", {}).items():
        if name == "query" and _TRACK_REF.search(low):
            continue  # "close to track 4": that track, not a text search for the words
        if name in ("prompt", "query") and (phrase := _own_words(text)):
            props[name] = phrase
            continue
        values = _allowed(tool, name, text, low, focus)
        if values is None or (not values and name in required):
            props[name] = node
        elif values:
            props[name] = {"type": "array", "items": _enum(values)} if name == "tracks" else _enum(values)
    return {**schema, "properties": props}


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
    if tool == "find_similar" and isinstance(out.get("track"), int):
        out.pop("query", None)  # "similar to track 4": the track, not the words "track 4"
    fields = SPECS[tool].model.model_fields
    if tool != "generate" and ("track" in fields or "tracks" in fields) and not (
            isinstance(out.get("track"), int) or any(isinstance(t, int) for t in out.get("tracks") or [])
            or out.get("query") or out.get("album") or _CURRENT_REF.search(low)):
        raise RouteError(f"{tool}: the request names no track")  # e.g. injected text: answered as chat
    if tool == "generate" and "tempo" in out and "track" not in out and _CURRENT_REF.search(low):
        out["track"] = CURRENT  # "slow this one down": a change to the focused track
    return out
