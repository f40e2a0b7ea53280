"""Walking bass agent (GM 32 acoustic bass): quarter-note lines with chord tones on the strong beats and
chromatic / scale / dominant approach notes into the next chord's root.

Also the other bass feels the sub-styles ask for: a two-feel (half notes) for ballad heads, the
root-fifth bossa pattern, and the held tonic of the ending. Every line states the root on each chord
change, which is what anchors both the key and the pulse for the listener (and for the detectors).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from studios.bluenote.chords import ChordSpan, chord_at, pitches_with
from studios.bluenote.feel import section_role, vel
from studios.bluenote.style import Style
from studios.score import Part, Score
from studios.theory import choose

LOW, HIGH, CENTRE = 31, 53, 41  # G1..F3, centred on F2: the upright's singing register


def _root_near(pc: int, previous: int | None) -> int:
    """The pitch of class pc nearest the previous note, pulled back toward the centre of the range."""
    options = pitches_with([pc], LOW, HIGH)
    ref = CENTRE if previous is None else 0.7 * previous + 0.3 * CENTRE
    return min(options, key=lambda p: (abs(p - ref), p))


def _approach(target: int, nxt: ChordSpan, previous: int, rng: np.random.Generator) -> int:
    """The last note before a chord change: a half step below/above, a scale step, or the dominant."""
    kind = choose(rng, ["below", "above", "scale", "fifth"], [0.35, 0.3, 0.2, 0.15])
    if kind == "below":
        cand = [target - 1]
    elif kind == "above":
        cand = [target + 1]
    elif kind == "scale":
        cand = [p for p in pitches_with(nxt.scale_pcs(), target - 3, target + 3) if p != target]
    else:
        cand = [target + 7, target - 5]
    cand = [p for p in cand if LOW <= p <= HIGH] or [target - 1 if target - 1 >= LOW else target + 1]
    return min(cand, key=lambda p: abs(p - previous) + rng.random())


def _fill(start: int, end: int, n: int, span: ChordSpan, rng: np.random.Generator) -> list[int]:
    """n passing notes between start and the approach note end: chord tones first, scale steps between."""
    if n <= 0:
        return []
    scale = pitches_with(span.scale_pcs(), LOW, HIGH)
    tones = set(pitches_with(span.tone_pcs(), LOW, HIGH))
    best, best_cost = [], float("inf")
    first = [p for p in scale if 0 < abs(p - start) <= 7]
    for a in first:
        seconds = [p for p in scale if 0 < abs(p - a) <= 5 and p != start] if n == 2 else [None]
        for b in seconds:
            line = [start, a] + ([b] if b is not None else []) + [end]
            steps = np.diff(line)
            cost = float(np.sum(np.abs(steps))) * 0.4
            cost += 2.0 * float(np.sum(steps == 0))  # no repeated notes
            cost += 1.5 * float(np.sum(np.sign(steps[1:]) != np.sign(steps[:-1])))  # prefer one direction
            cost -= 2.5 * (a in tones)  # chord tone on beat 2 (or 3) outlines the harmony
            if b is not None:
                cost -= 1.5 * (b in tones)
            cost += rng.random() * 3.0
            if cost < best_cost:
                best, best_cost = line[1:-1], cost
    return best or [start] * n


def _targets(chart: Sequence[ChordSpan], first_beat: float, end_beat: float,
             bpb: int) -> list[tuple[float, ChordSpan]]:
    """Landing points: every chord change and every bar line inside a long chord."""
    points: list[tuple[float, ChordSpan]] = []
    for c in chart:
        if c.end <= first_beat or c.start >= end_beat:
            continue
        t = max(c.start, first_beat)
        while t < min(c.end, end_beat) - 1e-6:
            points.append((t, c))
            t = (np.floor(t / bpb + 1e-6) + 1) * bpb
    return points


def walk(chart: Sequence[ChordSpan], start: float, end: float, style: Style, rng: np.random.Generator,
         previous: int | None = None, bpb: int = 4) -> list[tuple[float, float, int, int]]:
    """Quarter-note walking line from start to end beats: (start, length, pitch, velocity) tuples."""
    points = _targets(chart, start, end, bpb)
    # Decide each landing pitch class first, so an approach note always leads to the note played.
    pcs = [c.root if abs(t - c.start) < 1e-6 or rng.random() < 0.55
           else (c.root + c.q.tones[int(rng.choice([1, 2]))]) % 12 for t, c in points]
    out: list[tuple[float, float, int, int]] = []
    prev, planned = previous, None
    for i, (t, c) in enumerate(points):
        t_next = points[i + 1][0] if i + 1 < len(points) else end
        n = int(round(t_next - t))
        here = planned if planned is not None else _root_near(pcs[i], prev)
        line, planned = [here], None
        if n >= 2:
            last = i + 1 >= len(points)
            nxt = chord_at(chart, end) if last else points[i + 1][1]
            goal = _root_near(nxt.root if last else pcs[i + 1], here)
            planned = None if last else goal
            app = _approach(goal, nxt, here, rng)
            line += _fill(here, app, n - 2, c, rng) + [app]
        for k, p in enumerate(line[:n]):
            accent = 0.3 if k == 0 else (0.1 if k == 2 else 0.0)
            out.append((t + k, 0.92, p, vel(0.72, style.energy, accent)))
        prev = line[-1]
    return out


def _two_feel(chart: Sequence[ChordSpan], start: float, end: float, style: Style,
              previous: int | None, bpb: int) -> list[tuple[float, float, int, int]]:
    """Half notes: the root on 1, the fifth (or the root of a chord arriving on 3) on 3."""
    out, prev = [], previous
    t = start
    while t < end - 1e-6:
        c = chord_at(chart, t)
        on_change = abs(t - c.start) < 1e-6
        pc = c.root if on_change or (t % bpb) < 1e-6 else (c.root + 7) % 12
        p = _root_near(pc, prev)
        out.append((t, 1.9, p, vel(0.7, style.energy, 0.2 if t % bpb < 1e-6 else 0.0)))
        prev, t = p, t + 2
    return out


def _bossa(chart: Sequence[ChordSpan], start: float, end: float, style: Style,
           previous: int | None) -> list[tuple[float, float, int, int]]:
    """Bossa bass: root on 1 and 3 (dotted quarter), the fifth below on the 8th before 3 and 1."""
    out, prev = [], previous
    t = start
    while t < end - 1e-6:
        c = chord_at(chart, t)
        root = _root_near(c.root, prev)
        fifth = root - 5 if root - 5 >= LOW else root + 7
        out.append((t, 1.45, root, vel(0.75, style.energy, 0.3)))
        if t + 1.5 < end:
            nxt = chord_at(chart, t + 2)
            pre = _root_near((nxt.root + 7) % 12, root) if nxt is not c else fifth
            out.append((t + 1.5, 0.45, pre, vel(0.6, style.energy)))
        prev, t = root, t + 2
    return out


def walking_bass_agent(score: Score, chart: Sequence[ChordSpan], style: Style,
                       rng: np.random.Generator) -> Part:
    """Write the 'bass' part for every section of the score and return it."""
    part = Part("bass", "acoustic bass", program=32, pan=0.0, gain=1.0)
    bpb = score.beats_per_bar
    prev: int | None = None
    for sec in score.sections:
        a, b = sec.start_bar * bpb, (sec.start_bar + sec.bars) * bpb
        role = section_role(sec.name)
        if role == "ending":
            # Walk the first bar home when there is room, then hold the tonic root to the end.
            notes = walk(chart, a, b - bpb, style, rng, prev, bpb) if sec.bars > 1 else []
            root = _root_near(style.key.tonic, notes[-1][2] if notes else prev)
            notes.append((b - bpb, bpb, root, vel(0.8, style.energy, 0.4)))
        elif style.substyle == "bossa":
            notes = _bossa(chart, a, b, style, prev)
        elif style.substyle == "ballad" and role != "solo":
            notes = _two_feel(chart, a, b, style, prev, bpb)
        else:
            notes = walk(chart, a, b, style, rng, prev, bpb)
        for t, ln, p, v in notes:
            part.add(t, ln, p, v)
        if notes:
            prev = notes[-1][2]
    score.parts.append(part)
    return part
