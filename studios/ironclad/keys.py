"""The keyboard agent: sustained triads under the guitars (strings, choir, organ or pad by sub-genre).

Distorted power chords carry no third, and distortion's 5th harmonic even adds a *major* third over
every root; the pad's real diatonic thirds (the minor third in a minor key) are what let a listener,
and a key finder, hear minor versus major. Chords change once per bar with smooth voice leading and
slow attacks, so the pad adds harmony without adding rhythm.
"""

from __future__ import annotations

import numpy as np

from studios.ironclad.form import Arrangement
from studios.score import Part, Score
from studios.theory import SCALES, voice_lead

# GM programs (0-based) per sub-genre: what that scene actually puts behind its guitars.
PROGRAMS = {"power": (48, "string ensemble"), "black": (52, "choir"), "doom": (19, "church organ"),
            "djent": (89, "warm pad"), "heavy": (16, "drawbar organ"), "thrash": (49, "slow strings")}
WORD_PROGRAMS = (("choir", 52, "choir"), ("organ", 19, "church organ"), ("strings", 48, "string ensemble"),
                 ("orchestral", 48, "string ensemble"), ("symphonic", 48, "string ensemble"),
                 ("synth", 89, "warm pad"), ("pad", 89, "warm pad"), ("piano", 0, "piano"))
LOW, HIGH = 52, 76


def triad(arr: Arrangement, offset: int) -> list[int]:
    """Root, diatonic third and fifth of the chord `offset` semitones above the tonic (pitch classes
    as MIDI notes in octave 4); the third comes from the harmony's own scale (phrygian has the b2)."""
    scale = SCALES["major" if arr.mood == "major" else arr.mood]
    rel = {s % 12 for s in scale}
    third = 3 if (offset + 3) % 12 in rel else 4
    root = 60 + (arr.key.tonic + offset) % 12
    return [root, root + third, root + 7]


def keys_agent(score: Score, arr: Arrangement, rng: np.random.Generator, prompt: str = "") -> Part:
    """Add the 'keys' part: one sustained, voice-led triad per bar, tonic chord at the start and end."""
    text = prompt.lower()
    program, voice_name = PROGRAMS.get(arr.style.subgenre, (48, "string ensemble"))
    for word, prog, name in WORD_PROGRAMS:
        if word in text:
            program, voice_name = prog, name
            break
    part = Part("keys", voice_name, program=program, pan=0.0, gain=0.5)
    bars: list[tuple[float, list[int]]] = []
    prev: list[int] | None = None
    for sec in arr.sections:
        for i, off in enumerate(sec.roots):
            chord = voice_lead(prev, triad(arr, off), LOW, HIGH)
            bars.append(((sec.start_bar + i) * 4.0, chord))
            prev = chord
    # A repeated chord is held, not re-struck: the pad should add harmony, never rhythm.
    j = 0
    while j < len(bars):
        start, chord = bars[j]
        k = j + 1
        while k < len(bars) and bars[k][1] == chord:
            k += 1
        end = bars[k][0] if k < len(bars) else arr.total_beats
        vel = int(70 + rng.integers(0, 8))  # a little swell so repeated takes are not machine-identical
        for p in chord:
            part.add(start, end - start, p, vel)
        j = k
    score.parts.append(part)
    arr.choices["keys"] = f"{voice_name} triads (thirds from the {arr.mood} scale)"
    return part
