"""Head composer: a two-bar motif (a syncopated swing rhythm and a contour) stated, sequenced over the
changes, varied, and answered by cadences; the last cadence lands on the tonic.

Every 8 bars read A (motif) / A' (the motif re-anchored on the new chord's tones) / B (new rhythm,
mirrored contour) / cadence (a long note on a chord tone, the tonic at the end of the head).
Positions are on the straight 8th grid; the melody agent swings them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from studios.bluenote.chords import ChordSpan, chord_at
from studios.bluenote.lines import Range, land, scale_step, tonic_near
from studios.theory import choose_bag

Cell = list[tuple[int, int]]  # (start slot, length in slots) over two bars of 8ths (16 slots)

MOTIF_CELLS: list[Cell] = [
    [(0, 2), (2, 1), (3, 3), (7, 1), (8, 4)],
    [(1, 1), (2, 1), (3, 1), (4, 2), (7, 5)],
    [(0, 1), (1, 1), (2, 1), (3, 1), (4, 1), (5, 3), (9, 1), (10, 2)],
    [(0, 3), (3, 1), (4, 1), (5, 1), (6, 2), (8, 4)],
    [(2, 1), (3, 2), (6, 1), (7, 3), (11, 1), (12, 2)],
    [(0, 1), (1, 2), (3, 1), (4, 1), (5, 2), (8, 1), (9, 1), (10, 3)],
]
BALLAD_CELLS: list[Cell] = [
    [(0, 3), (3, 1), (4, 4), (8, 6)],
    [(0, 2), (2, 2), (4, 2), (6, 2), (8, 7)],
    [(1, 1), (2, 2), (4, 3), (7, 6)],
]
CADENCE_CELLS: list[Cell] = [
    [(0, 1), (1, 1), (2, 2), (4, 10)],
    [(0, 2), (2, 1), (3, 11)],
    [(1, 1), (2, 1), (3, 1), (4, 10)],
]


@dataclass(frozen=True)
class Motif:
    cell: Cell
    contour: tuple[int, ...]  # scale steps between successive notes
    start_degree: int  # index into the first chord's tones: 0 root, 1 third, 2 fifth, 3 seventh


def make_motif(rng: np.random.Generator, ballad: bool) -> Motif:
    cells = BALLAD_CELLS if ballad else MOTIF_CELLS
    cell = cells[int(rng.integers(len(cells)))]
    # An arch: climb, then fall back, with the odd leap that makes a tune singable.
    n = len(cell) - 1
    peak = int(rng.integers(1, max(2, n)))
    contour = []
    for i in range(n):
        step = choose_bag(rng, (1, 1, 2, 3)) * (1 if i < peak else -1)
        if rng.random() < 0.15:
            step = -step
        contour.append(step)
    return Motif(cell, tuple(contour), int(rng.choice([1, 2, 1, 3])))


def realise(cell: Cell, contour: Sequence[int], start_pitch: int, t0: float, chart: Sequence[ChordSpan],
            rng_: Range, rng: np.random.Generator, target: int | None = None) -> list[tuple[float, float, int]]:
    """Notes (start beat, length beats, pitch) for a cell from t0: strong or long notes land on chord tones,
    pushed notes (off-beat, long) take the chord they anticipate; the last note is forced to target."""
    out = []
    p = start_pitch
    for k, (slot, length) in enumerate(cell):
        t = t0 + slot / 2
        pushed = slot % 2 == 1 and length >= 2
        c = chord_at(chart, t + 0.5 if pushed else t)
        if k > 0:
            p = scale_step(p, contour[(k - 1) % len(contour)], c, rng_)
        if slot % 4 == 0 or length >= 3 or pushed:
            p = land(p, c, rng_, rng, tensions=True)
        if target is not None and k == len(cell) - 1:
            p = target
        out.append((t, length / 2, p))
    return out


def compose_head(chart: Sequence[ChordSpan], start: float, bars: int, tonic_pc: int, rng_: Range,
                 rng: np.random.Generator, ballad: bool = False) -> list[tuple[float, float, int]]:
    """The head melody over bars from start (beats): 2-bar cells A / A' / B / cadence, tonic at the end."""
    motif = make_motif(rng, ballad)
    cells = BALLAD_CELLS if ballad else MOTIF_CELLS
    alt = Motif(cells[int(rng.integers(len(cells)))], tuple(-s for s in motif.contour), motif.start_degree)
    n_cells = max(1, (bars + 1) // 2)
    notes: list[tuple[float, float, int]] = []
    anchor = rng_.mid
    for i in range(n_cells):
        t0 = start + 8 * i
        last = i == n_cells - 1
        role = "cadence" if last or i % 4 == 3 else ("A", "A'", "B")[i % 4]
        c = chord_at(chart, t0)
        tones = sorted({(c.root + c.q.tones[min(motif.start_degree, len(c.q.tones) - 1)]) % 12})
        if role == "cadence":
            cell = CADENCE_CELLS[int(rng.integers(len(CADENCE_CELLS)))]
            if bars % 2 == 1 and last:
                cell = [(s, min(ln, 7 - s)) for s, ln in cell if s < 7] or [(0, 6)]  # one bar left
            land_at = t0 + cell[-1][0] / 2
            goal_chord = chord_at(chart, land_at)
            if last:
                target = tonic_near(tonic_pc, anchor, rng_)
            else:
                target = land(anchor + 2, goal_chord, rng_, rng)
            contour = [int(rng.choice([-1, 1, -2])) for _ in cell]
            start_pitch = land(target + int(rng.choice([2, 4, -3])), c, rng_, rng)
            notes += realise(cell, contour, start_pitch, t0, chart, rng_, rng, target)
        else:
            m = motif if role != "B" else alt
            start_pitch = land(anchor + (2 if role == "A'" else 0), c, rng_, rng) if role != "A" else \
                min((p for p in range(rng_.low, rng_.high + 1) if p % 12 in tones), key=lambda p: abs(p - anchor))
            notes += realise(m.cell, m.contour, start_pitch, t0, chart, rng_, rng)
        anchor = 0.6 * anchor + 0.4 * notes[-1][2] if notes else anchor
    end = start + bars * 4
    return [(t, min(ln, end - t), p) for t, ln, p in notes if t < end - 1e-6]
