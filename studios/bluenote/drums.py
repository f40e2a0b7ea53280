"""Drums agent (GM kit, channel 10): the ride cymbal's spang-a-lang in swing 8ths, the hi-hat pedal on
2 and 4, a feathered bass drum on every beat, snare comping (ghosted off-beat pairs, the odd 'bomb';
up-tempo the snare and kick catch the piano's pushes), triplet fills into each new section, crashes on
the downbeats; a cross-stick bossa groove and a soft ballad groove.

The ride speaks on all four beats (its 'skip' notes are softer and drop out when the tempo is fast),
and the snare's off-beat pairs one beat apart make the quarter note, not the half note, the strongest
periodicity in the kit: fast swing would otherwise read as half time.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from studios.bluenote.feel import section_role, swing, vel
from studios.bluenote.style import Style
from studios.score import Part, Score

KICK, SIDE_STICK, SNARE, PEDAL_HAT, CLOSED_HAT = 35, 37, 38, 44, 42
RIDE, CRASH, LOW_TOM, MID_TOM, HIGH_TOM = 51, 49, 45, 47, 50
CATCH_SNARE, CATCH_KICK = 0.42, 0.45  # velocities (0..1) of the up-tempo catches; 0 leaves the kick out


def _swing_bar(part: Part, t0: float, style: Style, rng: np.random.Generator, role: str, fill: bool,
               catch: Sequence[float] = ()) -> None:
    """One bar of swing time starting at beat t0; catch lists the piano's off-beat pushes in this bar."""
    e = style.energy + (0.1 if role == "solo" else -0.1 if role == "intro" else 0.0)
    r = style.swing_ratio
    skip_p = 0.0 if style.bpm >= 200 else (0.35 if style.fast else 0.95)
    for b in range(4):
        # Spang-a-lang: every beat on the ride, 2 and 4 a touch harder, the skip note after 2 and 4.
        part.add(t0 + b, 0.5, RIDE, vel(0.66, e, 0.25 if b % 2 else 0.1))
        if b % 2 and not (fill and b == 3) and rng.random() < skip_p:
            part.add(t0 + swing(b + 0.5, r), 0.3, RIDE, vel(0.42, e, -0.2))
        if b % 2:
            part.add(t0 + b, 0.3, PEDAL_HAT, vel(0.5, e))
        part.add(t0 + b, 0.4, KICK, vel(0.3, e, -0.2))  # feathered: felt more than heard
    if fill:
        _fill(part, t0, style, rng, e)
        return
    if style.slow:
        # Slow tempos keep the snare ghosts on the beats: there the danger is the triplet grid being
        # heard as the pulse, so off-beat chatter stays out.
        for b in range(4):
            part.add(t0 + b, 0.2, SNARE, vel(0.2, e, 0.1 if b % 2 else 0.0))
    elif style.fast and catch:
        # Up-tempo the drummer catches the piano's pushes with snare and bass drum together.
        for t in catch:
            part.add(t, 0.2, SNARE, vel(CATCH_SNARE, e))
            if CATCH_KICK:
                part.add(t, 0.2, KICK, vel(CATCH_KICK, e))
    else:
        # Snare comping: two ghosted swung 8ths on neighbouring off-beats, a different pair each bar.
        # Off-beat pairs one beat apart tie the pulse to the quarter note rather than the half note.
        k = int(rng.integers(0, 3))
        for b in (k, k + 1):
            part.add(t0 + b + r, 0.2, SNARE, vel(0.36, e, 0.1 * rng.standard_normal()))
    if rng.random() < 0.12 * e and not style.fast:
        part.add(t0 + 3 + r, 0.3, KICK, vel(0.55, e))


def _fill(part: Part, t0: float, style: Style, rng: np.random.Generator, e: float) -> None:
    """A two-beat fill on beats 3-4 leading into the next section: triplets (8ths when fast)."""
    grid = [0.0, 0.5] if style.fast else [0.0, 1.0 / 3.0, 2.0 / 3.0]
    voices = [SNARE, SNARE, HIGH_TOM, MID_TOM, LOW_TOM, LOW_TOM] if rng.random() < 0.5 else [SNARE] * 6
    k = 0
    for b in (2, 3):
        for g in grid:
            pos = b + (style.swing_ratio if g == 0.5 else g)
            accent = 0.15 if g == 0.0 else -0.05
            part.add(t0 + pos, 0.2, voices[min(k, len(voices) - 1)], vel(0.55, e, accent))
            k += 1


def _bossa_bar(part: Part, t0: float, style: Style, bar_index: int, role: str) -> None:
    """Bossa: straight 8th hi-hat (beats accented), cross-stick clave over two bars, surdo-like kick."""
    e = style.energy + (0.05 if role == "solo" else 0.0)
    for k in range(8):
        part.add(t0 + k / 2, 0.25, CLOSED_HAT, vel(0.55 if k % 2 == 0 else 0.36, e))
    for pos in ((0.0, 1.5, 3.0) if bar_index % 2 == 0 else (1.0, 2.5)):
        part.add(t0 + pos, 0.2, SIDE_STICK, vel(0.58, e))
    for pos, v in ((0.0, 0.62), (1.5, 0.4), (2.0, 0.58), (3.5, 0.4)):
        part.add(t0 + pos, 0.4, KICK, vel(v, e))


def _ballad_bar(part: Part, t0: float, style: Style, rng: np.random.Generator, role: str) -> None:
    """Ballad: a soft ride in triplet swing, hat on 2 and 4, a brushed-sounding ghost snare on each beat."""
    e = style.energy + (0.1 if role == "solo" else 0.0)
    for b in range(4):
        part.add(t0 + b, 0.6, RIDE, vel(0.55, e, 0.15 if b % 2 else 0.1))
        if b % 2:
            part.add(t0 + b, 0.3, PEDAL_HAT, vel(0.45, e))
            if rng.random() < 0.7:
                part.add(t0 + b + 2.0 / 3.0, 0.3, RIDE, vel(0.32, e))
        part.add(t0 + b, 0.5, SNARE, vel(0.2, e))
        if b % 2 == 0:
            part.add(t0 + b, 0.5, KICK, vel(0.3, e))


def _pushes(score: Score) -> dict[int, list[float]]:
    """Off-beat comping hits by bar (the drummer listens to the piano when there is one)."""
    out: dict[int, list[float]] = {}
    try:
        comping = score.part("comping")
    except KeyError:
        return out
    for t in sorted({n.start for n in comping.notes}):
        if t - np.floor(t) > 0.2:
            out.setdefault(int(t // score.beats_per_bar), []).append(t)
    return out


def drums_agent(score: Score, style: Style, rng: np.random.Generator) -> Part:
    """Write the 'drums' part over every section of the score and return it."""
    part = Part("drums", "jazz kit", is_drum=True, program=0, pan=0.1, gain=0.9)
    bpb = score.beats_per_bar
    pushes = _pushes(score)
    total_bars = int(round(score.total_beats / bpb))
    for sec in score.sections:
        role = section_role(sec.name)
        t_sec = sec.start_bar * bpb
        if role != "intro" and sec.start_bar > 0:
            part.add(t_sec, 2.0, CRASH, vel(0.62, style.energy, 0.2))
            part.add(t_sec, 0.5, KICK, vel(0.6, style.energy))
        for i in range(sec.bars):
            bar = sec.start_bar + i
            t0 = bar * bpb
            last_of_section = i == sec.bars - 1 and bar < total_bars - 1
            fill = last_of_section and sec.bars >= 2 and style.substyle != "bossa"
            if style.substyle == "bossa":
                _bossa_bar(part, t0, style, bar, role)
            elif style.substyle == "ballad":
                _ballad_bar(part, t0, style, rng, role)
            else:
                _swing_bar(part, t0, style, rng, role, fill, pushes.get(bar, ()))
    score.parts.append(part)
    return part
