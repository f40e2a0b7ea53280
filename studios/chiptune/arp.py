"""Arpeggio agent: the second pulse channel plays the chords the way the 2A03 had to, one note at a
time. Voicings are voice-led from bar to bar; the figure (broken 8ths, rolling 16ths, off-beat
"pah"s, held tones) follows the section's energy.
"""

from __future__ import annotations

import numpy as np

from studios.chiptune.harmony import chord_at
from studios.chiptune.structure import ending_bar, front_loaded, section_profile, slow_pulse
from studios.chiptune.synth import instrument
from studios.score import Note, Part, Score
from studios.theory import voice_lead

ARP_LOW, ARP_HIGH = 55, 76  # G3..E5: under the lead, over the bass

# Figures: (step in beats, voicing indices cycled; 3 means the bottom note an octave up).
FIGURES: dict[str, tuple[float, tuple[int, ...]]] = {
    "broken8": (0.5, (0, 1, 2, 1)),
    "roll16": (0.25, (0, 1, 2, 3)),
    "updown16": (0.25, (0, 1, 2, 1)),
    "alberti16": (0.25, (0, 2, 1, 2)),
    "offbeat": (0.5, (-1, 2, -1, 1)),  # -1: rest on the beat, chord tone on the "and"
    "quarters": (1.0, (2, 1, 0, 1)),
    "held": (4.0, (2,)),  # whole notes; never halves, which would pull the pulse to half tempo
}
# Front-loaded figures for fast tempos: (beat offset, length, voicing index) over one bar.
FRONT_FIGURES: dict[str, list[tuple[float, float, int]]] = {
    "stab12": [(0.0, 0.45, 0), (0.5, 0.45, 1), (1.0, 0.45, 2), (1.5, 2.4, 3)],
    "roll12": [(i * 0.25, 0.22, (0, 1, 2, 3)[i % 4]) for i in range(7)] + [(1.75, 2.15, 3)],
    "hits12": [(0.0, 0.9, 2), (1.0, 2.9, 3)],
}
_ROLE_FIGURES = {
    "intro": ("broken8", "quarters"), "main": ("updown16", "alberti16", "broken8"),
    "contrast": ("offbeat", "roll16"), "bridge": ("held", "quarters", "broken8"),
    "climax": ("roll16", "updown16"), "outro": ("broken8",),
}
_SLOW_FIGURES = ("quarters", "held")  # slow tempos: no even 8ths (see slow_pulse)
_ROLE_DUTY = {"intro": 0.5, "main": 0.125, "contrast": 0.25, "bridge": 0.5, "climax": 0.125, "outro": 0.25}


def _figure_notes(figure: str, voicing: list[int], start: float, beats: float, velocity: int) -> list[Note]:
    step, pattern = FIGURES[figure]
    tones = voicing + [voicing[0] + 12]
    notes = []
    t, i = 0.0, 0
    while t < beats - 1e-9:
        idx = pattern[i % len(pattern)]
        if idx >= 0:
            on_beat = abs(t - round(t)) < 1e-9
            ln = min(step, beats - t) * (0.85 if step <= 0.5 else 0.96)
            notes.append(Note(start + t, ln, tones[idx], velocity + (10 if on_beat else 0)))
        t += step
        i += 1
    return notes


def _front_notes(figure: str, voicing: list[int], start: float, beats: float, velocity: int) -> list[Note]:
    tones = voicing + [voicing[0] + 12]
    return [Note(start + off, min(ln, beats - off), tones[idx], velocity + (10 if off in (0.0, 1.0) else 0))
            for off, ln, idx in FRONT_FIGURES[figure] if off < beats]


def arp_agent(score: Score, rng: np.random.Generator, name: str = "arp") -> Part:
    """Compose the chord arpeggios into a new Part (appended to the score) and return it."""
    bpb = score.beats_per_bar
    end_bar = ending_bar(score)
    figures: dict[str, str] = {}
    notes: list[Note] = []
    duties: list[tuple[float, float]] = []
    voicing: list[int] | None = None
    front, slow = front_loaded(score.bpm), slow_pulse(score.bpm)
    for sec in score.sections:
        role = section_profile(sec.name).role
        if sec.name not in figures:
            options = list(FRONT_FIGURES) if front else list(_SLOW_FIGURES) if slow else list(_ROLE_FIGURES[role])
            figures[sec.name] = options[int(rng.integers(len(options)))]
        duty = _ROLE_DUTY[role]
        if not duties or duties[-1][1] != duty:
            duties.append((float(sec.start_bar * bpb), duty))
        vel = int(70 + 25 * section_profile(sec.name).energy)
        for bar in range(sec.start_bar, min(sec.start_bar + sec.bars, end_bar)):
            voicing = voice_lead(voicing, chord_at(score, bar * bpb), ARP_LOW, ARP_HIGH)
            render = _front_notes if front else _figure_notes
            notes += render(figures[sec.name], voicing, float(bar * bpb), float(bpb), vel)
    # Final hit: a quick roll up the tonic chord, then the top note rings.
    final = voice_lead(voicing, chord_at(score, end_bar * bpb), ARP_LOW, ARP_HIGH)
    t0 = float(end_bar * bpb)
    tail = max(0.25, score.total_beats - t0)
    roll = 0.125
    for i, p in enumerate(final):
        last = i == len(final) - 1
        notes.append(Note(t0 + i * roll, (tail - i * roll) if last else roll * 0.9, p, 105))
    part = Part(name, instrument("pulse", "pluck", duties), notes, program=81, pan=0.28, gain=0.2)
    score.parts.append(part)
    return part
