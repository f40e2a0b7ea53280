"""Swing feel shared by the agents: where off-beat 8ths fall, and how hard the band plays.

Agents think on a straight 8th grid (x.0 and x.5 beats) and call swing() last, so one ratio
governs the whole band: at 2/3 the off-beat 8th lands on the last triplet of the beat.
"""

from __future__ import annotations

import math

from studios.score import Note, Part, Score


def swing(beat: float, ratio: float) -> float:
    """Move an off-beat 8th (x.5) to x + ratio; on-beat and other positions are left alone."""
    whole = math.floor(beat + 1e-9)
    frac = beat - whole
    if abs(frac - 0.5) < 1e-6:
        return whole + ratio
    return beat


def swing_part(part: Part, ratio: float) -> None:
    """Swing every note of a part in place (lengths that end on an off-beat follow it)."""
    out = []
    for n in part.notes:
        start = swing(n.start, ratio)
        end = swing(n.start + n.length, ratio)
        out.append(Note(start, max(0.05, end - start), n.pitch, n.velocity))
    part.notes = out


def vel(base: float, energy: float, accent: float = 0.0) -> int:
    """A MIDI velocity from a base (0..1 of full), the style's energy and an accent (-1..1)."""
    v = 127 * (base + 0.25 * (energy - 0.5) + 0.15 * accent)
    return int(max(1, min(127, round(v))))


def section_role(name: str) -> str:
    """'intro' | 'head' | 'solo' | 'ending' for a Section name such as 'solo 2' or 'head out'."""
    if name.startswith("solo"):
        return "solo"
    if name.startswith("head"):
        return "head"
    return name


def fold_to_three(score: Score) -> None:
    """Jazz waltz in place: every 4/4 bar loses its fourth beat and the score becomes 3/4.

    The agents' 4/4 grooves already put the ride, walking bass and comping on beats 1-3, so dropping
    beat four leaves the waltz's ride "ding, ding-ga, ding" and a three-note walk per bar; notes that
    crossed beat four are shortened by the beat they lose.
    """
    if score.beats_per_bar != 4:
        return

    def place(t: float) -> float:
        bar, pos = divmod(t, 4.0)
        return bar * 3.0 + min(pos, 3.0)

    for part in score.parts:
        folded = []
        for n in part.notes:
            if n.start % 4.0 >= 3.0 - 1e-6:
                continue
            start, end = place(n.start), place(n.start + n.length)
            folded.append(Note(start, max(0.05, end - start), n.pitch, n.velocity))
        part.notes = folded
    score.chords = [(place(t), p) for t, p in score.chords if t % 4.0 < 3.0 - 1e-6]
    score.beats_per_bar = 3
    score.total_beats = score.total_beats * 0.75
