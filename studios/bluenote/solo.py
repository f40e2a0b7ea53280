"""Soloist: improvised-sounding chorus lines from chord-scale tones.

Phrases of one to four bars separated by breaths; inside a phrase mostly swing 8ths (quarters mixed in
at fast tempos, triplet turns at slow ones), chord tones on the beats, chromatic approach notes into
each chord change, the odd arpeggio leap and blues-scale lick, and a longer chord tone to end a phrase.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from studios.bluenote.chords import ChordSpan, chord_at, pitches_with
from studios.bluenote.lines import Range, approach, chord_tones, land, nearest, scale_step

Note3 = tuple[float, float, int]  # (start beat on the straight grid, length beats, pitch)


def _is_change(chart: Sequence[ChordSpan], t: float) -> bool:
    c = chord_at(chart, t)
    return abs(c.start - t) < 1e-6


def _phrase(chart: Sequence[ChordSpan], t: float, end: float, p: int, rng_: Range, rng: np.random.Generator,
            bpm: float, blues_pcs: list[int] | None) -> tuple[list[Note3], int]:
    """One phrase from t to end: returns its notes and the last pitch."""
    notes: list[Note3] = []
    direction = 1 if p < rng_.mid else -1
    p_eighth = 0.55 if bpm >= 200 else (0.8 if bpm >= 110 else 0.7)
    p_triplet = 0.0 if bpm >= 130 else 0.12
    use_blues = blues_pcs is not None and rng.random() < 0.35
    while t < end - 1e-6:
        c = chord_at(chart, t)
        on_beat = abs(t - round(t)) < 1e-6
        if on_beat and rng.random() < p_triplet and t + 1 <= end:
            # A triplet turn around a chord tone (slow tempos only: it stays inside the beat).
            tgt = land(p, c, rng_, rng)
            for k, q in enumerate((scale_step(tgt, 1, c, rng_), tgt, scale_step(tgt, -1, c, rng_))):
                notes.append((t + k / 3, 1 / 3, q))
            p, t = notes[-1][2], t + 1
            continue
        step = 0.5 if rng.random() < p_eighth else 1.0
        nxt = t + step
        if p > rng_.high - 3:
            direction = -1
        elif p < rng_.low + 3:
            direction = 1
        elif rng.random() < 0.18:
            direction = -direction
        if nxt < end and _is_change(chart, nxt) and step == 0.5 and not on_beat:
            # The note before a chord change is a chromatic approach into the new chord's tone.
            goal = land(p + 2 * direction, chord_at(chart, nxt), rng_, rng)
            q = approach(goal, rng, from_above=direction < 0)
        elif rng.random() < 0.2:
            tones = [x for x in chord_tones(c, rng_, tensions=True) if 0 < (x - p) * direction <= 7]
            q = tones[0] if direction > 0 and tones else (tones[-1] if tones else scale_step(p, direction, c, rng_))
        elif use_blues and blues_pcs:
            options = [x for x in pitches_with(blues_pcs, rng_.low, rng_.high) if 0 < (x - p) * direction <= 4]
            q = options[0] if direction > 0 and options else (options[-1] if options else p)
        else:
            q = scale_step(p, direction, c, rng_)
            if on_beat and q % 12 not in c.tone_pcs() and rng.random() < 0.6:
                q = nearest(q + direction, chord_tones(c, rng_, tensions=True))  # chord tone on the beat
        q = int(np.clip(q, rng_.low, rng_.high))
        notes.append((t, step, q))
        p, t = q, nxt
    if notes:
        # End the phrase on a chord tone held a little longer.
        t_last, _ln, q = notes[-1]
        q = land(q, chord_at(chart, t_last), rng_, rng)
        notes[-1] = (t_last, max(1.0, end - t_last), q)
    return notes, p


def improvise(chart: Sequence[ChordSpan], start: float, end: float, rng_: Range, rng: np.random.Generator,
              bpm: float, energy: float, blues_pcs: list[int] | None = None,
              first_pitch: int | None = None) -> list[Note3]:
    """A solo chorus from start to end (beats): phrases and breaths, ending on a chord tone."""
    notes: list[Note3] = []
    p = first_pitch if first_pitch is not None else int(rng_.mid)
    t = start + float(rng.choice([0.0, 0.5, 1.0]))
    # Faster tempos: longer phrases in beats (the same length in seconds), fewer breaths.
    lengths = [4.0, 6.0, 8.0] if bpm < 110 else ([6.0, 8.0, 12.0] if bpm < 190 else [8.0, 12.0, 16.0])
    while t < end - 2:
        n = float(rng.choice(lengths)) * (0.8 + 0.4 * energy)
        stop = min(end - 0.5, t + round(n * 2) / 2)
        phrase, p = _phrase(chart, t, stop, p, rng_, rng, bpm, blues_pcs)
        notes += phrase
        rest = float(rng.choice([1.0, 1.5, 2.0, 2.5, 3.0])) * (1.3 - 0.6 * energy)
        t = round((stop + rest) * 2) / 2
    return [(s, min(ln, end - s), q) for s, ln, q in notes if s < end - 1e-6]
