"""Prompt interpretation for Ironclad: which metal the user asked for.

Words honoured (case-insensitive, anywhere in the prompt):
- sub-genre: "thrash"/"speed metal", "doom"/"sludge"/"stoner", "djent"/"prog"/"progressive"/"math",
  "power metal"/"heroic"/"epic"/"gallop"/"galloping", "black metal"/"blast beat"/"blast"/"tremolo",
  "heavy"/"nwobhm"/"classic" (default: heavy metal).
- tuning: "drop d", "drop c", "7-string"/"seven string"/"7 string", "b standard", "standard" (E).
- mood / mode: "major"/"heroic"/"triumphant"/"uplifting"/"glorious" -> major key; "minor"/"dark"/"evil"/
  "sinister"/"grim" -> minor; "phrygian"/"exotic"/"evil" -> phrygian flavour (bII chords).
- tempo words (only when no BPM is requested): "slow"/"crushing" -> lower end, "fast"/"furious"/
  "relentless" -> upper end of the sub-genre's range.
- lead guitar: "solo"/"shred"/"lead"/"guitar solo" -> a solo section; "twin"/"harmonised"/"harmonized"
  /"harmony" -> leads doubled a diatonic third up; "no solo"/"rhythm only" -> no lead guitar.
- drums: "double kick"/"double bass" -> 16th-note double kick in verses; "blast"/"blast beat" -> blast beats.
- keys: "choir", "organ", "strings"/"orchestral"/"symphonic", "synth"/"pad", "piano" pick the keyboard
  voice; "no keys"/"no keyboards"/"raw"/"guitars only" leave the keyboard out.
- guitar tone: "overdrive"/"crunch"/"vintage"/"70s"/"nwobhm" -> overdriven rather than distorted guitars.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

# Lowest open string (MIDI) of each tuning: the riff register is built up from it.
TUNINGS: dict[str, int] = {"E standard": 40, "drop D": 38, "drop C": 36, "B standard": 35, "7-string": 35}

# Sub-genre defaults: (BPM range, tuning, drum feel, riff family, lead by default).
SUBGENRES: dict[str, dict] = {
    "heavy": {"bpm": (120, 150), "tuning": "E standard", "riff": "gallop", "label": "Heavy Metal"},
    "thrash": {"bpm": (165, 200), "tuning": "E standard", "riff": "thrash", "label": "Thrash Metal"},
    "doom": {"bpm": (60, 75), "tuning": "drop C", "riff": "doom", "label": "Doom Metal"},
    "djent": {"bpm": (110, 140), "tuning": "7-string", "riff": "djent", "label": "Djent"},
    "power": {"bpm": (150, 180), "tuning": "E standard", "riff": "gallop", "label": "Power Metal"},
    "black": {"bpm": (170, 200), "tuning": "E standard", "riff": "tremolo", "label": "Black Metal"},
}

_SUBGENRE_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    # Checked in order: the first family with a matching word wins.
    ("black", ("black metal", "blast beat", "blastbeat", "tremolo", "black")),
    ("doom", ("doom", "sludge", "stoner", "funeral")),
    ("djent", ("djent", "progressive", "prog", "math metal", "polyrhythm")),
    ("thrash", ("thrash", "speed metal", "crossover")),
    ("power", ("power metal", "heroic", "epic", "gallop", "galloping", "dragon")),
    ("heavy", ("heavy", "nwobhm", "classic metal", "trad")),
)
_TUNING_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("7-string", ("7-string", "7 string", "seven string", "seven-string", "7string")),
    ("drop C", ("drop c",)),
    ("drop D", ("drop d",)),
    ("B standard", ("b standard",)),
    ("E standard", ("e standard", "standard tuning")),
)
MAJOR_WORDS = ("major", "heroic", "triumphant", "uplifting", "glorious", "victory", "happy")
MINOR_WORDS = ("minor", "dark", "evil", "sinister", "grim", "sad", "angry", "brutal")
PHRYGIAN_WORDS = ("phrygian", "exotic", "evil", "sinister")
SLOW_WORDS = ("slow", "crushing", "heavy slow", "dirge", "plodding")
FAST_WORDS = ("fast", "furious", "relentless", "speed", "frantic", "breakneck")
SOLO_WORDS = ("solo", "shred", "lead guitar", "lead", "virtuoso", "guitar hero")
TWIN_WORDS = ("twin", "harmonised", "harmonized", "harmony", "dual lead", "harmonies")
NO_SOLO_WORDS = ("no solo", "without solo", "rhythm only", "no lead")
DOUBLE_KICK_WORDS = ("double kick", "double bass", "double-kick", "double-bass", "blast")
BLAST_WORDS = ("blast", "blastbeat")
NO_KEYS_WORDS = ("no keys", "no keyboards", "no keyboard", "raw", "guitars only", "no synth")


@dataclass(frozen=True)
class Style:
    """Everything the prompt decided; agents read it, describe() reports it."""

    subgenre: str  # a SUBGENRES key
    tuning: str  # a TUNINGS key
    mood: str  # "minor", "phrygian" or "major"
    tempo_bias: float  # 0 = bottom of the sub-genre's BPM range, 1 = top
    solo: bool
    twin_leads: bool
    double_kick: bool
    blast: bool
    keys: bool = True

    @property
    def label(self) -> str:
        return SUBGENRES[self.subgenre]["label"]

    @property
    def riff_family(self) -> str:
        return SUBGENRES[self.subgenre]["riff"]

    @property
    def low_string(self) -> int:
        return TUNINGS[self.tuning]


def _has(text: str, words: tuple[str, ...]) -> bool:
    return any(re.search(rf"(?<![a-z0-9]){re.escape(w)}(?![a-z0-9])", text) for w in words)


def read_prompt(prompt: str) -> Style:
    """Map prompt words to a Style; unknown prompts give classic heavy metal in a minor key."""
    text = " ".join(prompt.lower().split())
    subgenre = next((name for name, words in _SUBGENRE_WORDS if _has(text, words)), "heavy")
    spec = SUBGENRES[subgenre]
    tuning = next((name for name, words in _TUNING_WORDS if _has(text, words)), spec["tuning"])
    if _has(text, MAJOR_WORDS) and not _has(text, ("minor",)):
        mood = "major"
    elif _has(text, PHRYGIAN_WORDS) or subgenre in ("djent", "black"):
        mood = "phrygian"
    else:
        mood = "minor"
    tempo_bias = 0.5
    if _has(text, SLOW_WORDS):
        tempo_bias = 0.0
    elif _has(text, FAST_WORDS):
        tempo_bias = 1.0
    no_solo = _has(text, NO_SOLO_WORDS)
    solo = not no_solo and (_has(text, SOLO_WORDS) or subgenre in ("heavy", "power", "thrash"))
    twin = not no_solo and (_has(text, TWIN_WORDS) or subgenre == "power")
    blast = _has(text, BLAST_WORDS) or subgenre == "black"
    double_kick = _has(text, DOUBLE_KICK_WORDS) or subgenre in ("power", "black", "thrash")
    keys = not _has(text, NO_KEYS_WORDS)
    return Style(subgenre, tuning, mood, tempo_bias, solo, twin, double_kick, blast, keys)


def pick_bpm(style: Style, rng: np.random.Generator) -> float:
    """A whole-number tempo inside the sub-genre's range, nudged by tempo words."""
    lo, hi = SUBGENRES[style.subgenre]["bpm"]
    centre = lo + (hi - lo) * style.tempo_bias
    spread = (hi - lo) / 4
    return float(int(np.clip(round(centre + rng.uniform(-spread, spread)), lo, hi)))


# Keys guitarists actually play in for each tuning (the open low string and its neighbours).
_KEYS_FOR_TUNING: dict[str, tuple[str, ...]] = {
    "E standard": ("E", "A", "F#", "G", "D"),
    "drop D": ("D", "G", "E", "A"),
    "drop C": ("C", "F", "D", "G"),
    "B standard": ("B", "E", "C#", "F#"),
    "7-string": ("B", "E", "C#", "D"),
}


def pick_key(style: Style, rng: np.random.Generator) -> str:
    """A genre-typical key for the tuning: 'Em', 'Dm', ... or a major key for heroic prompts."""
    options = _KEYS_FOR_TUNING[style.tuning]
    tonic = options[0] if rng.random() < 0.55 else options[int(rng.integers(1, len(options)))]
    return tonic + ("" if style.mood == "major" else "m")
