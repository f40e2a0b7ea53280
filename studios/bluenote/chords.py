"""Jazz chord vocabulary: qualities with extensions, rootless voicings and chord-scales, jazz Roman
numerals, and the ChordSpan every Blue Note agent reads.

Numerals are relative to the MAJOR scale of the tonic whatever the mode (jazz convention: in minor,
bIII / bVI / bVII), and the quality is spelled out: 'ii7' (m7), 'V7', 'Imaj7', 'iiø7', 'i6' (m6),
'#iv°7', 'bII7', 'V7b9', 'V7alt', 'IV7sus'.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

from studios.base import StudioError

MAJOR_STEPS = (0, 2, 4, 5, 7, 9, 11)
_ROMAN = {"i": 0, "ii": 1, "iii": 2, "iv": 3, "v": 4, "vi": 5, "vii": 6}
_NUMERAL_RE = re.compile(r"^([b#]?)(vii|iii|iv|vi|ii|v|i|VII|III|IV|VI|II|V|I)(.*)$")
_SHARP = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")


@dataclass(frozen=True)
class Quality:
    tones: tuple[int, ...]  # root, 3rd, 5th, 7th (or 6th): what the bass and strong melody notes use
    rootless: tuple[int, ...]  # four-note rootless voicing (Bill Evans 'A' form), semitones above the root
    scale: tuple[int, ...]  # chord-scale for passing notes
    suffix: str  # chord-symbol suffix
    family: str  # maj | min | dom | hdim | dim | sus


IONIAN = (0, 2, 4, 5, 7, 9, 11)
DORIAN = (0, 2, 3, 5, 7, 9, 10)
MIXOLYDIAN = (0, 2, 4, 5, 7, 9, 10)
LOCRIAN = (0, 1, 3, 5, 6, 8, 10)
PHRYGIAN_DOMINANT = (0, 1, 4, 5, 7, 8, 10)  # V7b9 in minor: stays inside the harmonic-minor key
ALTERED = (0, 1, 3, 4, 6, 8, 10)
LYDIAN_DOMINANT = (0, 2, 4, 6, 7, 9, 10)
MELODIC_MINOR = (0, 2, 3, 5, 7, 9, 11)
WHOLE_HALF = (0, 2, 3, 5, 6, 8, 9, 11)

QUALITIES: dict[str, Quality] = {
    "maj7": Quality((0, 4, 7, 11), (4, 7, 11, 14), IONIAN, "maj7", "maj"),
    "maj9": Quality((0, 4, 7, 11), (4, 7, 11, 14), IONIAN, "maj9", "maj"),
    "6": Quality((0, 4, 7, 9), (4, 7, 9, 12), IONIAN, "6", "maj"),
    "69": Quality((0, 4, 7, 9), (4, 7, 9, 14), IONIAN, "6/9", "maj"),
    "m7": Quality((0, 3, 7, 10), (3, 7, 10, 12), DORIAN, "m7", "min"),
    "m9": Quality((0, 3, 7, 10), (3, 7, 10, 14), DORIAN, "m9", "min"),
    "m6": Quality((0, 3, 7, 9), (3, 7, 9, 14), MELODIC_MINOR, "m6", "min"),
    "mmaj7": Quality((0, 3, 7, 11), (3, 7, 11, 14), MELODIC_MINOR, "m(maj7)", "min"),
    "7": Quality((0, 4, 7, 10), (4, 7, 10, 14), MIXOLYDIAN, "9", "dom"),
    "13": Quality((0, 4, 7, 10), (4, 9, 10, 14), MIXOLYDIAN, "13", "dom"),
    "7b9": Quality((0, 4, 7, 10), (4, 7, 10, 13), PHRYGIAN_DOMINANT, "7b9", "dom"),
    "7alt": Quality((0, 4, 8, 10), (4, 8, 10, 15), ALTERED, "7alt", "dom"),
    "7#11": Quality((0, 4, 7, 10), (4, 6, 10, 14), LYDIAN_DOMINANT, "9#11", "dom"),
    "7sus": Quality((0, 5, 7, 10), (5, 7, 10, 14), MIXOLYDIAN, "9sus4", "sus"),
    "m7b5": Quality((0, 3, 6, 10), (0, 3, 6, 10), LOCRIAN, "m7b5", "hdim"),
    "dim7": Quality((0, 3, 6, 9), (0, 3, 6, 9), WHOLE_HALF, "dim7", "dim"),
}
# How a plain seventh chord may be dressed up (upgrade options, picked by the harmony agent's rng).
EXTENSIONS: dict[str, tuple[str, ...]] = {
    "maj7": ("maj7", "maj9", "69"), "m7": ("m7", "m9", "m9"), "7": ("7", "13", "13"),
}


@dataclass(frozen=True)
class Numeral:
    offset: int  # semitones above the tonic
    quality: str  # QUALITIES name
    text: str


def parse_numeral(text: str) -> Numeral:
    """'ii7' -> (2, m7); 'V7' -> (7, 7); 'bII7' -> (1, 7); 'iiø7' -> (2, m7b5); 'i6' -> (0, m6)."""
    m = _NUMERAL_RE.match(text.strip())
    if not m:
        raise StudioError(f"cannot read jazz numeral {text!r}: use e.g. ii7, V7, Imaj7, iiø7, bII7")
    acc, rn, suffix = m.groups()
    offset = (MAJOR_STEPS[_ROMAN[rn.lower()]] + {"b": -1, "#": 1, "": 0}[acc]) % 12
    minor = rn.islower()
    suffix = suffix.replace("°", "dim").replace("ø7", "m7b5").replace("ø", "m7b5")
    if suffix in ("7", "9"):
        quality = "m7" if minor else "7"
    elif suffix in ("6", "69"):
        quality = "m6" if minor else suffix
    elif suffix == "maj7":
        quality = "mmaj7" if minor else "maj7"
    elif suffix == "dim7":
        quality = "dim7"
    elif suffix in QUALITIES:
        quality = suffix
    else:
        raise StudioError(f"unknown chord suffix {suffix!r} in {text!r}")
    return Numeral(offset, quality, text)


@dataclass(frozen=True)
class ChordSpan:
    """One chord of the chart: where it sounds (beats), what it is, and its comping voicing."""

    start: float
    beats: float
    root: int  # pitch class
    quality: str  # QUALITIES name
    numeral: str  # as written in the progression, e.g. 'V7' (or 'bII7' after a tritone substitution)
    voicing: tuple[int, ...] = ()  # voice-led rootless voicing (MIDI), filled by the harmony agent
    section: str = ""

    @property
    def end(self) -> float:
        return self.start + self.beats

    @property
    def q(self) -> Quality:
        return QUALITIES[self.quality]

    @property
    def symbol(self) -> str:
        return _SHARP[self.root] + self.q.suffix

    def tone_pcs(self) -> list[int]:
        return [(self.root + t) % 12 for t in self.q.tones]

    def scale_pcs(self) -> list[int]:
        return [(self.root + t) % 12 for t in self.q.scale]

    def rootless_pcs(self) -> list[int]:
        return [(self.root + t) % 12 for t in self.q.rootless]


def pitches_with(pcs: Sequence[int], low: int, high: int) -> list[int]:
    """Every MIDI pitch in [low, high] whose pitch class is in pcs."""
    s = {p % 12 for p in pcs}
    return [p for p in range(low, high + 1) if p % 12 in s]


def chord_at(chart: Sequence[ChordSpan], beat: float) -> ChordSpan:
    """The chord sounding at a beat (the first chord before the chart starts, the last after it ends)."""
    starts = [c.start for c in chart]
    i = bisect.bisect_right(starts, beat + 1e-6) - 1
    return chart[max(0, min(i, len(chart) - 1))]


def next_chord(chart: Sequence[ChordSpan], span: ChordSpan) -> ChordSpan:
    """The chord after span (the last chord leads back to itself at the very end)."""
    starts = [c.start for c in chart]
    i = bisect.bisect_right(starts, span.start + 1e-6)
    return chart[min(i, len(chart) - 1)]
