"""Harmony/keys agent: a 2-4 chord seventh-chord loop, written to score.chords and the "keys" part.

Loops always start on the tonic seventh and the outro holds the tonic, so the key reads clearly;
lofi adds diatonic ninths and a lazy behind-the-beat comp, trap holds dark pads, boom bap sustains
a soft Rhodes/piano bed under the chopped sample.
"""

from __future__ import annotations

import numpy as np

from studios.cypher.beats import fit_beat, tempo_band
from studios.cypher.form import CypherScore
from studios.score import Part
from studios.theory import Key, humanise, roman_chord, voice_lead

# Roman-numeral seventh-chord loops (hip hop loops are short: 2 or 4 chords, one bar each).
PROGRESSIONS: dict[str, dict[str, list[list[str]]]] = {
    "boom bap": {
        "minor": [["i7", "iv7"], ["i7", "VImaj7"], ["i7", "iv7", "VImaj7", "v7"],
                  ["i7", "VImaj7", "iv7", "v7"], ["i7", "i7", "iv7", "VImaj7"]],
        "major": [["Imaj7", "vi7"], ["Imaj7", "IVmaj7"], ["Imaj7", "vi7", "ii7", "V7"],
                  ["Imaj7", "iii7", "IVmaj7", "V7"]],
    },
    "trap": {
        "minor": [["i", "VI"], ["i", "VI", "iv", "V"], ["i", "i", "VI", "V"], ["i", "bII"],
                  ["i7", "VImaj7", "iv7", "V"]],
        "major": [["I", "vi", "IV", "V"], ["Imaj7", "IVmaj7"], ["I", "iii", "vi", "IV"]],
    },
    "lofi": {
        "minor": [["i7", "iv7"], ["i7", "VImaj7", "iim7b5", "V7"], ["i7", "iv7", "v7", "i7"],
                  ["i7", "iv7", "VImaj7", "V7"]],
        "major": [["Imaj7", "vi7", "ii7", "V7"], ["Imaj7", "IVmaj7"], ["Imaj7", "iii7", "IVmaj7", "iv7"],
                  ["Imaj7", "ii7", "iii7", "IVmaj7"]],
    },
}
TONIC = {"minor": "i7", "major": "Imaj7"}
KEYS_RANGE = (53, 76)


def choose_progression(subgenre: str, key: Key, rng: np.random.Generator) -> list[str]:
    options = PROGRESSIONS[subgenre]["minor" if key.is_minor else "major"]
    return list(options[int(rng.integers(len(options)))])


def with_ninth(pitches: list[int], key: Key) -> list[int]:
    """Add the diatonic ninth above the root when it is in the key (lofi colour, never a clash)."""
    ninth = pitches[0] + 14
    return pitches + [ninth] if (ninth - key.tonic) % 12 in key.scale else pitches


def chord_at(score: CypherScore, beat: float) -> list[int]:
    """The chord sounding at a beat (score.chords is sorted by start)."""
    current = score.chords[0][1] if score.chords else []
    for start, pitches in score.chords:
        if start > beat + 1e-6:
            break
        current = pitches
    return current


def root_at(score: CypherScore, beat: float) -> int:
    """Pitch class of the chord root (score.chords holds root-position chords)."""
    pitches = chord_at(score, beat)
    return min(pitches) % 12 if pitches else 0


def _comp_rhythm(subgenre: str, rng: np.random.Generator) -> list[tuple[float, float, int]]:
    """(beat, length, velocity) hits inside one bar."""
    if subgenre == "lofi":
        return [(0.0, 1.45, 62), (1.5, 0.9, 50), (3.0, 0.95, 56)] if rng.random() < 0.6 else \
            [(0.0, 2.4, 62), (2.5, 1.4, 52)]
    if subgenre == "trap":
        return [(0.0, 4.0, 52)]
    return [(0.0, 3.9, 58)]


def keys_agent(score: CypherScore, rng: np.random.Generator) -> Part:
    """Write the chord loop (score.chords) and the keys part; returns the part."""
    style = score.style
    assert style is not None
    key = style.key
    prog = choose_progression(style.subgenre, key, rng)
    tonic = roman_chord(key, TONIC["minor" if key.is_minor else "major"], octave=3)
    part = Part("keys", style.keys.name, program=style.keys.program, pan=-0.15,
                gain=0.8 if style.subgenre == "trap" else 0.9)
    band = tempo_band(score.bpm)
    rhythm = [(fitted, length, vel) for at, length, vel in _comp_rhythm(style.subgenre, rng)
              if (fitted := fit_beat(at, band)) is not None]
    lazy = 0.03 if style.subgenre == "lofi" else 0.0  # lofi keys sit behind the beat
    score.chords = []
    previous: list[int] | None = None
    n_bars = int(score.total_beats // 4)
    for bar in range(n_bars):
        section = score.section_at(bar * 4.0)
        bar_in = bar - section.start_bar
        ending = section.name == "outro" or bar == n_bars - 1  # the take always ends on the tonic
        pitches = tonic if ending else roman_chord(key, prog[bar_in % len(prog)], octave=3)
        if style.subgenre == "lofi":
            pitches = with_ninth(pitches, key)
        voicing = voice_lead(previous, pitches, *KEYS_RANGE)
        previous = voicing
        score.chords.append((bar * 4.0, sorted(pitches)))  # root position: other agents read the root
        hits = [(0.0, 4.0, 60)] if ending else rhythm
        for at, length, vel in hits:
            for i, p in enumerate(voicing):
                strum = 0.012 * i if style.subgenre == "lofi" else 0.0
                part.add(bar * 4.0 + at + lazy + strum, length - strum, p, vel)
    part.notes = humanise(part.notes, rng, timing=0.006, velocity=5)
    score.parts.append(part)
    score.choices["keys"] = f"{style.keys.name} loop {' - '.join(prog)}"
    return part
