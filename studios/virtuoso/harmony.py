"""Harmony agent: functional progressions phrase by phrase, cadences where the form agent put them.

Bodies walk tonic -> predominant -> dominant (I-IV-V-I, ii6-V7-I), B sections and developments run
circle-of-fifths sequences (I-IV-vii°-iii-vi-ii-V), a predominant sometimes becomes a secondary
dominant (V7/V, V7/vi ...), phrases end V-I (authentic) or on V (half cadence), and restated
sections reuse their harmony. Canons loop a ground (Pachelbel-like) so a delayed voice still fits.
Chords are written into score.chords bass-first: (start beat, [bass, ...upper tones]).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from studios.base import StudioError
from studios.score import Score
from studios.theory import Key, choose, parse_key, roman_chord
from studios.virtuoso.form import Phrase, material, phrases
from studios.virtuoso.meter import Pulse

_NUMERAL_RE = re.compile(r"^(?P<base>[b#]?(?:vii|iii|iv|vi|ii|v|i|VII|III|IV|VI|II|V|I)[°ø+]?)"
                         r"(?P<fig>65|64|43|42|7|6)?(?:/(?P<target>.+))?$")
_INVERSION = {"": 0, "6": 1, "64": 2, "7": 0, "65": 1, "43": 2, "42": 3}

# Functional walk in major-key numerals (minor is translated afterwards): tonic -> predominant -> dominant.
_NEXT: dict[str, dict[str, float]] = {
    "I": {"IV": 3, "vi": 3, "ii": 2, "V": 2, "I6": 1.5, "V6": 1},
    "I6": {"IV": 3, "ii": 2, "ii6": 2, "V": 1},
    "V6": {"I": 4},
    "vi": {"ii": 3, "IV": 3, "ii6": 2, "V": 1},
    "iii": {"vi": 3, "IV": 2},
    "IV": {"V": 3, "I": 2, "ii": 1, "V7": 2, "I6": 1},
    "ii": {"V": 4, "V7": 3},
    "ii6": {"V": 3, "V7": 3},
    "V": {"I": 4, "vi": 2, "I6": 1},
    "V7": {"I": 4, "vi": 1.5},
}
_TONIC_GROUP = ("I", "vi", "I6", "iii")
_FIFTHS_CYCLE = ("I", "IV", "vii°", "iii", "vi", "ii", "V")  # each chord a fifth above the next
_GROUNDS = (
    (("I", "V"), ("vi", "iii"), ("IV", "I"), ("IV", "V")),  # Pachelbel
    (("I", "vi"), ("IV", "V")),
    (("I", "IV"), ("ii", "V")),
)
_TO_MINOR = {
    "I": "i", "I6": "i6", "I64": "i64", "ii": "ii°6", "ii6": "ii°6", "ii65": "iiø65", "iii": "III",
    "IV": "iv", "IV6": "iv6", "vi": "VI", "vii°": "VII", "V7/ii": "VI", "V7/iii": "V7/III",
    "V7/IV": "V7/iv", "V7/vi": "V7/VI",
}
_ORDER = {4: (0, 2, 1, 3), 3: (0, 2, 1), 2: (0, 1)}


@dataclass(frozen=True)
class ChordSlot:
    start: float  # beats
    length: float
    numeral: str


def realise(key: Key, numeral: str, octave: int = 3) -> list[int]:
    """MIDI pitches of a numeral such as 'ii6', 'V7', 'I64', 'V7/V', 'ii°65', bass first."""
    m = _NUMERAL_RE.match(numeral.strip())
    if not m:
        raise StudioError(f"cannot read chord numeral {numeral!r}")
    fig = m.group("fig") or ""
    seventh = fig in ("7", "65", "43", "42")
    home = key
    if m.group("target"):  # applied chord: build it in the key of its target
        target_root = realise(key, m.group("target"), octave)
        home = Key(min(target_root) % 12, "major")
    base = m.group("base")
    name = base if base.endswith("ø") else base + ("7" if seventh else "")  # ø already means a seventh
    tones = sorted(roman_chord(home, name, octave))
    inv = _INVERSION[fig]
    return tones[inv:] + [p + 12 for p in tones[:inv]]


def to_mode(numeral: str, minor: bool) -> str:
    """Major-key numeral -> the same function in minor ('ii6' -> 'ii°6', 'vi' -> 'VI'; V stays major)."""
    return _TO_MINOR.get(numeral, numeral) if minor else numeral


def _pick(options: dict[str, float], rng: np.random.Generator) -> str:
    names = list(options)
    return choose(rng, names, [options[n] for n in names])


def _walk(start: str, count: int, rng: np.random.Generator, end_in_tonic: bool) -> list[str]:
    out = [start]
    while len(out) < count:
        options = dict(_NEXT.get(out[-1], _NEXT["I"]))
        options.pop(out[-1], None)
        if end_in_tonic and len(out) == count - 1:  # lead into the cadence's predominant from tonic
            options = {k: v for k, v in options.items() if k in _TONIC_GROUP} or {"vi": 1.0}
        out.append(_pick(options, rng))
    return out


def _applied(chain: list[str], rng: np.random.Generator, chance: float) -> list[str]:
    """Turn some chords into secondary dominants of the chord they precede (a fifth above it)."""
    out = list(chain)
    for i in range(1, len(out) - 1):
        nxt = out[i + 1].rstrip("6")
        if nxt in ("ii", "iii", "IV", "V", "vi") and out[i] not in ("I", "V", "V7") and rng.random() < chance:
            out[i] = f"V7/{nxt}"
    return out


def _cadence_bars(cadence: str, rng: np.random.Generator, chromatic: float) -> list[list[str]]:
    if cadence == "PAC":
        pre = _pick({"ii6": 3, "IV": 2, "I64": 2, "ii": 1, "V7/V": 2 * chromatic}, rng)
        return [[pre, "V7"] if pre != "I64" else ["I64", "V7"], ["I"]]
    approach = [["IV"], ["ii6"], ["vi", "ii6"], ["I", "IV"]] + ([["IV", "V7/V"], ["V7/V"]] if chromatic > 0.1 else [])
    return [approach[int(rng.integers(len(approach)))], ["V"]]


def phrase_progression(phrase: Phrase, role: str, slots: int, rng: np.random.Generator,
                       chromatic: float) -> list[list[str]]:
    """Major-key numerals bar by bar for one phrase; role is open, contrast, sequence or pedal."""
    n = phrase.bars
    if n == 1:
        return [["I", "V7", "I"] if phrase.cadence == "PAC" else ["I", "V"]]
    cadence = _cadence_bars(phrase.cadence, rng, chromatic)
    body_bars = n - 2
    if body_bars == 0:
        first = cadence[0]
        if role == "open" and first[0] != "I":
            cadence[0] = ["I", first[-1] if phrase.cadence == "PAC" else "IV"]
        return cadence
    count = body_bars * slots
    if role == "pedal":
        body = ["I64" if i % 2 == 0 else "V7" for i in range(count)]
    elif role == "sequence":
        chain = [_FIFTHS_CYCLE[(4 - (count - 1 - j)) % 7] for j in range(count)]  # ends on vi
        body = _applied(chain + [cadence[0][0]], rng, min(0.9, chromatic * 1.8))[:-1]
    else:
        start = "I" if role == "open" else _pick({"vi": 3, "IV": 2, "ii": 1, "V": 1}, rng)
        end_tonic = cadence[0][0] not in ("I", "vi")
        body = _applied(_walk(start, count, rng, end_tonic) + [cadence[0][0]], rng, chromatic)[:-1]
    bars = [body[i * slots:(i + 1) * slots] for i in range(body_bars)]
    return bars + cadence


def _role(section: str, index: int, rng: np.random.Generator) -> str:
    if section in ("development", "sequence") or (section == "B" and index == 0 and rng.random() < 0.5):
        return "sequence"
    if section == "pedal point":
        return "pedal" if index == 0 else "open"
    if section in ("B", "episode") or (section.startswith("verse") and index % 2 == 1):
        return "contrast"
    return "open"


def _onsets(pulse: Pulse, bar: int, k: int) -> list[int]:
    """Where k chords start inside a bar: metrically strongest active beats first."""
    order = [b for b in _ORDER.get(pulse.beats_per_bar, tuple(range(pulse.beats_per_bar)))
             if b in pulse.active_beats(bar)]
    return sorted(order[:k])


def _place(score: Score, pulse: Pulse, bar: int, names: list[str]) -> list[ChordSlot]:
    beats = _onsets(pulse, bar, len(names))
    if len(beats) < len(names):  # fewer active beats than chords: keep the first and the goal chord
        names = [names[0], names[-1]][:len(beats)] if len(beats) > 1 else [names[-1]]
    out = []
    bar_start = bar * score.beats_per_bar
    for i, (b, name) in enumerate(zip(beats, names, strict=True)):
        end = beats[i + 1] if i + 1 < len(beats) else score.beats_per_bar
        out.append(ChordSlot(bar_start + b, float(end - b), name))
    return out


def harmonic_rhythm(score: Score, form: str) -> int:
    """Chords per body bar: chorales move by the beat, slow bars take two chords, fast bars one."""
    pulse = Pulse(score.bpm, score.beats_per_bar)
    if pulse.tier == "fast":
        return 1
    if form == "chorale":
        return score.beats_per_bar if score.bpm < 100 else 2
    if form == "canon":
        return 2
    return 2 if pulse.tier == "slow" and score.beats_per_bar == 4 else 1


def _canon_bars(n_bars: int, rng: np.random.Generator, chromatic: float) -> list[list[str]]:
    ground = _GROUNDS[int(rng.integers(len(_GROUNDS)))]
    if n_bars <= 2:
        return [["I", "V7"], ["I"]][-n_bars:] if n_bars == 2 else [["I", "V7", "I"]]
    body = [list(ground[i % len(ground)]) for i in range(n_bars - 2)]
    return body + _cadence_bars("PAC", rng, chromatic)


def harmony_agent(score: Score, form: str, rng: np.random.Generator, chromatic: float = 0.25) -> list[ChordSlot]:
    """Write score.chords (bass-first pitches) for every phrase of score.sections; returns the slots."""
    key = parse_key(score.key)
    pulse = Pulse(score.bpm, score.beats_per_bar)
    slots = harmonic_rhythm(score, form)
    bars_numerals: list[list[str]] = []
    if form == "canon":
        n_bars = int(round(score.total_beats / score.beats_per_bar))
        bars_numerals = _canon_bars(n_bars, rng, chromatic)
    else:
        done: dict[str, list[list[str]]] = {}
        per_section: dict[str, list[list[str]]] = {}
        prev: tuple[Phrase, list[list[str]]] | None = None
        for ph in phrases(score):
            sec_bars = per_section.setdefault(ph.section, [])
            source = done.get(material(ph.section))
            offset = len(sec_bars)
            if source is not None and material(ph.section) != ph.section and offset + ph.bars <= len(source):
                prog = [list(b) for b in source[offset:offset + ph.bars]]
            else:
                plain = ph.start_bar == 0 or ph.last_in_piece  # the key is stated without colour first and last
                prog = phrase_progression(ph, _role(ph.section, ph.index, rng), slots, rng,
                                          0.0 if plain else chromatic)
                if prev and prev[0].section == ph.section and prev[0].cadence == "HC" and ph.bars >= 4 \
                        and prev[0].bars >= 4:
                    prog[:2] = [list(b) for b in prev[1][:2]]  # parallel period: the answer starts alike
            if ph.last_in_piece:
                prog[-1] = ["I"]
            sec_bars.extend(prog)
            if material(ph.section) == ph.section:
                done[ph.section] = sec_bars
            bars_numerals.extend(prog)
            prev = (ph, prog)
    out: list[ChordSlot] = []
    for bar, names in enumerate(bars_numerals):
        out.extend(_place(score, pulse, bar, [to_mode(n, key.is_minor) for n in names]))
    score.chords = [(s.start, realise(key, s.numeral)) for s in out]
    return out


def chord_spans(score: Score) -> list[tuple[float, float, list[int]]]:
    """(start, end, bass-first pitches) for every chord; the last lasts to the end of the score."""
    spans = []
    for i, (start, pitches) in enumerate(score.chords):
        end = score.chords[i + 1][0] if i + 1 < len(score.chords) else max(score.total_beats, start + 1)
        spans.append((float(start), float(end), list(pitches)))
    return spans


def chord_at(spans: list[tuple[float, float, list[int]]], beat: float) -> list[int]:
    """The chord sounding at a beat (the first chord before the top, the last after the end)."""
    current = spans[0][2]
    for start, _end, pitches in spans:
        if start > beat + 1e-6:
            break
        current = pitches
    return current
