"""Bass agent: an 808 sub that follows the kick (trap: long tails and glides; boom bap: short and
punchy) or, for lofi, an upright bass on roots and fifths with chromatic approach notes.

The bass plays the chord root under every kick, so the tonic dominates the low end and the key
reads clearly; the last note of the take is a long tonic.
"""

from __future__ import annotations

import numpy as np

from studios.cypher.beats import KickHit
from studios.cypher.form import CypherScore
from studios.cypher.harmony import root_at
from studios.cypher.sub808 import INSTRUMENT as SUB_808
from studios.score import Part

GM_SYNTH_BASS = 38  # what the 808 exports as in MIDI
GM_UPRIGHT = 32


def bass_pitch(pc: int, tonic_pitch: int) -> int:
    """Place a pitch class within a fifth below to a tritone above the tonic, so lines hug the tonic."""
    p = tonic_pitch + ((pc - tonic_pitch) % 12)
    return p - 12 if p - tonic_pitch > 6 else p


def tonic_pitch(tonic_pc: int, low: int, high: int) -> int:
    return next(p for p in range(low, high + 1) if p % 12 == tonic_pc)


def _808_line(score: CypherScore, kicks: list[KickHit], rng: np.random.Generator, part: Part) -> int:
    style = score.style
    assert style is not None
    tp = tonic_pitch(style.key.tonic, 31, 42)  # G1..F#2: deep but still audible with saturation
    trap = style.subgenre == "trap"
    glides = 0
    hits = [k for k in kicks if score.section_at(k.start).name != "intro"]
    for i, k in enumerate(hits):
        nxt = hits[i + 1].start if i + 1 < len(hits) else score.total_beats
        gap = nxt - k.start
        pitch = bass_pitch(root_at(score, k.start), tp)
        if trap:
            length = min(gap, 4.0) - 0.02
            if i + 1 < len(hits) and 0.5 <= gap <= 3.0 and rng.random() < 0.3:
                # glide: hold into the next hit, which then lands an octave up or on the fifth
                length = gap + min(0.5, gap / 2)
                glides += 1
        else:
            length = min(gap, 1.25) * 0.85
        if i == len(hits) - 1:
            length = max(length, min(4.0, score.total_beats - k.start))
        part.add(k.start, length, pitch, min(127, k.velocity + 5))
    if trap:  # retune the notes that a glide lands on (they are the ones overlapped by their predecessor)
        notes = part.notes
        for j in range(1, len(notes)):
            prev, cur = notes[j - 1], notes[j]
            if prev.start + prev.length > cur.start + 1e-6:
                jump = 12 if rng.random() < 0.6 else 7
                target = cur.pitch + jump if cur.pitch + jump <= tp + 14 else cur.pitch - 12 + jump
                notes[j] = type(cur)(cur.start, cur.length, target, cur.velocity)
    return glides


def _upright_line(score: CypherScore, kicks: list[KickHit], rng: np.random.Generator, part: Part) -> None:
    style = score.style
    assert style is not None
    tp = tonic_pitch(style.key.tonic, 36, 47)
    scale = style.key.scale_pitches(tp - 12, tp + 12)
    n_bars = int(score.total_beats // 4)
    for bar in range(n_bars):
        if score.section_at(bar * 4.0).name == "intro":
            continue
        root = bass_pitch(root_at(score, bar * 4.0), tp)
        next_root = bass_pitch(root_at(score, bar * 4.0 + 4.0), tp)
        steps = sorted({round(k.start - bar * 4.0, 3) for k in kicks if bar * 4.0 <= k.start < bar * 4.0 + 4.0}
                       | {0.0, 2.0})
        for j, at in enumerate(steps):
            end = steps[j + 1] if j + 1 < len(steps) else 4.0
            if at == 0.0:
                pitch = root
            elif at >= 3.0 and bar < n_bars - 1:
                # approach the next bar's root from a scale step above or below
                pitch = min(scale, key=lambda p: abs(p - (next_root + (1 if rng.random() < 0.5 else -1) * 2)))
            else:
                pitch = root + (7 if rng.random() < 0.6 else 12)
                pitch = pitch - 12 if pitch > tp + 12 else pitch
            part.add(bar * 4.0 + at, (end - at) * 0.9, pitch, 92 if at == 0.0 else 80)


def bass_agent(score: CypherScore, kicks: list[KickHit], rng: np.random.Generator) -> Part:
    """Write the "808" (or upright "bass") part following the kicks; returns the part."""
    style = score.style
    assert style is not None
    if style.bass == "808":
        part = Part("808", SUB_808, program=GM_SYNTH_BASS, gain=1.0 if style.subgenre == "trap" else 0.8)
        glides = _808_line(score, kicks, rng, part)
        what = f"808 sub on the kicks{f', {glides} glides' if glides else ', short and punchy'}"
    else:
        part = Part("bass", "upright bass", program=GM_UPRIGHT, gain=1.1)
        _upright_line(score, kicks, rng, part)
        what = "upright bass on roots and fifths with approach notes"
    score.parts.append(part)
    score.choices["bass"] = what
    return part
