"""The rhythm guitar agent: plays the riff as two hard-panned, double-tracked distorted guitars.

Power chords are root + fifth + octave, palm-muted chugs are short, quieter single low notes, and
black-metal tremolo chords add the key's diatonic third on top (the colour that tells minor from major).
The two takes share the riff but get independent timing/velocity jitter from the rng, like a real
double-tracked recording.
"""

from __future__ import annotations

import numpy as np

from studios.ironclad.form import Arrangement
from studios.ironclad.riffs import RiffHit
from studios.score import Note, Part, Score
from studios.theory import humanise

DISTORTION, OVERDRIVE = 30, 29  # GM programs (0-based)
PAN = 0.85  # hard-ish left/right: the classic wall of guitars

_VELOCITY = {"chord": (104, 118), "sustain": (110, 112), "mute": (74, 88), "note": (96, 100), "tremolo": (90, 104)}


def diatonic_third(arr: Arrangement, root: int) -> int | None:
    """The scale's third above root (a minor or major third), or None when root is outside the scale."""
    scale = arr.key.scale_pitches(root, root + 5)
    if root not in scale:
        return None
    above = [p for p in scale if p - root in (3, 4)]
    return above[0] if above else None


def voice(arr: Arrangement, hit: RiffHit) -> list[int]:
    """The pitches one guitar plays for a riff hit."""
    r = hit.root
    if hit.kind in ("chord", "sustain"):
        return [r, r + 7, r + 12]
    if hit.kind == "tremolo":
        third = diatonic_third(arr, r)
        return [r, r + 7, third + 12] if third is not None else [r, r + 7, r + 12]
    return [r]  # mute and single-note lick


def riff_notes(arr: Arrangement, hits: list[RiffHit]) -> list[Note]:
    out: list[Note] = []
    for h in hits:
        lo, hi = _VELOCITY[h.kind]
        vel = hi if h.accent else lo
        for p in voice(arr, h):
            out.append(Note(h.start, h.length, p, vel))
    return out


def rhythm_guitar_agent(score: Score, arr: Arrangement, rng: np.random.Generator,
                        program: int = DISTORTION) -> list[Part]:
    """Add 'rhythm_l' and 'rhythm_r' (the same riff, two takes) to the score and return them."""
    if not arr.riff:
        raise ValueError("the arrangement has no riff yet: run the riff writer first")
    base = riff_notes(arr, arr.riff)
    # ~6 ms of player timing spread per take, expressed in beats so it scales with the tempo.
    spread = 0.006 * arr.bpm / 60.0
    parts = []
    for name, pan, prog in (("rhythm_l", -PAN, program), ("rhythm_r", PAN, program)):
        notes = humanise(base, rng, timing=spread, velocity=4)
        part = Part(name, "distortion guitar", sorted(notes, key=lambda n: (n.start, n.pitch)),
                    program=prog, pan=pan, gain=0.8)
        score.parts.append(part)
        parts.append(part)
    arr.choices["guitars"] = (
        f"{arr.style.tuning} tuning, riff home {_name(arr.root_pitch)}, double-tracked L/R "
        f"({'overdrive' if program == OVERDRIVE else 'distortion'})"
    )
    return parts


def _name(pitch: int) -> str:
    names = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
    return f"{names[pitch % 12]}{pitch // 12 - 1}"
