"""Deterministic fast-path parser: clear commands become {"tool", "args"} without any model.

It understands digits and spoken numbers ("one hundred twenty bpm"), durations ("20 second",
"1:30", "2 minutes"), keys ("in D minor", "C#m") and studio names. Anything it cannot place is
left to the LLM router (agent-layer issue) or answered as chat.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from studios.manager import CATALOGUE

_UNITS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen".split())}
_TENS = {w: 10 * (i + 2) for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split())}
_NUMBER_WORD = "|".join([*_UNITS, *_TENS, "hundred"])
# Hyphens join number words ("twenty-five") only between letters, so "-5" keeps its sign.
_SPOKEN_RUN = re.compile(rf"\b(?:{_NUMBER_WORD})(?:(?:\s+|-)(?:and\s+)?(?:{_NUMBER_WORD}))*\b")


def words_to_number(text: str) -> int | None:
    """'one hundred twenty' -> 120, 'ninety' -> 90; None when it is not a number phrase."""
    total, current, seen = 0, 0, False
    for w in re.split(r"[\s-]+", text.strip().lower()):
        if w in ("and", ""):
            continue
        if w in _UNITS:
            current += _UNITS[w]
            seen = True
        elif w in _TENS:
            current += _TENS[w]
            seen = True
        elif w == "hundred":
            current = max(current, 1) * 100
            seen = True
        else:
            return None
    return total + current if seen else None


def normalise_numbers(text: str) -> str:
    """Replace spoken number phrases with digits so one set of patterns covers both."""

    def sub(m: re.Match[str]) -> str:
        n = words_to_number(m.group(0))
        return str(n) if n is not None else m.group(0)

    return _SPOKEN_RUN.sub(sub, re.sub(r"\ba hundred\b", "one hundred", text, flags=re.IGNORECASE))


NUM = r"(-?\d+(?:\.\d+)?)"
_DURATION_PATTERNS = (
    (re.compile(r"(-?\d+):([0-5]\d)\b"), lambda m: int(m[1]) * 60 + int(m[2]) * (1 if int(m[1]) >= 0 else -1)),
    (re.compile(NUM + r"\s*-?\s*(?:minutes?|mins?)\b(?:\s*(?:and\s*)?" + NUM + r"\s*-?\s*(?:seconds?|secs?|s)\b)?"),
     lambda m: float(m[1]) * 60 + (float(m[2]) if m[2] else 0.0)),
    (re.compile(NUM + r"\s*-?\s*(?:seconds?|secs?|sec|s)\b"), lambda m: float(m[1])),
    (re.compile(NUM + r"\s*-?\s*(?:hours?|hrs?|h)\b"), lambda m: float(m[1]) * 3600),
)
_BPM = re.compile(NUM + r"\s*(?:bpm|beats per minute|b\.p\.m\.?)\b|(?:tempo|bpm)\s*(?:of|=|:)?\s*" + NUM)
_KEY = re.compile(
    r"\b(?:in|key(?:\s+of)?)\s+([A-Ga-g])\s*(#|sharp|b|flat|♯|♭)?\s*(m\b|min\b|minor\b|major\b|maj\b)?",
    re.IGNORECASE,
)
_KEY_COMPACT = re.compile(r"\b([A-G])(#|b)?(m)\b")
_VARIATIONS = re.compile(NUM + r"\s+(?:variations?|versions?|takes?|tracks|songs|tunes|options)\b")
_SEED = re.compile(r"\bseed\s*(?:=|:)?\s*(\d+)\b")
_GENERATE = re.compile(
    r"\b(make|generate|create|compose|produce|write|render|give me|i want|i need|play me|gimme|cook up)\b"
)
_MUSIC_NOUN = re.compile(r"\b(track|song|tune|beat|piece|loop|theme|music|jam|banger|instrumental)s?\b")
_LIST = re.compile(r"\b(list|show|what are|see)\b.*\b(tracks|library|songs|takes)\b|^\s*(tracks|library)\s*$")
_SELECT = re.compile(
    r"\b(switch|change|go|select|use|open|load)\b(?:\s+(?:to|the|into))*\s+(?:the\s+)?(\w[\w\s-]*?)(?:\s+studio)?\s*$"
)
_CURRENT = re.compile(r"\b(which|what|current)\b.*\bstudio\b")


@dataclass
class Route:
    tool: str
    args: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"tool": self.tool, "args": dict(self.args)}


def parse_duration(text: str) -> float | None:
    for pattern, value in _DURATION_PATTERNS:
        m = pattern.search(text)
        if m:
            return float(value(m))
    return None


def parse_bpm(text: str) -> float | None:
    m = _BPM.search(text)
    if not m:
        return None
    return float(m[1] if m[1] is not None else m[2])


def parse_key(text: str) -> str | None:
    m = _KEY.search(text)
    if m:
        acc = (m[2] or "").lower()
        acc = "#" if acc in ("#", "sharp", "♯") else "b" if acc in ("b", "flat", "♭") else ""
        minor = (m[3] or "").lower().startswith("m") and not (m[3] or "").lower().startswith("maj")
        return m[1].upper() + acc + ("m" if minor else "")
    m = _KEY_COMPACT.search(text)
    return m[1] + (m[2] or "") + "m" if m else None


def find_studio(text: str) -> str | None:
    low = text.lower()
    for info in CATALOGUE:
        if re.search(rf"\b({re.escape(info.id)}|{re.escape(info.name.lower())})\b", low):
            return info.id
    return None


def parse(text: str) -> Route:
    raw = text.strip()
    low = normalise_numbers(raw.lower())
    if not low:
        return Route("chat", {"text": raw})
    if _CURRENT.search(low):
        return Route("current_studio")
    sel = _SELECT.search(low)
    if sel and ("studio" in low or find_studio(sel[2])) and not _MUSIC_NOUN.search(low):
        return Route("select_studio", {"studio": find_studio(sel[2]) or sel[2].strip()})
    if _LIST.search(low) and not _GENERATE.search(low):
        return Route("list_tracks", {"filters": {}})
    musical = _MUSIC_NOUN.search(low) or find_studio(low)
    if _GENERATE.search(low) or (musical and (parse_duration(low) is not None or parse_bpm(low) is not None)):
        args: dict[str, Any] = {"prompt": raw}
        if (studio := find_studio(low)) is not None:
            args["studio"] = studio
        if (d := parse_duration(low)) is not None:
            args["duration_s"] = d
        if (b := parse_bpm(low)) is not None:
            args["bpm"] = b
        if (k := parse_key(raw)) is not None:
            args["key"] = k
        if (v := _VARIATIONS.search(low)) is not None:
            args["variations"] = int(float(v[1]))
        if (s := _SEED.search(low)) is not None:
            args["seed"] = int(s[1])
        return Route("generate", args)
    return Route("chat", {"text": raw})
