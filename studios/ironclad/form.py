"""The arranger agent: song form, per-bar power-chord roots and the riff register.

Everything downstream (riff writer, guitars, bass, drums, lead) reads the Arrangement it returns, so
each of them can be called alone on a fresh Score.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from studios.ironclad.style import Style
from studios.score import Score, Section
from studios.theory import Key, parse_key

# Power-chord root motion as (numeral, semitones above the tonic). Metal lives on i, bVI, bVII
# and (phrygian) bII; bVI/bIII carry the minor third the key finder needs, vi the major one.
_MINOR = {"i": 0, "bII": 1, "bIII": 3, "iv": 5, "v": 7, "bVI": 8, "bVII": 10}
_MAJOR = {"I": 0, "ii": 2, "iii": 4, "IV": 5, "V": 7, "vi": 9}
PROGRESSIONS: dict[str, dict[str, list[list[str]]]] = {
    "minor": {
        "verse": [["i", "i", "bVI", "bVII"], ["i", "i", "iv", "bVI"], ["i", "bVII", "bVI", "bVII"],
                  ["i", "i", "bIII", "bVII"]],
        "chorus": [["i", "bVI", "bVII", "i"], ["i", "bVI", "bIII", "bVII"], ["bVI", "bVII", "i", "i"],
                   ["i", "iv", "bVI", "bVII"]],
        "cadence": [["bVI", "bVII", "i"], ["iv", "bVI", "i"]],
    },
    "phrygian": {
        "verse": [["i", "bII", "i", "bVII"], ["i", "i", "bII", "i"], ["i", "bII", "bVI", "bVII"]],
        "chorus": [["i", "bVI", "bVII", "i"], ["i", "bII", "bVI", "bVII"], ["bVI", "bII", "i", "i"]],
        "cadence": [["bII", "i"], ["bVI", "bII", "i"]],
    },
    "major": {
        "verse": [["I", "I", "IV", "V"], ["I", "V", "vi", "IV"], ["I", "I", "vi", "V"]],
        "chorus": [["I", "V", "vi", "IV"], ["I", "IV", "vi", "V"], ["vi", "IV", "I", "V"]],
        "cadence": [["IV", "V", "I"], ["vi", "V", "I"]],
    },
}


@dataclass(frozen=True)
class SectionPlan:
    kind: str  # intro, verse, chorus, solo, breakdown, bridge, outro
    start_bar: int
    bars: int
    roots: tuple[int, ...]  # per bar: semitones above the tonic of that bar's power chord
    numerals: tuple[str, ...]

    @property
    def start_beat(self) -> float:
        return self.start_bar * 4.0


@dataclass
class Arrangement:
    """The shared plan: style, key, tempo, form and the riff register."""

    style: Style
    key: Key
    bpm: float
    bars: int
    sections: list[SectionPlan]
    root_pitch: int  # the tonic on the lowest usable string: the riff's home note
    mood: str = "minor"  # the harmony actually used: minor, phrygian or major (the key's mode wins)
    riff: list = field(default_factory=list)  # RiffHit list, written by the riff writer agent
    choices: dict[str, str] = field(default_factory=dict)  # agent -> what it chose (for describe())

    @property
    def beats_per_bar(self) -> int:
        return 4

    @property
    def total_beats(self) -> float:
        return self.bars * 4.0

    def chord_root(self, offset: int) -> int:
        """MIDI root of a power chord `offset` semitones above the tonic, kept low: chords a 4th or more
        above the tonic drop an octave when the tuning reaches that far (what a drop tuning is for)."""
        up = self.root_pitch + offset
        down = up - 12
        return down if offset >= 5 and down >= self.style.low_string else up

    def bar_root(self, bar: int) -> int:
        """MIDI root of the power chord in a bar (the tonic past the end)."""
        for s in self.sections:
            if s.start_bar <= bar < s.start_bar + s.bars:
                return self.chord_root(s.roots[bar - s.start_bar])
        return self.root_pitch

    def section_at(self, beat: float) -> SectionPlan:
        bar = int(beat // 4)
        for s in self.sections:
            if s.start_bar <= bar < s.start_bar + s.bars:
                return s
        return self.sections[-1]


def riff_root(key: Key, low_string: int) -> int:
    """The tonic on the lowest string that can play it: the lowest tonic at or above the open string."""
    return low_string + (key.tonic - low_string) % 12


def bars_for(duration_s: float, bpm: float, beats_per_bar: int = 4) -> int:
    return max(1, math.ceil(duration_s * bpm / 60.0 / beats_per_bar - 1e-9))


def _form(bars: int, style: Style, rng: np.random.Generator) -> list[tuple[str, int]]:
    """Section kinds and lengths that add up to exactly `bars`."""
    if bars <= 2:
        return [("outro", bars)]
    if bars <= 5:
        return [("verse", bars - 1), ("outro", 1)]
    unit = 4 if bars >= 14 else 2
    intro = unit if bars >= 10 else 1
    outro = 2 if bars >= 10 else 1
    middle = "solo" if style.solo else ("breakdown" if style.subgenre in ("djent", "doom", "heavy") else "bridge")
    cycle = ["verse", "chorus", "verse", "chorus", middle, "chorus"]
    if style.subgenre == "djent" and style.solo:
        cycle = ["verse", "chorus", "breakdown", "verse", "chorus", "solo", "chorus"]
    body = bars - intro - outro
    out: list[tuple[str, int]] = [("intro", intro)]
    i = 0
    while body > 0:
        size = 2 * unit if body >= 3 * unit and rng.random() < 0.5 else unit
        size = body if body - size < unit else size  # no stub section at the end
        out.append((cycle[i % len(cycle)], size))
        body -= size
        i += 1
    out.append(("outro", outro))
    return out


def _numerals_to_offsets(numerals: list[str], mood: str) -> list[int]:
    table = _MAJOR if mood == "major" else _MINOR
    return [table[n] for n in numerals]


def _bars_of(prog: list[str], bars: int, bars_per_chord: int) -> list[str]:
    seq = [c for c in prog for _ in range(bars_per_chord)]
    return [seq[b % len(seq)] for b in range(bars)]


def arrange(style: Style, key_name: str, bpm: float, bars: int, rng: np.random.Generator) -> Arrangement:
    """Plan the song: form, progressions per section kind (one per kind, reused) and the riff register."""
    key = parse_key(key_name)
    # The requested key's mode wins over mood words; phrygian colours a minor key with bII chords.
    mood = "major" if not key.is_minor else ("phrygian" if style.mood == "phrygian" else "minor")
    table = PROGRESSIONS[mood]
    progs = {kind: table[kind][int(rng.integers(len(table[kind])))] for kind in ("verse", "chorus", "cadence")}
    # Doom moves slowly: one chord per two bars when there is room.
    bars_per_chord = 2 if style.subgenre == "doom" and bars >= 16 else 1
    plans: list[SectionPlan] = []
    bar = 0
    for kind, n in _form(bars, style, rng):
        if kind == "outro":
            cad = progs["cadence"]
            numerals = (["i" if mood != "major" else "I"] * max(0, n - len(cad)) + cad)[-n:]
        elif kind in ("chorus", "bridge"):
            numerals = _bars_of(progs["chorus"], n, bars_per_chord)
        elif kind == "intro":
            numerals = _bars_of(progs["chorus"][:2] if n >= 2 else progs["chorus"][:1], n, 1)
            numerals[0] = "i" if mood != "major" else "I"
        else:  # verse, solo and breakdown ride the verse riff
            numerals = _bars_of(progs["verse"], n, bars_per_chord)
        numerals[0] = numerals[0] if kind in ("chorus", "bridge") else ("i" if mood != "major" else "I")
        plans.append(SectionPlan(kind, bar, n, tuple(_numerals_to_offsets(numerals, mood)), tuple(numerals)))
        bar += n
    arr = Arrangement(style, key, bpm, bars, plans, riff_root(key, style.low_string), mood)
    arr.choices["arranger"] = (
        f"verse {'-'.join(progs['verse'])}, chorus {'-'.join(progs['chorus'])}, "
        f"cadence {'-'.join(progs['cadence'])}"
    )
    return arr


def write_form(score: Score, arr: Arrangement) -> None:
    """Copy the plan into the shared Score: sections, total length and per-bar power chords."""
    score.total_beats = arr.total_beats
    score.beats_per_bar = arr.beats_per_bar
    score.sections = [Section(s.kind, s.start_bar, s.bars) for s in arr.sections]
    score.chords = []
    for s in arr.sections:
        for i in range(s.bars):
            r = arr.chord_root(s.roots[i])
            score.chords.append(((s.start_bar + i) * 4.0, [r, r + 7, r + 12]))
