"""Comping agent: piano (GM 0), jazz guitar (GM 26), nylon guitar (GM 24) or organ (GM 16) playing the
harmony agent's voice-led rootless voicings in syncopated jazz rhythms.

Swing/blues/bebop: Charleston (1, and-of-2), its back half (3, and-of-4 anticipating the next chord),
Red Garland pushes (and-of-2, and-of-4), stabs on 2 and 4, sustained whole notes; guitar adds Freddie
Green four-to-the-bar. Ballad: rolled sustained chords. Bossa: the syncopated two-bar guitar pattern.
Modal: quartal 'So What' voicings (three fourths and a major third) from the chord-scale.
An off-beat hit just before a chord change plays the NEW chord: that anticipation is the jazz push.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from studios.bluenote.chords import ChordSpan, chord_at
from studios.bluenote.feel import section_role, swing, vel
from studios.bluenote.style import COMPERS, Style
from studios.score import Part, Score
from studios.theory import choose

Hit = tuple[float, float, float]  # (position on the straight grid within the bar, length, accent)

SWING_PATTERNS: dict[str, list[Hit]] = {
    "charleston": [(0.0, 1.2, 0.2), (1.5, 0.6, 0.0)],
    "back charleston": [(2.0, 1.2, 0.15), (3.5, 0.6, 0.05)],
    "red garland": [(1.5, 0.6, 0.1), (3.5, 0.6, 0.1)],
    "two and four": [(1.0, 0.7, 0.1), (3.0, 0.7, 0.1)],
    "downbeat": [(0.0, 1.6, 0.1), (2.0, 1.6, 0.0)],
    "long": [(0.0, 3.6, 0.05)],
    "push three": [(0.0, 0.8, 0.15), (2.5, 1.2, 0.05)],
    "pushes 1-2": [(0.5, 0.5, 0.1), (1.5, 0.9, 0.05)],
    "pushes 2-3": [(1.5, 0.5, 0.1), (2.5, 0.9, 0.05)],
    "pushes 3-4": [(2.5, 0.5, 0.05), (3.5, 0.9, 0.1)],
    "last push": [(3.5, 0.9, 0.1)],
}
FOUR_TO_THE_BAR: list[Hit] = [(0.0, 0.6, 0.05), (1.0, 0.5, 0.15), (2.0, 0.6, 0.05), (3.0, 0.5, 0.15)]
BOSSA_BARS: tuple[list[Hit], list[Hit]] = ([(0.0, 1.3, 0.15), (1.5, 1.3, 0.0), (3.0, 0.9, 0.05)],
                                           [(1.0, 1.3, 0.05), (2.5, 1.3, 0.0)])
MODAL_PATTERNS: list[list[Hit]] = [[(0.0, 1.4, 0.15), (1.5, 2.3, 0.0)], [(0.0, 3.6, 0.1)],
                                   [(2.5, 1.4, 0.05), (3.5, 0.5, 0.1)]]
# Pattern weights by section role: busier behind the head, sparser behind a soloist. Neighbouring
# off-beat pushes (and-of-1 / and-of-2 ...) get more weight as the tempo rises: pairs one beat apart
# keep the quarter note the strongest pulse where two-beat figures would suggest half time.
WEIGHTS: dict[str, dict[str, float]] = {
    "intro": {"charleston": 3, "back charleston": 2, "red garland": 1, "two and four": 2, "downbeat": 1,
              "long": 0.5, "push three": 1},
    "head": {"charleston": 3, "back charleston": 2, "red garland": 2, "two and four": 2, "downbeat": 1,
             "long": 1, "push three": 1},
    "solo": {"charleston": 2, "back charleston": 2, "red garland": 2, "two and four": 1, "downbeat": 0.5,
             "long": 1, "push three": 1.5},
}
FAST_WEIGHTS: dict[str, float] = {"pushes 1-2": 1, "pushes 2-3": 1, "pushes 3-4": 1}
PUSH_WEIGHT = 1.5  # each pushes pattern at medium tempos


def quartal(span: ChordSpan, near: Sequence[int] | None, low: int = 50, high: int = 76) -> list[int]:
    """'So What' voicing: three stacked fourths and a major third, all inside the chord-scale."""
    scale = set(span.scale_pcs())
    shape = (0, 5, 10, 15, 19)
    options = [[b + s for s in shape] for b in range(low, high - 18)
               if all((b + s) % 12 in scale for s in shape)]
    if not options:
        return list(span.voicing)
    ref = float(np.mean(near)) if near else (low + high) / 2
    return min(options, key=lambda v: abs(float(np.mean(v)) - ref))


def _voicing(span: ChordSpan, style: Style, prev: Sequence[int] | None, tonic_root: bool) -> list[int]:
    v = quartal(span, prev) if style.substyle == "modal" else list(span.voicing)
    if tonic_root and span.root == style.key.tonic:
        # On the tonic the left hand adds the root under the voicing: it states the key.
        root = 48 + span.root if 48 + span.root < min(v) else 36 + span.root
        v = [root, *v]
    return v


def _bar_hits(style: Style, role: str, bar: int, rng: np.random.Generator) -> list[Hit]:
    if style.substyle == "bossa":
        return BOSSA_BARS[bar % 2]
    if style.substyle == "modal":
        return MODAL_PATTERNS[int(rng.integers(len(MODAL_PATTERNS)))]
    if style.comper == "guitar" and rng.random() < 0.6:
        return FOUR_TO_THE_BAR
    if style.fast:
        w = FAST_WEIGHTS
    else:
        w = dict(WEIGHTS.get(role, WEIGHTS["head"]))
        w.update({n: PUSH_WEIGHT for n in ("pushes 1-2", "pushes 2-3", "pushes 3-4")})
    names = list(w)
    p = np.array([w[n] for n in names], float)
    if style.energy < 0.35:  # soft takes lean on sustained chords
        p[names.index("long")] += 2
    return SWING_PATTERNS[choose(rng, names, p)]


def _ballad_chords(part: Part, chart: Sequence[ChordSpan], a: float, b: float, style: Style,
                   rng: np.random.Generator) -> None:
    """Rolled, sustained voicings, one per chord, with a soft re-attack on beat 3 of long chords."""
    prev: list[int] | None = None
    for c in chart:
        if c.end <= a or c.start >= b:
            continue
        v = _voicing(c, style, prev, tonic_root=True)
        for t in np.arange(max(c.start, a), min(c.end, b) - 1e-6, 2.0 if c.beats > 2 else c.beats):
            roll = 0.035 if rng.random() < 0.7 else 0.0
            for k, p in enumerate(v):
                part.add(float(t) + k * roll, min(c.end, b) - float(t) - k * roll - 0.05, p,
                         vel(0.45, style.energy, 0.1 if t == c.start else -0.15))
        prev = v


def comping_agent(score: Score, chart: Sequence[ChordSpan], style: Style, rng: np.random.Generator) -> Part:
    """Write the 'comping' part over every section of the score and return it."""
    program, name = COMPERS[style.comper]
    part = Part("comping", name, program=program, pan=-0.3, gain=0.8 if style.comper == "piano" else 0.7)
    bpb = score.beats_per_bar
    r = style.swing_ratio
    prev: list[int] | None = None
    for sec in score.sections:
        role = section_role(sec.name)
        a, b = sec.start_bar * bpb, (sec.start_bar + sec.bars) * bpb
        if role == "ending":
            # The band's last chord: hit on the downbeat of the final bar and let it ring.
            c = chord_at(chart, b - bpb)
            for p in _voicing(c, style, prev, tonic_root=True):
                part.add(b - bpb, bpb, p, vel(0.6, style.energy, 0.2))
            if sec.bars > 1:
                for t, ln, acc in SWING_PATTERNS["charleston"]:
                    for p in _voicing(chord_at(chart, a + t), style, prev, tonic_root=True):
                        part.add(swing(a + t, r), ln, p, vel(0.55, style.energy, acc))
            continue
        if style.substyle == "ballad":
            _ballad_chords(part, chart, a, b, style, rng)
            continue
        for bar in range(sec.start_bar, sec.start_bar + sec.bars):
            t0 = bar * bpb
            hits = _bar_hits(style, role, bar, rng)
            if bar == sec.start_bar and role in ("head", "intro") and hits[0][0] != 0.0:
                hits = [(0.0, 1.0, 0.2), *hits]  # state the section's first chord on its downbeat
            for pos, ln, acc in hits:
                when = t0 + pos
                # An off-beat hit right before a chord change plays the new chord (anticipation).
                c = chord_at(chart, when + 0.5 if pos % 1 else when)
                v = _voicing(c, style, prev, tonic_root=(c.start == when and when == a))
                start = swing(when, r) if not style.straight else when
                for p in v:
                    part.add(start, ln, p, vel(0.52, style.energy, acc))
                prev = v
    score.parts.append(part)
    return part
