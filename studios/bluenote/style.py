"""Prompt interpretation for the Blue Note studio: sub-style, tempo, key, band and feel.

Words honoured in request.prompt (case-insensitive, whole words or phrases):

- sub-style: "ballad", "slow jazz" -> ballad (60-80 BPM, two-feel head, sustained comping);
  "bossa", "bossa nova", "latin", "brazilian", "samba" -> bossa nova (straight 8ths, 120-140 BPM);
  "blues", "12-bar", "bluesy" -> 12-bar jazz blues; "modal", "dorian", "so what", "vamp" -> modal vamp;
  "bebop", "bop", "uptempo", "up-tempo", "burning" -> fast bebop (190-220 BPM);
  "swing", "hard bop", "medium swing" (and the default) -> medium swing (120-180 BPM).
- band: "trio" -> piano trio (the piano takes the lead); "quartet" (default) -> horn, piano, bass, drums;
  lead "sax"/"saxophone"/"tenor" (tenor sax), "alto" (alto sax), "trumpet", "muted" (muted trumpet),
  "vibes"/"vibraphone", "flute", "clarinet", "trombone"; comping "guitar" (jazz guitar), "organ";
  "piano" alone keeps the piano comping (with "trio" it also takes the lead).
- key/mood: "minor", "dark", "sad", "moody", "noir", "melancholy", "mysterious", "lonely", "somber" pick a minor
  key when none is given; "major", "happy", "bright", "sunny", "joyful" a major one.
- tempo: "slow", "relaxed", "laid back" pull the default tempo down; "fast", "up", "driving" push it up.
- energy: "mellow", "soft", "gentle", "cool", "chill", "smoky", "late night" play softer and sparser;
  "hot", "burning", "energetic", "driving", "intense" play harder and busier.
- weirdness: "weird", "outside", "avant", "avant-garde", "free", "angular", "modern", "dissonant" add tritone
  substitutions and altered dominants; "traditional", "classic", "simple", "straight-ahead" remove them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from studios.theory import Key, parse_key

SUBSTYLE_WORDS: dict[str, tuple[str, ...]] = {
    "ballad": ("ballad", "slow jazz", "torch song"),
    "bossa": ("bossa", "bossa nova", "latin", "brazilian", "samba"),
    "blues": ("blues", "12-bar", "12 bar", "twelve bar", "bluesy"),
    "modal": ("modal", "dorian", "so what", "vamp"),
    "bebop": ("bebop", "bop", "uptempo", "up-tempo", "burning"),
    "swing": ("swing", "hard bop", "medium swing"),
}
# Default tempo range (BPM) per sub-style when the request gives none.
TEMPO_RANGE: dict[str, tuple[int, int]] = {
    "swing": (120, 180), "bebop": (190, 220), "ballad": (60, 80), "bossa": (120, 140),
    "blues": (100, 150), "modal": (120, 160),
}
SUBSTYLE_NAMES = {"swing": "Swing", "bebop": "Bebop", "ballad": "Ballad", "bossa": "Bossa Nova",
                  "blues": "Blues", "modal": "Modal Vamp"}

# Lead voices: GM program and a comfortable sounding range (MIDI) for melodic lines.
LEADS: dict[str, tuple[int, int, int, str]] = {
    "tenor": (66, 53, 77, "tenor sax"), "alto": (65, 58, 82, "alto sax"), "trumpet": (56, 58, 82, "trumpet"),
    "muted": (59, 58, 82, "muted trumpet"), "vibes": (11, 60, 86, "vibraphone"), "flute": (73, 64, 91, "flute"),
    "clarinet": (71, 55, 84, "clarinet"), "trombone": (57, 46, 72, "trombone"), "piano": (0, 62, 86, "piano"),
}
LEAD_WORDS: dict[str, tuple[str, ...]] = {
    "alto": ("alto",), "muted": ("muted", "harmon"), "trumpet": ("trumpet", "horn", "flugelhorn"),
    "vibes": ("vibes", "vibraphone", "vibraharp"), "flute": ("flute",), "clarinet": ("clarinet",),
    "trombone": ("trombone",), "tenor": ("sax", "saxophone", "tenor"),
}
# Comping voices: GM program and a name.
COMPERS: dict[str, tuple[int, str]] = {"piano": (0, "piano"), "guitar": (26, "jazz guitar"),
                                       "nylon": (24, "nylon guitar"), "organ": (16, "organ")}
MAJOR_KEYS = ("F", "Bb", "Eb", "C", "Ab", "G", "Db")
MINOR_KEYS = ("Cm", "Dm", "Fm", "Gm", "Bbm", "Am", "Ebm")

MINOR_WORDS = ("minor", "dark", "sad", "moody", "noir", "melancholy", "melancholic", "mysterious", "lonely",
               "somber", "gloomy", "brooding")
MAJOR_WORDS = ("major", "happy", "bright", "sunny", "joyful", "cheerful", "uplifting")
SOFT_WORDS = ("mellow", "soft", "gentle", "cool", "chill", "smoky", "late night", "late-night", "quiet",
              "relaxed", "intimate")
HOT_WORDS = ("hot", "burning", "energetic", "driving", "intense", "fiery", "wild")
SLOW_WORDS = ("slow", "relaxed", "laid back", "laid-back", "lazy")
FAST_WORDS = ("fast", "up", "driving", "quick", "racing")
WEIRD_WORDS = ("weird", "outside", "avant", "avant-garde", "free", "angular", "modern", "dissonant",
               "experimental", "strange")
PLAIN_WORDS = ("traditional", "classic", "simple", "straight-ahead", "straight ahead", "easy", "smooth")


def has_word(text: str, words: tuple[str, ...]) -> bool:
    """True when any word/phrase occurs in text as whole words (so 'up' does not match 'upright')."""
    return any(re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text) for w in words)


@dataclass(frozen=True)
class Style:
    """Everything the agents need to know about the requested performance."""

    substyle: str  # swing | bebop | ballad | bossa | blues | modal
    bpm: float
    key: Key  # the requested key (major or minor)
    key_name: str  # Score.key form, e.g. "Bb", "C#m"
    lead: str  # LEADS name
    comper: str  # COMPERS name
    trio: bool  # piano trio: the piano plays the head and solo
    energy: float  # 0 (whisper) .. 1 (burning): velocities and density
    weirdness: float  # 0 .. 1: tritone subs, altered dominants, outside notes
    words: tuple[str, ...] = ()  # the prompt words that changed something, for describe()

    @property
    def minor(self) -> bool:
        return self.key.is_minor

    @property
    def straight(self) -> bool:
        return self.substyle == "bossa"

    @property
    def swing_ratio(self) -> float:
        """Where an off-beat 8th falls inside the beat: 2/3 (triplet swing) at medium tempos,
        straighter when fast (drummers flatten the swing above ~180 BPM), 0.5 for bossa."""
        if self.straight:
            return 0.5
        return float(np.interp(self.bpm, [160.0, 240.0], [2.0 / 3.0, 0.58]))

    @property
    def fast(self) -> bool:
        return self.bpm >= 175

    @property
    def slow(self) -> bool:
        return self.bpm < 95


def _pick_substyle(text: str) -> str:
    for name in ("ballad", "bossa", "blues", "modal", "bebop", "swing"):
        if has_word(text, SUBSTYLE_WORDS[name]):
            return name
    return "swing"


def interpret(prompt: str, bpm: float | None, key: str | None, rng: np.random.Generator) -> Style:
    """Read the prompt into a Style; the request's bpm and key always win over the prompt's hints."""
    text = f" {prompt.lower()} "
    substyle = _pick_substyle(text)
    words: list[str] = [substyle]

    if bpm is None:
        lo, hi = TEMPO_RANGE[substyle]
        span = hi - lo
        if has_word(text, SLOW_WORDS):
            hi = lo + span // 2
        elif has_word(text, FAST_WORDS):
            lo = hi - span // 2
        bpm = float(rng.integers(lo, hi + 1))

    if key is None:
        minor = substyle == "modal"
        if has_word(text, MINOR_WORDS):
            minor = True
        elif has_word(text, MAJOR_WORDS):
            minor = False
        pool = MINOR_KEYS if minor else MAJOR_KEYS
        key = pool[int(rng.integers(len(pool)))]
    parsed = parse_key(key)

    trio = has_word(text, ("trio",)) and not any(has_word(text, LEAD_WORDS[k]) for k in LEAD_WORDS)
    lead = "piano" if trio else "tenor"
    for name, lw in LEAD_WORDS.items():
        if has_word(text, lw):
            lead = name
            words.append(name)
            break
    comper = "nylon" if substyle == "bossa" else "piano"
    if has_word(text, ("guitar",)):
        comper = "nylon" if substyle == "bossa" else "guitar"
        words.append("guitar")
    elif has_word(text, ("organ", "hammond", "b3")):
        comper = "organ"
        words.append("organ")
    elif has_word(text, ("piano",)):
        comper = "piano"
    if trio:
        words.append("trio")
        if comper != "piano":
            trio, lead = False, "tenor" if lead == "piano" else lead

    energy = {"ballad": 0.3, "bebop": 0.75, "bossa": 0.45}.get(substyle, 0.55)
    if has_word(text, SOFT_WORDS):
        energy -= 0.2
        words.append("soft")
    if has_word(text, HOT_WORDS):
        energy += 0.25
        words.append("hot")
    weirdness = 0.2
    if has_word(text, WEIRD_WORDS):
        weirdness = 0.7
        words.append("outside")
    elif has_word(text, PLAIN_WORDS):
        weirdness = 0.0
        words.append("traditional")
    if parsed.is_minor:
        words.append("minor")
    return Style(substyle=substyle, bpm=float(bpm), key=parsed, key_name=key, lead=lead, comper=comper,
                 trio=trio, energy=float(np.clip(energy, 0.05, 1.0)), weirdness=weirdness, words=tuple(words))
