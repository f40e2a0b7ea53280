"""The lead guitar agent: solos over solo sections and (twin-)harmonised melodies over choruses.

Lines walk the key's scale in the lead register, land on a chord tone of the bar's power chord on
beat 1 and end each section on the tonic. Twin leads add a second voice a diatonic third up
(scale step + 2), the classic Maiden/Priest harmony.
"""

from __future__ import annotations

import numpy as np

from studios.ironclad.form import Arrangement, SectionPlan
from studios.ironclad.riffs import tempo_band
from studios.score import Note, Part, Score
from studios.theory import choose_bag, humanise, nearest_in

LEAD_LOW, LEAD_HIGH = 62, 88
MELODY_LOW, MELODY_HIGH = 59, 79

# One-bar rhythm cells (note lengths in beats, summing to 4), by tempo band and role.
SOLO_CELLS: dict[str, list[list[float]]] = {
    "slow": [[1, 1, 2], [0.5, 0.5, 1, 2], [1, 1, 1, 1], [2, 1, 1]],
    "mid": [[0.25] * 16, [0.5] * 8, [0.25, 0.25, 0.5] * 4 + [], [0.5, 0.5, 0.25, 0.25, 0.25, 0.25, 1, 1]],
    "fast": [[0.5] * 8, [1, 0.5, 0.5, 1, 0.5, 0.5], [0.5, 0.5, 1, 2]],
}
MELODY_CELLS: dict[str, list[list[float]]] = {
    "slow": [[2, 2], [1, 1, 2], [4]],
    "mid": [[1, 1, 2], [1.5, 0.5, 2], [2, 1, 1], [1, 0.5, 0.5, 2]],
    "fast": [[1, 3], [4], [1, 3]],  # above 150 BPM melody notes start on beats 1-2 only
}


def _scale(arr: Arrangement, low: int, high: int) -> list[int]:
    return arr.key.scale_pitches(low, high)


def _chord_tones(arr: Arrangement, bar_offset: int, low: int, high: int) -> list[int]:
    """Pitches in range that belong to the bar's chord (root, diatonic third, fifth)."""
    root_pc = (arr.key.tonic + bar_offset) % 12
    scale_pcs = {p % 12 for p in _scale(arr, 60, 71)}
    thirds = [(root_pc + t) % 12 for t in (3, 4) if (root_pc + t) % 12 in scale_pcs]
    pcs = {root_pc, (root_pc + 7) % 12, *thirds[:1]}
    return [p for p in range(low, high + 1) if p % 12 in pcs]


def _line(arr: Arrangement, sec: SectionPlan, cells: dict[str, list[list[float]]], low: int, high: int,
          rng: np.random.Generator, velocity: int) -> list[Note]:
    band = tempo_band(arr.bpm)
    scale = _scale(arr, low, high)
    tonics = [p for p in scale if p % 12 == arr.key.tonic]
    pos = nearest_in((low + high) / 2, tonics)
    notes: list[Note] = []
    for i in range(sec.bars):
        bar_start = (sec.start_bar + i) * 4.0
        cell = cells[band][int(rng.integers(len(cells[band])))]
        t = bar_start
        for j, length in enumerate(cell):
            if j == 0:
                pos = nearest_in(pos, _chord_tones(arr, sec.roots[i], low, high))  # chord tone on the one
            else:
                idx = scale.index(nearest_in(pos, scale))
                step = choose_bag(rng, (-2, -1, -1, 1, 1, 2, 3))
                idx = int(np.clip(idx + step, 0, len(scale) - 1))
                pos = scale[idx]
            accent = abs(t - round(t)) < 1e-6
            notes.append(Note(t, length * 0.95, int(pos), velocity + (8 if accent else 0)))
            t += length
    if notes:  # resolve home: the section's last note becomes the tonic nearest it
        last = notes[-1]
        notes[-1] = Note(last.start, last.length, nearest_in(last.pitch, tonics), last.velocity)
    return notes


def harmonise(arr: Arrangement, notes: list[Note], steps: int = 2) -> list[Note]:
    """The same line `steps` scale degrees up (2 = a diatonic third)."""
    scale = _scale(arr, 40, 108)
    out = []
    for n in notes:
        idx = scale.index(nearest_in(n.pitch, scale))
        out.append(Note(n.start, n.length, scale[min(idx + steps, len(scale) - 1)], max(1, n.velocity - 8)))
    return out


def lead_agent(score: Score, arr: Arrangement, rng: np.random.Generator, program: int = 30) -> list[Part]:
    """Add 'lead' (and 'lead_harmony' for twin leads) when the form has a solo or the style wants
    chorus melodies; returns the parts it added (none for a rhythm-only arrangement)."""
    lead: list[Note] = []
    melody_sections = [s for s in arr.sections if s.kind == "chorus"] if arr.style.twin_leads else []
    solo_sections = [s for s in arr.sections if s.kind == "solo"]
    if not melody_sections and not solo_sections:
        arr.choices["lead"] = "no lead guitar (rhythm only)"
        return []
    harmony: list[Note] = []
    spread = 0.004 * arr.bpm / 60.0
    for sec in solo_sections:
        lead += _line(arr, sec, SOLO_CELLS, LEAD_LOW, LEAD_HIGH, rng, 96)
    for sec in melody_sections:
        line = _line(arr, sec, MELODY_CELLS, MELODY_LOW, MELODY_HIGH, rng, 100)
        lead += line
        harmony += harmonise(arr, line)
    parts = [Part("lead", "lead guitar", sorted(humanise(lead, rng, timing=spread, velocity=4),
                                                key=lambda n: n.start), program=program, pan=-0.15, gain=0.7)]
    if harmony:
        parts.append(Part("lead_harmony", "lead guitar", sorted(humanise(harmony, rng, timing=spread, velocity=4),
                                                                key=lambda n: n.start),
                          program=program, pan=0.25, gain=0.55))
    score.parts.extend(parts)
    what = []
    if solo_sections:
        what.append(f"solo over {len(solo_sections)} section(s)")
    if melody_sections:
        what.append("twin-harmonised chorus melodies (thirds)")
    arr.choices["lead"] = ", ".join(what)
    return parts
