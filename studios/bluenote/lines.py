"""Pitch choices shared by the head composer and the soloist: moving along a chord-scale, landing on
chord tones, and chromatic approach notes. Pure functions over MIDI numbers and ChordSpans.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from studios.bluenote.chords import ChordSpan, pitches_with


@dataclass(frozen=True)
class Range:
    low: int
    high: int

    @property
    def mid(self) -> float:
        return (self.low + self.high) / 2


def chord_tones(c: ChordSpan, rng_: Range, tensions: bool = False) -> list[int]:
    """Chord tones (and the 9th / 13th when tensions) within the range."""
    pcs = c.tone_pcs()
    if tensions:
        pcs += [(c.root + 14) % 12] + ([(c.root + 9) % 12] if c.q.family == "dom" else [])
    return pitches_with(pcs, rng_.low, rng_.high)


def nearest(p: float, options: list[int], rng: np.random.Generator | None = None) -> int:
    """The option nearest p (ties broken by the rng when given, else downward)."""
    jitter = (lambda: rng.random() * 0.1) if rng is not None else (lambda: 0.0)
    return min(options, key=lambda o: abs(o - p) + jitter())


def scale_step(p: int, steps: int, c: ChordSpan, rng_: Range) -> int:
    """Move steps chord-scale degrees from p (p snaps onto the scale first); bounces off the range."""
    scale = pitches_with(c.scale_pcs(), rng_.low - 12, rng_.high + 12)
    i = int(np.argmin([abs(s - p) for s in scale]))
    j = i + steps
    if not 0 <= j < len(scale) or not rng_.low <= scale[j] <= rng_.high:
        j = i - steps  # bounce back into the range rather than clip (keeps the contour alive)
    return scale[max(0, min(j, len(scale) - 1))]


def land(p: float, c: ChordSpan, rng_: Range, rng: np.random.Generator, tensions: bool = False) -> int:
    """The chord tone nearest p: what a strong beat or a long note gets."""
    return nearest(p, chord_tones(c, rng_, tensions), rng)


def approach(target: int, rng: np.random.Generator, from_above: bool | None = None) -> int:
    """A chromatic neighbour of the target (bebop approach note), from above or below."""
    above = bool(rng.random() < 0.4) if from_above is None else from_above
    return target + (1 if above else -1)


def tonic_near(tonic_pc: int, p: float, rng_: Range) -> int:
    return nearest(p, pitches_with([tonic_pc], rng_.low, rng_.high))
