"""Bass and drum agents: the triangle channel's driving bass and the noise channel's kit.

The drums put a hit on every beat (kick 1 & 3, snare 2 & 4, hats on the 8ths) so the tempo is
never ambiguous, accent the downbeat, and fill into each new section. Fast bars (front_loaded) leave
beat 3 empty; slow bars (slow_pulse) move the 8th off-beats to the 16th before each beat.
"""

from __future__ import annotations

import numpy as np

from studios.chiptune.harmony import chord_at
from studios.chiptune.structure import ending_bar, front_loaded, section_profile, slow_pulse
from studios.chiptune.synth import instrument
from studios.score import Note, Part, Score

KICK, SOFT_KICK, SNARE, SNARE_HI, HAT, OPEN_HAT, CRASH = 36, 35, 38, 40, 42, 46, 49
TOMS = (50, 47, 45)  # high, mid, low
BASS_LOW = 36  # C2: the bass root sits in C2..B2

# Bass figures over one bar: (beat offset, length in beats, interval above the root). No half-note
# figures: onsets on 1 and 3 only would make the bar's pulse read at half tempo.
BASS_FIGURES: dict[str, list[tuple[float, float, int]]] = {
    "whole": [(0, 3.9, 0)],
    "quarters": [(0, 0.9, 0), (1, 0.9, 0), (2, 0.9, 7), (3, 0.9, 12)],
    "pulse8": [(i * 0.5, 0.42, 0) for i in range(8)],
    "octave8": [(i * 0.5, 0.42, 12 * (i % 2)) for i in range(8)],
    "root5th8": [(i * 0.5, 0.42, (0, 7, 12, 7)[i % 4]) for i in range(8)],
    "gallop": [(b + o, ln, iv) for b in range(4) for o, ln, iv in ((0, 0.45, 0), (0.5, 0.2, 0), (0.75, 0.2, 12))],
    # Front-loaded figures (fast tempos): every onset in beats 1-2, then the note rings.
    "drive12": [(0, 0.42, 0), (0.5, 0.42, 0), (1, 0.42, 12), (1.5, 2.4, 0)],
    "stab12": [(0, 0.9, 0), (1, 2.9, 12)],
    "pump": [(i * 0.5, 0.42, iv) for i, iv in enumerate((0, 0, 12, 0, 7, 7, 12, 7))],
}
_ROLE_BASS = {
    "intro": ("quarters", "pulse8"), "main": ("octave8", "root5th8", "pump"),
    "contrast": ("root5th8", "octave8"), "bridge": ("whole", "quarters"),
    "climax": ("gallop", "octave8"), "outro": ("quarters", "octave8"),
}

_SLOW_BASS = ("quarters",)  # slow tempos: no 8th-note figures (see slow_pulse)


def _bass_root(chord: list[int]) -> int:
    """Chord root placed in G#1..G2, low enough to leave the octave jump room under the arps."""
    root = chord[0] % 12
    return BASS_LOW + root if root <= 7 else BASS_LOW + root - 12


def bass_agent(score: Score, rng: np.random.Generator, name: str = "bass") -> Part:
    """Compose the triangle bass: root-based figures with octave jumps and approach notes."""
    bpb = score.beats_per_bar
    end_bar = ending_bar(score)
    figures: dict[str, str] = {}
    notes: list[Note] = []
    front, slow = front_loaded(score.bpm), slow_pulse(score.bpm)
    for sec in score.sections:
        role = section_profile(sec.name).role
        if sec.name not in figures:
            options = ["drive12", "stab12"] if front else list(_SLOW_BASS if slow else _ROLE_BASS[role])
            figures[sec.name] = options[int(rng.integers(len(options)))]
        for bar in range(sec.start_bar, min(sec.start_bar + sec.bars, end_bar)):
            start = float(bar * bpb)
            root = _bass_root(chord_at(score, start))
            fig = BASS_FIGURES[figures[sec.name]]
            next_root = _bass_root(chord_at(score, start + bpb))
            for off, ln, iv in fig:
                notes.append(Note(start + off, ln, root + iv, 100))
            # Walk into a new chord: replace the last 8th with a step toward the next root.
            if next_root != root and fig[-1][0] >= bpb - 0.5 and rng.random() < 0.5:
                last = notes.pop()
                approach = next_root + (-2 if next_root > root else 2)
                notes.append(Note(last.start, last.length, approach, 100))
    final_root = _bass_root(chord_at(score, end_bar * bpb))
    notes.append(Note(float(end_bar * bpb), max(0.25, min(score.total_beats - end_bar * bpb, 3.0)), final_root, 110))
    part = Part(name, instrument("triangle"), notes, program=38, pan=0.0, gain=0.42)
    score.parts.append(part)
    return part


def _groove(energy: float, rng: np.random.Generator, front: bool = False,
            slow: bool = False) -> list[tuple[float, int, int]]:
    """One bar of (beat, key, velocity). Every beat is hit; accents favour the downbeat. Front-loaded
    bars keep kick and snare on 1-2 and ride the hats only over them; slow bars put the hat's off-beat
    on the 16th before each beat (see slow_pulse)."""
    hits = [(0.0, KICK, 127), (1.0, SNARE, 118), (2.0, KICK, 122), (3.0, SNARE, 118)]
    if front:
        # Beat 3 stays empty and beat 4 answers with a narrow-band tom, so nothing two beats after the
        # bright kick + snare on 1-2 repeats them: the pulse is heard at the written tempo, not half.
        hits[2:] = [(3.0, TOMS[1], 88)]
    if energy >= 0.85:
        hits.append((1.75 if slow else 0.75 if rng.random() < 0.5 else 1.5, KICK, 96))
    if slow:
        return hits + [(b + o, HAT, 90 if o == 0 else 60) for b in range(4) for o in (0.0, 0.75)]
    step = 0.25 if energy >= 0.9 and not front else 0.5
    t = 0.0
    while t < (2 if front else 4) - 1e-9:
        on_beat = abs(t - round(t)) < 1e-9
        hits.append((t, HAT, 90 if on_beat else (78 if t % 0.5 == 0 else 64)))
        t += step
    if 0.5 <= energy < 0.9 and not front and rng.random() < 0.5:
        hits = [h for h in hits if not (h[0] == 3.5 and h[1] == HAT)] + [(3.5, OPEN_HAT, 84)]
    return hits


def _fill(beats: float, rng: np.random.Generator) -> list[tuple[float, int, int]]:
    """A fill over the bar's last `beats` beats: snare roll or tom run, still hitting each beat."""
    start = 4.0 - beats
    n = int(beats * 4)
    if rng.random() < 0.5:
        return [(start + i / 4, SNARE if i % 4 == 0 else SNARE_HI, 96 + min(30, 3 * i)) for i in range(n)]
    return [(start + i / 4, SNARE if i % 4 == 0 else TOMS[min(2, i * 3 // n)], 118 if i % 4 == 0 else 104)
            for i in range(n)]


def drums_agent(score: Score, rng: np.random.Generator, name: str = "drums") -> Part:
    """Compose the noise-channel kit: steady groove per section, crash on section starts, fills at
    section ends, a kick + crash final hit."""
    bpb = score.beats_per_bar
    end_bar = ending_bar(score)
    notes: list[Note] = []
    grooves: dict[str, list[tuple[float, int, int]]] = {}
    for i, sec in enumerate(score.sections):
        energy = section_profile(sec.name).energy
        if sec.name not in grooves:
            grooves[sec.name] = _groove(energy, rng, front_loaded(score.bpm), slow_pulse(score.bpm))
        for bar in range(sec.start_bar, min(sec.start_bar + sec.bars, end_bar)):
            hits = list(grooves[sec.name])
            if bar == sec.start_bar and i > 0:
                hits.append((0.0, CRASH, 110))
            last_of_section = bar == sec.start_bar + sec.bars - 1 or bar == end_bar - 1
            if last_of_section and sec.bars >= 2:
                beats = 2.0 if sec.bars >= 8 and energy >= 0.6 else 1.0
                hits = [h for h in hits if h[0] < 4.0 - beats] + _fill(beats, rng)
            for t, k, v in hits:
                notes.append(Note(bar * bpb + t, 0.25, k, v))
    t0 = float(end_bar * bpb)
    notes += [Note(t0, 1.0, KICK, 127), Note(t0, 2.0, CRASH, 120)]
    part = Part(name, instrument("noise"), notes, is_drum=True, program=0, pan=0.0, gain=0.5)
    score.parts.append(part)
    return part
