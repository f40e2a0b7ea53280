"""Shared music-theory core: keys, scales, diatonic and Roman-numeral chords, progressions,
voice leading and humanisation. Pure functions over MIDI numbers so every genre studio can reuse them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from studios.errors import StudioError
from studios.score import Note

T = TypeVar("T")

NOTE_NAMES_SHARP = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
NOTE_NAMES_FLAT = ("C", "Db", "D", "Eb", "E", "F", "Gb", "G", "Ab", "A", "Bb", "B")
_LETTER_PC = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}

# Interval patterns from the tonic, in semitones.
SCALES: dict[str, tuple[int, ...]] = {
    "major": (0, 2, 4, 5, 7, 9, 11),
    "minor": (0, 2, 3, 5, 7, 8, 10),
    "harmonic_minor": (0, 2, 3, 5, 7, 8, 11),
    "melodic_minor": (0, 2, 3, 5, 7, 9, 11),
    "dorian": (0, 2, 3, 5, 7, 9, 10),
    "phrygian": (0, 1, 3, 5, 7, 8, 10),
    "lydian": (0, 2, 4, 6, 7, 9, 11),
    "mixolydian": (0, 2, 4, 5, 7, 9, 10),
    "locrian": (0, 1, 3, 5, 6, 8, 10),
    "phrygian_dominant": (0, 1, 4, 5, 7, 8, 10),
    "major_pentatonic": (0, 2, 4, 7, 9),
    "minor_pentatonic": (0, 3, 5, 7, 10),
    "blues": (0, 3, 5, 6, 7, 10),
}
MODE_ALIASES = {
    "": "major", "maj": "major", "ionian": "major",
    "m": "minor", "min": "minor", "aeolian": "minor", "natural_minor": "minor",
}
MINOR_LIKE = {"minor", "harmonic_minor", "melodic_minor", "dorian", "phrygian", "locrian",
              "minor_pentatonic", "blues"}
# Keys conventionally spelled with flats, so titles read "Bb major", not "A# major".
_FLAT_MAJORS = {5, 10, 3, 8, 1, 6}
_FLAT_MINORS = {2, 7, 0, 5, 10, 3}

_KEY_RE = re.compile(r"^\s*([A-Ga-g])([#b]?)\s*([A-Za-z_ ]*?)\s*$")

# Modes tried, in order of preference, for borrowed major / minor triads (see chord_scale).
_CHORD_MODES: dict[tuple[int, ...], tuple[str, ...]] = {
    (0, 4, 7): ("mixolydian", "major", "lydian", "phrygian_dominant"),
    (0, 3, 7): ("dorian", "minor", "phrygian"),
}

# Chord shapes in semitones above the root.
CHORD_QUALITIES: dict[str, tuple[int, ...]] = {
    "maj": (0, 4, 7), "min": (0, 3, 7), "dim": (0, 3, 6), "aug": (0, 4, 8),
    "sus2": (0, 2, 7), "sus4": (0, 5, 7), "5": (0, 7),
    "7": (0, 4, 7, 10), "maj7": (0, 4, 7, 11), "m7": (0, 3, 7, 10), "mmaj7": (0, 3, 7, 11),
    "m7b5": (0, 3, 6, 10), "dim7": (0, 3, 6, 9),
}
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7}
_ROMAN_RE = re.compile(r"^([b#]?)(vii|iii|iv|vi|ii|v|i|VII|III|IV|VI|II|V|I)(.*)$")

# Roman-numeral progressions by genre and mode; studios pick one with their rng.
PROGRESSIONS: dict[str, dict[str, list[list[str]]]] = {
    "chiptune": {
        "major": [["I", "V", "vi", "IV"], ["I", "vi", "IV", "V"], ["I", "IV", "V", "IV"],
                  ["vi", "IV", "I", "V"], ["I", "iii", "IV", "V"], ["I", "bVII", "IV", "I"]],
        "minor": [["i", "VI", "III", "VII"], ["i", "iv", "v", "i"], ["i", "VII", "VI", "VII"],
                  ["i", "VI", "VII", "i"], ["i", "iv", "VII", "III"], ["i", "iv", "VI", "V"]],
    },
    "chiptune_bridge": {
        "major": [["IV", "V", "iii", "vi"], ["ii", "V", "I", "vi"], ["IV", "I", "V", "vi"],
                  ["bVI", "bVII", "I", "I"], ["IV", "iv", "I", "V"]],
        "minor": [["VI", "VII", "i", "i"], ["iv", "v", "VI", "VII"], ["VI", "iv", "V", "V"],
                  ["III", "VII", "iv", "V"]],
    },
    "boss": {
        "minor": [["i", "bII", "i", "VII"], ["i", "i", "VI", "V"], ["i", "iv", "bII", "V"],
                  ["i", "VI", "iv", "V"], ["i", "bII", "VI", "V"]],
        "major": [["I", "bVI", "bVII", "I"], ["I", "bII", "I", "bVII"]],
    },
    "cadence": {
        "major": [["IV", "V", "I"], ["bVI", "bVII", "I"], ["ii", "V", "I"]],
        "minor": [["iv", "V", "i"], ["VI", "VII", "i"], ["bII", "V", "i"]],
    },
}


@dataclass(frozen=True)
class Key:
    tonic: int  # pitch class 0..11
    mode: str  # a SCALES name
    tonic_name: str = ""  # spelling as the user wrote it, for display

    @property
    def is_minor(self) -> bool:
        return self.mode in MINOR_LIKE

    @property
    def scale(self) -> tuple[int, ...]:
        return SCALES[self.mode]

    @property
    def name(self) -> str:
        """'A minor', 'Bb major', 'D dorian'."""
        return f"{self.tonic_name or pc_name(self.tonic, None, self.is_minor)} {self.mode.replace('_', ' ')}"

    @property
    def short(self) -> str:
        """The Score.key form: 'Am', 'Bb' (modes other than major/minor map to their parent)."""
        return (self.tonic_name or pc_name(self.tonic, None, self.is_minor)) + ("m" if self.is_minor else "")

    def degree_pc(self, degree: int) -> int:
        """Pitch class of a 1-based scale degree (wraps past 7)."""
        sc = self.scale
        return (self.tonic + sc[(degree - 1) % len(sc)]) % 12

    def pitch(self, degree: int, octave: int = 4) -> int:
        """MIDI pitch of a 1-based scale degree; degree 8 is the tonic an octave up (C4 = 60)."""
        sc = self.scale
        d = degree - 1
        return 12 * (octave + 1) + self.tonic + sc[d % len(sc)] + 12 * (d // len(sc))

    def scale_pitches(self, low: int, high: int) -> list[int]:
        """Every MIDI pitch of this key's scale in [low, high]."""
        pcs = {(self.tonic + s) % 12 for s in self.scale}
        return [p for p in range(low, high + 1) if p % 12 in pcs]


def pc_name(pc: int, prefer_flats: bool | None = None, minor: bool = False) -> str:
    """Conventional spelling of a pitch class; pass prefer_flats=None to decide from the key."""
    if prefer_flats is None:
        prefer_flats = pc % 12 in (_FLAT_MINORS if minor else _FLAT_MAJORS)
    return (NOTE_NAMES_FLAT if prefer_flats else NOTE_NAMES_SHARP)[pc % 12]


def note_pc(name: str) -> int:
    """'C' -> 0, 'F#' -> 6, 'Bb' -> 10; raises StudioError for anything else."""
    m = re.match(r"^\s*([A-Ga-g])([#b]?)\s*$", name)
    if not m:
        raise StudioError(f"unknown note name {name!r}: use A-G with an optional # or b, e.g. C, F#, Bb")
    return (_LETTER_PC[m.group(1).upper()] + {"#": 1, "b": -1, "": 0}[m.group(2)]) % 12


def parse_key(key: str) -> Key:
    """'C' -> C major, 'Dm' / 'D minor' -> D minor, 'F# dorian' -> F# dorian."""
    m = _KEY_RE.match(key or "")
    mode_word = (m.group(3).strip().lower().replace(" ", "_") if m else "")
    mode = MODE_ALIASES.get(mode_word, mode_word)
    if not m or mode not in SCALES:
        raise StudioError(
            f"unknown key {key!r}: use a note name with an optional # or b and 'm' for minor, "
            f"e.g. C, F#, Bb, Dm, C#m (modes also accepted: {', '.join(sorted(SCALES))})"
        )
    tonic_name = m.group(1).upper() + m.group(2)
    return Key(note_pc(tonic_name), mode, tonic_name)


def midi_to_hz(pitch: float | np.ndarray) -> float | np.ndarray:
    return 440.0 * 2.0 ** ((np.asarray(pitch, dtype=np.float64) - 69.0) / 12.0)


def chord(root: int, quality: str = "maj") -> list[int]:
    """Root-position chord from a MIDI root and a CHORD_QUALITIES name."""
    try:
        return [root + i for i in CHORD_QUALITIES[quality]]
    except KeyError:
        raise StudioError(f"unknown chord quality {quality!r}; known: {', '.join(CHORD_QUALITIES)}") from None


def diatonic_chord(key: Key, degree: int, size: int = 3, octave: int = 3) -> list[int]:
    """Stack scale thirds on a degree: size 3 = triad, 4 = seventh chord (root position)."""
    return [key.pitch(degree + 2 * i, octave) for i in range(size)]


def roman_chord(key: Key, numeral: str, octave: int = 3) -> list[int]:
    """Root-position chord for a Roman numeral such as 'V', 'vi', 'bVII', 'ii7', 'Imaj7', 'vii°'.

    The root is the key's own scale degree (so 'VII' in A minor is G) moved by any b/#; case sets
    major/minor; '°'/'dim', '+', 'sus2'/'sus4' and 7th suffixes refine the quality.
    """
    m = _ROMAN_RE.match(numeral.strip())
    if not m:
        raise StudioError(f"cannot read chord numeral {numeral!r}: use e.g. I, iv, bVII, V7, ii7")
    acc, rn, suffix = m.group(1), m.group(2), m.group(3).strip()
    root = key.pitch(_ROMAN[rn.lower()], octave) + {"b": -1, "#": 1, "": 0}[acc]
    upper = rn.isupper()
    suffix = suffix.replace("°", "dim").replace("ø", "m7b5")
    table = {
        "": "maj" if upper else "min", "7": "7" if upper else "m7", "maj7": "maj7",
        "dim": "dim", "dim7": "dim7", "m7b5": "m7b5", "+": "aug", "aug": "aug",
        "sus2": "sus2", "sus4": "sus4", "5": "5",
    }
    if suffix not in table:
        raise StudioError(f"unknown chord suffix {suffix!r} in {numeral!r}")
    return chord(root, table[suffix])


def progression(genre: str, mode: str, rng: np.random.Generator) -> list[str]:
    """A random progression (Roman numerals) for a genre table and 'major'/'minor'."""
    table = PROGRESSIONS.get(genre)
    if table is None:
        raise StudioError(f"no progressions for {genre!r}; known: {', '.join(PROGRESSIONS)}")
    options = table.get("minor" if mode in MINOR_LIKE else "major") or next(iter(table.values()))
    return list(options[int(rng.integers(len(options)))])


def chord_pcs(pitches: Sequence[int]) -> set[int]:
    return {p % 12 for p in pitches}


def nearest_in(pitch: float, candidates: Sequence[int]) -> int:
    """The candidate closest to pitch (ties go low, so melodies settle rather than climb)."""
    return min(candidates, key=lambda c: (abs(c - pitch), c))


def chord_tones_in_range(pitches: Sequence[int], low: int, high: int) -> list[int]:
    pcs = chord_pcs(pitches)
    return [p for p in range(low, high + 1) if p % 12 in pcs]


def chord_scale(key: Key, chord_pitches: Sequence[int]) -> list[int]:
    """Pitch classes a melody can use over a chord (root-position pitches expected).

    Diatonic chords use the key's scale; borrowed chords (bVII, V in minor, iv in major...) use
    the mode on their root that agrees most with the key. Notes a semitone above a chord tone
    (the harsh "avoid" notes) are dropped, so passing tones never grind against the harmony.
    """
    tones = chord_pcs(chord_pitches)
    key_pcs = {(key.tonic + s) % 12 for s in key.scale}
    base = key_pcs
    if not tones <= key_pcs:
        root = chord_pitches[0] % 12
        shape = tuple(sorted((p - root) % 12 for p in chord_pitches[:3]))
        fits = [{(root + i) % 12 for i in SCALES[m]} for m in _CHORD_MODES.get(shape, ())]
        fits = [f for f in fits if tones <= f]
        if fits:
            base = max(fits, key=lambda f: len(f & key_pcs))  # first listed wins ties
        else:
            clashes = {(c + d) % 12 for c in tones - key_pcs for d in (-1, 1)}
            base = (key_pcs - clashes) | tones
    avoid = {(c + 1) % 12 for c in tones} - tones
    return sorted(base - avoid)


def snap_to_scale(pitch: int, key: Key) -> int:
    """Nearest pitch of the key's scale (ties resolve downward)."""
    return nearest_in(pitch, key.scale_pitches(pitch - 2, pitch + 2))


def voicings(chord_pitches: Sequence[int], low: int, high: int) -> list[list[int]]:
    """Every close-position inversion of the chord that fits within [low, high]."""
    base = sorted(set(chord_pitches))
    n = len(base)
    out: list[list[int]] = []
    for inv in range(n):
        shape = base[inv:] + [p + 12 for p in base[:inv]]
        lowest = shape[0] % 12
        for bottom in range(low, high + 1):
            if bottom % 12 == lowest:
                v = [bottom + (p - shape[0]) for p in shape]
                if v[-1] <= high:
                    out.append(v)
    return out


def voice_lead(previous: Sequence[int] | None, chord_pitches: Sequence[int],
               low: int = 55, high: int = 79) -> list[int]:
    """The inversion of chord_pitches nearest the previous voicing (smooth voice leading).

    Without a previous chord the voicing closest to the middle of the range wins.
    """
    options = voicings(chord_pitches, low, high)
    if not options:
        raise StudioError(f"chord {list(chord_pitches)} does not fit between MIDI {low} and {high}")
    if not previous:
        mid = (low + high) / 2
        return min(options, key=lambda v: abs(float(np.mean(v)) - mid))
    prev = sorted(previous)

    def cost(v: list[int]) -> float:
        if len(v) == len(prev):
            return float(sum(abs(a - b) for a, b in zip(v, prev, strict=True)))
        return sum(min(abs(p - q) for q in prev) for p in v) + abs(float(np.mean(v) - np.mean(prev)))

    return min(options, key=cost)


def humanise(notes: Sequence[Note], rng: np.random.Generator, timing: float = 0.01,
             velocity: int = 6, length: float = 0.0) -> list[Note]:
    """Jitter start (beats), velocity and length with the caller's rng so takes stay reproducible."""
    n = len(notes)
    if n == 0:
        return []
    dt = rng.normal(0.0, timing, n) if timing > 0 else np.zeros(n)
    dv = rng.integers(-velocity, velocity + 1, n) if velocity > 0 else np.zeros(n, dtype=int)
    dl = rng.normal(0.0, length, n) if length > 0 else np.zeros(n)
    out = []
    for note, t, v, ln in zip(notes, dt, dv, dl, strict=True):
        out.append(Note(max(0.0, note.start + float(t)), max(1e-3, note.length + float(ln)),
                        note.pitch, int(np.clip(note.velocity + int(v), 1, 127))))
    return out


# The composing temperature (the Weirdness slider): a context variable, so every agent's weighted choice
# follows it without threading a parameter through each agent signature; contextvars keep concurrent
# generations (threads, async tasks) apart.
_TEMPERATURE: ContextVar[float] = ContextVar("composing_temperature", default=1.0)


@contextmanager
def composing_temperature(temperature: float) -> Iterator[None]:
    """Run the agents inside this block at the given sampling temperature (1.0 = as tuned)."""
    if not temperature > 0:
        raise StudioError(f"composing temperature must be > 0, got {temperature!r}")
    token = _TEMPERATURE.set(float(temperature))
    try:
        yield
    finally:
        _TEMPERATURE.reset(token)


def current_temperature() -> float:
    return _TEMPERATURE.get()


def tempered(weights: Sequence[float] | np.ndarray, temperature: float | None = None) -> np.ndarray:
    """Probabilities from weights at a temperature: < 1 sharpens toward the favourite, > 1 flattens."""
    p = np.asarray(weights, dtype=np.float64)
    if p.ndim != 1 or p.size == 0 or np.any(p < 0) or p.sum() <= 0:
        raise StudioError(f"choice weights must be non-negative and not all zero, got {list(p)}")
    p = p / p.sum()
    t = current_temperature() if temperature is None else temperature
    if t == 1.0:
        return p  # exactly the tuned distribution, so default takes keep their seeds' music
    q = np.where(p > 0, p, 0.0) ** (1.0 / t)
    return q / q.sum()


def choose(rng: np.random.Generator, options: Sequence[T], weights: Sequence[float] | np.ndarray) -> T:
    """The one weighted choice every composing agent makes, at the current composing temperature."""
    return options[int(rng.choice(len(options), p=tempered(weights)))]


def choose_many(rng: np.random.Generator, options: Sequence[T], weights: Sequence[float] | np.ndarray,
                n: int) -> list[T]:
    """n independent weighted choices at the current composing temperature."""
    return [options[int(i)] for i in rng.choice(len(options), size=n, p=tempered(weights))]


def choose_bag(rng: np.random.Generator, bag: Sequence[T]) -> T:
    """A pick from a bag where repeats are the weights (e.g. [1, 1, 2, 3]), at the composing temperature.

    At temperature 1 this is exactly rng.choice(bag), so the tuned agents keep their seeds' music.
    """
    if current_temperature() == 1.0:
        return bag[int(rng.choice(len(bag)))]
    options = list(dict.fromkeys(bag))
    return choose(rng, options, [bag.count(o) for o in options])
