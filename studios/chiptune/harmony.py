"""Harmony agent: one progression per distinct section (so a returning section brings its chords
back), one chord per bar, turnarounds into the next section and a cadence into the final hit.
"""

from __future__ import annotations

import bisect

import numpy as np

from studios.chiptune.structure import ending_bar, section_profile, theme_of
from studios.score import Score
from studios.theory import Key, parse_key, progression, roman_chord

CHORD_OCTAVE = 3  # root-position triads around C3..B3; voices re-voice them into their own range


def _progression_for(role: str, key: Key, boss: bool, rng: np.random.Generator) -> list[str]:
    mode = "minor" if key.is_minor else "major"
    if role == "intro":
        return [progression("chiptune", mode, rng)[0], "V" if key.is_minor else "IV"]
    if role in ("contrast", "bridge"):
        return progression("chiptune_bridge", mode, rng)
    if role == "climax" or (boss and role == "main"):
        return progression("boss", mode, rng)
    if role == "outro":
        return progression("cadence", mode, rng)
    return progression("chiptune", mode, rng)


def harmony_agent(score: Score, rng: np.random.Generator) -> dict[str, list[str]]:
    """Write score.chords (one root-position triad per bar up to the final hit); return the
    Roman-numeral progression chosen for each section name."""
    key = parse_key(score.key)
    boss = theme_of(score).name == "Boss Battle"
    tonic = "i" if key.is_minor else "I"
    chosen: dict[str, list[str]] = {}
    for sec in score.sections:
        if sec.name not in chosen:
            chosen[sec.name] = _progression_for(section_profile(sec.name).role, key, boss, rng)
    last = ending_bar(score)
    numerals: list[str] = []
    for i, sec in enumerate(score.sections):
        prog = chosen[sec.name]
        role = section_profile(sec.name).role
        for b in range(sec.bars):
            bar = sec.start_bar + b
            if bar > last:
                break
            if role == "outro":
                # Land the cadence so its last chord is the final bar's tonic.
                to_end = last - bar
                n = prog[max(0, len(prog) - 1 - to_end)] if to_end < len(prog) else prog[b % len(prog)]
            else:
                n = prog[b % len(prog)]
                final_bar_of_section = b == sec.bars - 1 and i + 1 < len(score.sections)
                if final_bar_of_section and sec.bars >= 4 and n in (tonic, "VI", "vi") and rng.random() < 0.6:
                    n = "V"  # turnaround: a dominant pulls into the next section
            numerals.append(n)
    if numerals:
        numerals[-1] = tonic  # the final hit is always home
    score.chords = [(float(bar * score.beats_per_bar), roman_chord(key, n, CHORD_OCTAVE))
                    for bar, n in enumerate(numerals)]
    return chosen


def chord_at(score: Score, beat: float) -> list[int]:
    """The chord sounding at a beat (the first chord before the score starts)."""
    if not score.chords:
        k = parse_key(score.key)
        return roman_chord(k, "i" if k.is_minor else "I", CHORD_OCTAVE)
    starts = [c[0] for c in score.chords]
    i = max(0, bisect.bisect_right(starts, beat + 1e-9) - 1)
    return list(score.chords[i][1])
