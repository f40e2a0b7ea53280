"""Prompt interpretation for the Cypher studio: one frozen Style every agent reads.

Words honoured in request.prompt (case-insensitive):
- sub-genre: "trap", "drill", "808" (-> trap unless another sub-genre is named); "lofi", "lo-fi",
  "chillhop", "study", "jazzy" (-> lofi); "boom bap", "boombap", "90s", "golden age", "old school",
  "dusty" (-> boom bap, the default).
- mood / mode: "dark", "sad", "moody", "melancholy", "rainy", "cold", "night", "menacing", "gritty",
  "hard" (-> minor); "happy", "sunny", "bright", "summer", "uplifting", "warm", "hopeful" (-> major).
- tempo (only when no bpm is given): "slow", "laid back", "lazy" (low end of the sub-genre range);
  "fast", "hype", "energetic", "upbeat" (high end); "N bpm" in the text is honoured exactly.
- instruments: "piano", "rhodes"/"e-piano"/"electric piano", "strings", "guitar", "organ", "vibes"/
  "vibraphone", "flute", "bells", "choir", "horns"/"brass", "sax", "upright"/"jazz bass" (acoustic bass
  instead of the 808), "808" (808 sub in lofi too).
- colour: "tape", "vinyl", "dusty", "lo-fi" (tape colour on the bus); "clean" (no tape).
- lyrics: "aabb"/"couplets" or "abab"/"alternating" pick the rhyme scheme; theme words ("rain", "city",
  "night", "gold", "dream", "money", "summer", "love") steer the rhyme families.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from studios.theory import Key, T, parse_key

SUBGENRES = ("boom bap", "trap", "lofi")

# (default, low, high) BPM: the sub-genre's usual range; defaults are picked inside it with the rng.
TEMPO_RANGES: dict[str, tuple[float, float]] = {"boom bap": (85, 95), "trap": (130, 150), "lofi": (70, 85)}
SWING = {"boom bap": 0.58, "trap": 0.5, "lofi": 0.62}  # 16th-pair swing ratio (0.5 = straight)

# Keys producers actually use for each mode (common sample/808 keys).
TYPICAL_KEYS = {
    "minor": ("Cm", "C#m", "Dm", "Ebm", "Em", "Fm", "F#m", "Gm", "Am", "Bbm", "Bm"),
    "major": ("C", "Db", "D", "Eb", "F", "G", "Ab", "A", "Bb"),
}

_SUB_WORDS = {
    "trap": ("trap", "drill", "rage"),
    "lofi": ("lofi", "lo-fi", "lo fi", "chillhop", "study", "jazzy"),
    "boom bap": ("boom bap", "boombap", "boom-bap", "90s", "golden age", "old school", "oldschool"),
}
_MINOR_WORDS = ("dark", "sad", "moody", "melancholy", "rainy", "rain", "cold", "night", "menacing",
                "gritty", "hard", "grimy", "street", "lonely")
_MAJOR_WORDS = ("happy", "sunny", "bright", "summer", "uplifting", "warm", "hopeful", "joyful", "feel good")
_SLOW_WORDS = ("slow", "laid back", "laid-back", "lazy", "sleepy", "chill")
_FAST_WORDS = ("fast", "hype", "energetic", "upbeat", "aggressive")

# instrument word -> (role, GM program, display name); later words override earlier ones.
_INSTRUMENT_WORDS: tuple[tuple[str, str, int, str], ...] = (
    ("piano", "keys", 0, "piano"),
    ("rhodes", "keys", 4, "Rhodes"), ("e-piano", "keys", 4, "Rhodes"), ("electric piano", "keys", 4, "Rhodes"),
    ("organ", "keys", 17, "organ"),
    ("guitar", "chops", 26, "jazz guitar"), ("strings", "chops", 48, "strings"),
    ("horns", "chops", 61, "horns"), ("brass", "chops", 61, "horns"),
    ("vibes", "hook", 11, "vibraphone"), ("vibraphone", "hook", 11, "vibraphone"),
    ("flute", "hook", 73, "flute"), ("bells", "hook", 14, "bells"), ("sax", "hook", 65, "sax"),
    ("choir", "keys", 52, "choir"),
)

# Per sub-genre defaults: role -> list of (program, name) choices for the rng.
_DEFAULT_SOUNDS: dict[str, dict[str, tuple[tuple[int, str], ...]]] = {
    "boom bap": {"keys": ((4, "Rhodes"), (0, "piano")), "chops": ((48, "strings"), (5, "e-piano"), (61, "horns")),
                 "hook": ((73, "flute"), (11, "vibraphone"))},
    "trap": {"keys": ((48, "strings"), (52, "choir"), (89, "warm pad")),
             "chops": ((49, "slow strings"), (52, "choir")),
             "hook": ((10, "music box"), (14, "bells"), (8, "celesta"))},
    "lofi": {"keys": ((4, "Rhodes"), (0, "piano")), "chops": ((5, "e-piano"), (26, "jazz guitar")),
             "hook": ((11, "vibraphone"), (73, "flute"), (65, "sax"))},
}

_MOOD_TITLES = {
    "minor": ("Midnight", "Rainy", "Smoky", "Concrete", "Cold", "Shadow", "Grimy", "Late Night"),
    "major": ("Sunny", "Golden", "Sunday", "Summer", "Easy", "Daylight", "Warm"),
}
_THEMES = ("rain", "city", "night", "gold", "dream", "money", "summer", "love", "time", "street")


@dataclass(frozen=True)
class Sound:
    program: int
    name: str


@dataclass(frozen=True)
class Style:
    subgenre: str  # one of SUBGENRES
    bpm: float
    key: Key
    mood: str  # title word, e.g. "Rainy"
    swing: float  # 16th-pair swing ratio
    keys: Sound
    chops: Sound
    hook: Sound
    bass: str  # "808" or "upright"
    tape: bool  # tape/vinyl colour on the bus
    scheme: str  # "AABB" or "ABAB"
    themes: tuple[str, ...]  # lyric theme words found in the prompt
    energy: float  # 0 (laid back) .. 1 (hype)


def _has(text: str, words: tuple[str, ...]) -> bool:
    return any(re.search(rf"(?<![a-z]){re.escape(w)}(?![a-z])", text) for w in words)


def subgenre_of(prompt: str) -> str:
    """The named sub-genre; a bare '808' means trap; nothing named means boom bap."""
    text = prompt.lower()
    for sub in ("lofi", "trap", "boom bap"):
        if _has(text, _SUB_WORDS[sub]):
            return sub
    return "trap" if _has(text, ("808", "808s")) else "boom bap"


def _pick(rng: np.random.Generator, options: Sequence[T]) -> T:
    return options[int(rng.integers(len(options)))]


def interpret(prompt: str, bpm: float | None, key: str | None, rng: np.random.Generator) -> Style:
    """Read the prompt into a Style; the request's bpm and key always win over prompt words."""
    text = prompt.lower()
    sub = subgenre_of(text)
    low, high = TEMPO_RANGES[sub]
    slow, fast = _has(text, _SLOW_WORDS), _has(text, _FAST_WORDS)
    energy = 0.25 if slow and not fast else 0.85 if fast and not slow else 0.5
    tempo_word = re.search(r"(\d{2,3}(?:\.\d+)?)\s*bpm", text)
    if bpm is not None:
        tempo = float(bpm)
    elif tempo_word and 40 <= float(tempo_word.group(1)) <= 300:
        tempo = float(tempo_word.group(1))
    else:
        centre = low + (high - low) * energy
        tempo = float(np.clip(round(centre + rng.uniform(-3, 3)), low, high))

    if key:
        k = parse_key(key)
    else:
        minor_w, major_w = _has(text, _MINOR_WORDS), _has(text, _MAJOR_WORDS)
        if minor_w != major_w:
            mode = "minor" if minor_w else "major"
        else:  # hip hop leans minor; lofi is as often major-seventh sunny as it is blue
            mode = "minor" if rng.random() < (0.5 if sub == "lofi" else 0.8) else "major"
        k = parse_key(str(_pick(rng, TYPICAL_KEYS[mode])))
    mode_name = "minor" if k.is_minor else "major"

    sounds = {role: Sound(*_pick(rng, opts)) for role, opts in _DEFAULT_SOUNDS[sub].items()}
    for word, role, program, name in _INSTRUMENT_WORDS:
        if _has(text, (word,)):
            sounds[role] = Sound(program, name)
    bass = "808" if sub != "lofi" else "upright"
    if _has(text, ("upright", "jazz bass", "double bass")):
        bass = "upright"
    elif _has(text, ("808", "808s")):
        bass = "808"
    tape = sub == "lofi" or _has(text, ("tape", "vinyl", "dusty", "lo-fi", "lofi", "crackle"))
    if _has(text, ("clean",)):
        tape = False

    if _has(text, ("aabb", "couplet", "couplets")):
        scheme = "AABB"
    elif _has(text, ("abab", "alternating", "alternate")):
        scheme = "ABAB"
    else:
        scheme = str(_pick(rng, ("AABB", "ABAB")))
    themes = tuple(t for t in _THEMES if _has(text, (t, t + "s", t + "y")))
    mood = next((w.title() for w in ("rainy", "dark", "sunny", "golden", "summer", "midnight", "cold", "hype")
                 if _has(text, (w,))), None) or str(_pick(rng, _MOOD_TITLES[mode_name]))
    return Style(subgenre=sub, bpm=tempo, key=k, mood=mood, swing=SWING[sub], keys=sounds["keys"],
                 chops=sounds["chops"], hook=sounds["hook"], bass=bass, tape=tape, scheme=scheme,
                 themes=themes, energy=energy)
