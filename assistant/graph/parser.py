"""Deterministic fast path: clear commands become {"tool", "args"} without any model.

This module reads values out of text: digits and spoken numbers ("one hundred twenty bpm", "one twenty
bpm"), durations and times ("20 second", "1:32", "one thirty two"), keys ("in D minor", "C#m"), studio
names, track references ("track 5", "#5", "it") and common typos. assistant/graph/commands.py turns
them into routes; whatever it cannot place goes to the LLM router.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from assistant.graph.catalogue import CURRENT
from studios.manager import CATALOGUE

_UNITS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen".split())}
_TENS = {w: 10 * (i + 2) for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split())}
_NUMBER_WORD = "|".join([*_UNITS, *_TENS, "hundred", "oh"])
# Hyphens join number words ("twenty-five") only between letters, so "-5" keeps its sign.
_SPOKEN_RUN = re.compile(rf"\b(?:{_NUMBER_WORD})(?:(?:\s+|-)(?:and\s+)?(?:{_NUMBER_WORD}))*\b")
_TIME_PREP = re.compile(r"\b(at|from|to|until|till|til|between|and|after|around)\s*$")
_TEMPO_NEXT = re.compile(r"^\s*(bpm|beats|b\.p\.m)")

# Words a musician types fast; a close match of a longer command word is fixed too (difflib).
_TYPOS = {"trak": "track", "trck": "track", "traks": "tracks", "bmp": "bpm", "secs": "seconds", "sec": "second",
          "mins": "minutes", "min": "minute", "fav": "favorite", "fave": "favorite", "chip tune": "chiptune",
          "blue note": "bluenote", "hip-hop": "hip hop", "8 bit": "8-bit", "gimme": "give me", "pls": "please",
          "plz": "please", "u": "you", "teh": "the", "thsi": "this", "tihs": "this"}
_VOCAB = ("generate", "compose", "create", "favorite", "favourite", "restore", "separate", "extend", "upscale",
          "export", "album", "chiptune", "cypher", "ironclad", "bluenote", "virtuoso", "minutes", "minute",
          "seconds", "second", "variations", "library", "tracks", "track", "similar", "reindex", "schedule",
          "cancel", "comment", "delete", "stems", "trash", "dislike", "studio", "switch", "change", "enhance",
          "improve", "prompt", "longer", "faster", "slower", "another", "version", "called", "named",
          # inflections, so the fixer leaves them alone
          "scheduled", "favorites", "favourites", "generated", "created", "extended", "separated", "albums",
          "studios", "comments", "deleted", "restored", "exported", "prompts", "versions", "similarity",
          "minor", "major", "tempo", "longest", "latest", "second", "secondly", "delete", "deletes", "undelete",
          "regenerate", "recreate", "selected", "separately", "extended", "exporting", "generating")
_WORD = re.compile(r"[a-z]+")


def fix_typos(low: str) -> str:
    for wrong, right in _TYPOS.items():
        if " " in wrong or "-" in wrong:
            low = low.replace(wrong, right)

    def word(m: re.Match[str]) -> str:
        w = m.group(0)
        if w in _TYPOS:
            return _TYPOS[w]
        if len(w) < 5 or w in _VOCAB:
            return w
        close = difflib.get_close_matches(w, _VOCAB, n=1, cutoff=0.88)
        return close[0] if close else w

    return _WORD.sub(word, low)


def words_to_number(text: str) -> int | None:
    """'one hundred twenty' -> 120, 'ninety' -> 90; None when it is not a number phrase."""
    total, current, seen = 0, 0, False
    for w in re.split(r"[\s-]+", text.strip().lower()):
        if w in ("and", ""):
            continue
        if w in _UNITS:
            current += _UNITS[w]
        elif w in _TENS:
            current += _TENS[w]
        elif w == "hundred":
            current = max(current, 1) * 100
        else:
            return None
        seen = True
    return total + current if seen else None


def split_numbers(words: list[str]) -> list[list[str]]:
    """Number words as separate numbers: "three and four" -> [[three], [four]] (tracks 3 and 4), while
    "one hundred and twenty" stays one. A new number starts where a word cannot extend the one before:
    a unit after a unit, or a tens word after a unit or tens (no "hundred" between)."""
    out: list[list[str]] = []
    cur: list[str] = []
    for w in words:
        if w == "and":
            if cur and cur[-1] != "hundred":
                out.append(cur)  # "and" only joins after "hundred"
                cur = []
            continue
        tail = cur[len(cur) - cur[::-1].index("hundred"):] if "hundred" in cur else cur
        ends_in_unit = bool(tail) and tail[-1] in _UNITS
        starts_new = bool(cur) and (
            (w in _UNITS and ends_in_unit)
            or (w in _TENS and (ends_in_unit or any(x in _TENS for x in tail)))
            or (w == "hundred" and "hundred" in cur)
        )
        if starts_new:
            out.append(cur)
            cur = []
        cur.append(w)
    if cur:
        out.append(cur)
    return out


def _spoken_pair(words: list[str]) -> tuple[int, int] | None:
    """'one thirty two' -> (1, 32), 'two oh five' -> (2, 5): a leading unit then a two-digit part."""
    if len(words) < 2 or words[0] not in _UNITS or not 1 <= _UNITS[words[0]] <= 9:
        return None
    rest = words[1:]
    if rest[0] == "oh" and len(rest) == 2 and rest[1] in _UNITS and _UNITS[rest[1]] < 10:
        return _UNITS[words[0]], _UNITS[rest[1]]
    if rest[0] in _TENS or (rest[0] in _UNITS and _UNITS[rest[0]] >= 10 and len(rest) == 1):
        low = words_to_number(" ".join(rest))
        if low is not None and len(rest) <= 2 and low < 100:
            return _UNITS[words[0]], low
    return None


def normalise_numbers(text: str) -> str:
    """Replace spoken number phrases with digits so one set of patterns covers both.

    "one twenty bpm" is 120 (how tempos are said); "at one thirty two" is the time 1:32.
    """

    def sub(m: re.Match[str]) -> str:
        words = [w for w in re.split(r"[\s-]+", m.group(0).lower()) if w and w != "and"]
        pair = _spoken_pair(words)
        if pair is not None:
            if _TIME_PREP.search(m.string[: m.start()]) and pair[1] < 60 and not _TEMPO_NEXT.match(m.string[m.end():]):
                return f"{pair[0]}:{pair[1]:02d}"
            return str(pair[0] * 100 + pair[1])  # "one twenty bpm", "track one thirty two" = track 132
        parts = [words_to_number(" ".join(p).replace("oh", "zero")) for p in split_numbers(words)]
        if any(n is None for n in parts):
            return m.group(0)
        return (" and " if " and " in f" {m.group(0).lower()} " else " ").join(str(n) for n in parts)

    text = re.sub(r"\ba hundred\b", "one hundred", text, flags=re.IGNORECASE)
    return _SPOKEN_RUN.sub(sub, text)


BEYOND = 2**63  # past every row id and every sane time: what a digit run too long to mean anything reads as


def whole(digits: str) -> int:
    """int(digits), except that a run of more than 18 digits reads as ±BEYOND: int() raises past 4300 digits, and the
    thread checkpoint cannot store an int past 64 bits; BEYOND still fails every range check downstream."""
    body = digits.lstrip("-+").lstrip("0")
    if len(body) > 18:
        return -BEYOND if digits.startswith("-") else BEYOND
    return int(digits)


NUM = r"(-?\d+(?:\.\d+)?)"
_CLOCK = re.compile(r"(-?\d+):([0-5]\d)\b")
_DURATION_PATTERNS = (
    (_CLOCK, lambda m: whole(m[1]) * 60 + int(m[2]) * (1 if whole(m[1]) >= 0 else -1)),
    # "a minute and a half", "2 minutes and a half", "2 and a half minutes"
    (re.compile(r"\b(?:a|one)\s+(?:minute|min)\s+and\s+a\s+half\b"), lambda m: 90.0),
    (re.compile(NUM + r"\s*(?:minutes?|mins?)\s+and\s+a\s+half\b"), lambda m: float(m[1]) * 60 + 30),
    (re.compile(NUM + r"\s+and\s+a\s+half\s+(?:minutes?|mins?)\b"), lambda m: float(m[1]) * 60 + 30),
    (re.compile(NUM + r"\s*-?\s*(?:minutes?|mins?)\b(?:\s*(?:and\s*)?" + NUM + r"\s*-?\s*(?:seconds?|secs?|s)\b)?"),
     lambda m: float(m[1]) * 60 + (float(m[2]) if m[2] else 0.0)),
    (re.compile(NUM + r"\s*-?\s*(?:more |extra |additional )?(?:seconds?|secs?|sec|s)\b"), lambda m: float(m[1])),
    (re.compile(NUM + r"\s*-?\s*(?:hours?|hrs?|h)\b"), lambda m: float(m[1]) * 3600),
)
_BPM = re.compile(NUM + r"\s*(?:bpm|beats per minute|b\.p\.m\.?)|(?:tempo|bpm)\s*(?:of|=|:|to)?\s*" + NUM)
_KEY = re.compile(
    r"\b(?:in|key(?:\s+of)?)\s+([A-Ga-g])\s*(#|sharp|b|flat|♯|♭)?\s*(m\b|min\b|minor\b|major\b|maj\b)?(?![\w'])",
    re.IGNORECASE,
)
_KEY_COMPACT = re.compile(r"\b([A-G])(#|b)?(m)\b")
_TRACK_NO = re.compile(r"\b(?:track|take|song|tune|number|no\.?|delete|trash|restore|remove|bin|star|favou?rite|"
                       r"dislike)\s*#?\s*(\d+)\b(?!\s*(?:s\b|sec|min|bpm)|:\d)|#\s*(\d+)\b")
_TRACK_LIST = re.compile(r"\b(?:tracks|takes|songs|#)\s*#?(\d+(?:\s*(?:,|and|&|\+|-|to|through|\s)\s*#?\d+)+)")
_CURRENT_REF = re.compile(
    r"\b(it|this|that|this one|that one|the (?:last|latest|current|new|previous) (?:one|track|take|song))\b")


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


def parse_seconds_list(text: str) -> list[float]:
    """Every time position in text ("from 1:00 to 1:15", "between 30 and 45 seconds") in seconds."""
    clocks = [whole(m[1]) * 60 + int(m[2]) for m in _CLOCK.finditer(text)]
    if clocks:
        return [float(c) for c in clocks]
    m = re.search(NUM + r"\s*(?:s|sec\w*)?\s*(?:to|and|-|until|till)\s*" + NUM + r"\s*(?:s\b|sec|second)", text)
    return [float(m[1]), float(m[2])] if m else []


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


def _expand(numbers: str) -> list[int]:
    """'3, 4 and 7' -> [3, 4, 7]; '3-6' / '3 to 6' -> [3, 4, 5, 6] (bounded)."""
    out: list[int] = []
    for part in re.split(r"\s*(?:,|and|&|\+)\s*|(?<=\d)\s+(?=#?\d)", numbers):
        rng = re.match(r"#?(\d+)\s*(?:-|to|through)\s*#?(\d+)$", part.strip())
        if rng and whole(rng[2]) >= whole(rng[1]):
            out.extend(range(whole(rng[1]), min(whole(rng[2]), whole(rng[1]) + 499) + 1))
        elif part.strip().lstrip("#").isdigit():
            out.append(whole(part.strip().lstrip("#")))
    return out


def parse_tracks(low: str) -> list[int | str]:
    """Track references in order: a list ("tracks 3, 4 and 5"), one number, or "@current"."""
    m = _TRACK_LIST.search(low)
    if m:
        return list(_expand(m[1]))
    ids: list[int | str] = [whole(a or b) for a, b in _TRACK_NO.findall(low)]
    if ids:
        return ids
    return [CURRENT] if _CURRENT_REF.search(low) else []
