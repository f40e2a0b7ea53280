"""Melody agent: the lead voice (tenor/alto sax GM 66/65, trumpet 56, muted trumpet 59, vibes 11,
flute, clarinet, trombone, or the piano's right hand in a trio) plays the head, improvises the solo
choruses, plays the head out note for note, and ends on a held tonic.

It lays out the intro (the rhythm section sets the groove), swings the off-beat 8ths to the style's
ratio and sits a hair behind the beat, as horn players do.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from studios.bluenote.chords import ChordSpan
from studios.bluenote.feel import section_role, swing, vel
from studios.bluenote.head import compose_head
from studios.bluenote.lines import Range, tonic_near
from studios.bluenote.solo import Note3, improvise
from studios.bluenote.style import LEADS, Style
from studios.score import Note, Part, Score
from studios.theory import humanise

BLUES_SCALE = (0, 3, 5, 6, 7, 10)
LAY_BACK = 0.015  # beats behind the rhythm section


def _articulate(notes: Sequence[Note3], style: Style, rng: np.random.Generator) -> list[Note]:
    """Swing, legato lengths (to the next note) and jazz accents (off-beats and peaks a bit louder)."""
    ordered = sorted(notes)
    out: list[Note] = []
    r = style.swing_ratio
    for i, (t, ln, p) in enumerate(ordered):
        start = swing(t, r)
        end = swing(t + ln, r)
        if i + 1 < len(ordered):
            end = min(end, swing(ordered[i + 1][0], r))
        off_beat = abs(t - np.floor(t) - 0.5) < 1e-6
        peak = 0 < i < len(ordered) - 1 and p > ordered[i - 1][2] and p > ordered[i + 1][2]
        accent = 0.12 * off_beat + 0.1 * peak + 0.05 * (ln >= 1.0) - 0.08 * (not off_beat and ln <= 0.5)
        out.append(Note(start + LAY_BACK, max(0.08, (end - start) * 0.96), int(p),
                        vel(0.74, style.energy, accent)))
    return humanise(out, rng, timing=0.008, velocity=5)


def _ending(start: float, bars: int, chart: Sequence[ChordSpan], style: Style, rng_: Range, last: int | None,
            rng: np.random.Generator) -> list[Note3]:
    """A short tag into the last bar, then the tonic held to the end."""
    end = start + 4 * bars
    ref = last if last is not None else rng_.mid
    tonic = tonic_near(style.key.tonic, ref, rng_)
    notes: list[Note3] = []
    if bars > 1:
        notes = improvise(chart, start, end - 4.5, rng_, rng, style.bpm, style.energy, first_pitch=int(ref))
    notes.append((end - 4, 4.0, tonic))
    return notes


def melody_agent(score: Score, chart: Sequence[ChordSpan], style: Style, rng: np.random.Generator) -> Part:
    """Write the 'lead' part over every section of the score and return it."""
    program, low, high, name = LEADS[style.lead]
    rng_ = Range(low, high)
    part = Part("lead", name, program=program, pan=0.25, gain=0.95 if style.lead != "piano" else 0.85)
    bpb = score.beats_per_bar
    blues = [(style.key.tonic + i) % 12 for i in BLUES_SCALE] if style.substyle == "blues" else None
    head: list[Note3] | None = None
    head_start = 0.0
    notes: list[Note3] = []
    for sec in score.sections:
        role = section_role(sec.name)
        a = sec.start_bar * bpb
        last = notes[-1][2] if notes else None
        if role == "intro":
            continue
        if role == "head":
            if head is None:
                head_start = a
                head = compose_head(chart, a, sec.bars, style.key.tonic, rng_, rng,
                                    ballad=style.substyle == "ballad")
                notes += head
            else:
                shift = a - head_start
                notes += [(t + shift, ln, p) for t, ln, p in head if t - head_start < sec.bars * bpb - 1e-6]
        elif role == "solo":
            notes += improvise(chart, a, a + sec.bars * bpb, rng_, rng, style.bpm, style.energy, blues,
                               first_pitch=last)
        else:
            notes += _ending(a, sec.bars, chart, style, rng_, last, rng)
    part.notes = _articulate(notes, style, rng)
    score.parts.append(part)
    return part


def lead_pitches(part: Part) -> list[int]:
    """Pitches of the lead in time order (handy for tests and the describe line)."""
    return [n.pitch for n in sorted(part.notes, key=lambda n: n.start)]



