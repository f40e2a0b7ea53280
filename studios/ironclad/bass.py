"""The bass agent: locks to the riff an octave below, on the root of every hit.

Following the guitar rhythm note for note is what makes a metal rhythm section sound like one
instrument; tremolo riffs are simplified to 8th notes, and the lowest note stays on a 5-string's B0.
"""

from __future__ import annotations

import numpy as np

from studios.ironclad.form import Arrangement
from studios.ironclad.riffs import strong, tempo_band
from studios.score import Part, Score
from studios.theory import humanise

PICKED_BASS = 34  # GM program (0-based): Electric Bass (pick)
LOWEST = 23  # B0, a five-string bass


def bass_agent(score: Score, arr: Arrangement, rng: np.random.Generator) -> Part:
    if not arr.riff:
        raise ValueError("the arrangement has no riff yet: run the riff writer first")
    part = Part("bass", "picked bass", program=PICKED_BASS, pan=0.0, gain=1.0)
    band = tempo_band(arr.bpm)
    last_eighth = -1.0
    for j, h in enumerate(arr.riff):
        pitch = h.root - 12
        while pitch < LOWEST:
            pitch += 12
        if h.kind == "tremolo":
            eighth = np.floor(h.start * 2) / 2
            if eighth == last_eighth:
                continue  # one bass note per 8th under tremolo picking
            last_eighth = eighth
            # legato 8ths; a tremolo riff's own hits are already choked before strong beats
            part.add(eighth, 0.5 if not strong(eighth + 0.5, band) else h.length, pitch, 100 if h.accent else 88)
            continue
        nxt = arr.riff[j + 1].start if j + 1 < len(arr.riff) else arr.total_beats
        # Legato between chugs (the guitars make the chug), choked like the guitars before strong beats.
        length = h.length if strong(nxt, band) or nxt >= arr.total_beats else nxt - h.start
        part.add(h.start, length, pitch, 110 if h.accent else (84 if h.kind == "mute" else 96))
    part.notes = humanise(part.notes, rng, timing=0.003 * arr.bpm / 60.0, velocity=3)
    score.parts.append(part)
    arr.choices["bass"] = "picked bass doubling the riff an octave down"
    return part
