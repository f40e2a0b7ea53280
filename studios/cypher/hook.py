"""Hook agent: the instrumental hook melody (trap bells, boom bap flute, lofi vibes).

A two-bar motif (rhythm from a sub-genre bank, pitches by a small random walk over the key's
pentatonic that lands on chord tones at strong beats) repeats through the hook; every fourth bar
answers it by resolving to the tonic, so phrases close at home.
"""

from __future__ import annotations

import numpy as np

from studios.cypher.beats import fit_beat, tempo_band
from studios.cypher.form import CypherScore
from studios.cypher.harmony import chord_at
from studios.score import Part
from studios.theory import Key, choose_bag, humanise, nearest_in

# Onsets (beats inside one bar); a motif is two of these.
RHYTHMS: dict[str, tuple[tuple[float, ...], ...]] = {
    "trap": ((0, 0.5, 1, 1.5, 2, 2.75, 3.5), (0, 0.75, 1.5, 2, 2.5, 3, 3.5), (0, 0.5, 1.5, 2, 3)),
    "boom bap": ((0, 1.5, 2, 3), (0.5, 1, 2.5, 3), (0, 0.75, 1.5, 3)),
    "lofi": ((0, 1.5, 2.5), (0.5, 1, 1.75, 3), (0, 2, 2.5, 3.5)),
}
RANGES = {"trap": (69, 88), "boom bap": (64, 84), "lofi": (62, 81)}
NOTE_LEN = {"trap": 0.45, "boom bap": 0.9, "lofi": 0.85}


def pentatonic(key: Key, low: int, high: int) -> list[int]:
    steps = (0, 3, 5, 7, 10) if key.is_minor else (0, 2, 4, 7, 9)
    return [p for p in range(low, high + 1) if (p - key.tonic) % 12 in steps]


def fitted_onsets(onsets: tuple[float, ...], band: str) -> list[float]:
    """The rhythm moved onto the steps the tempo band allows (see beats.fit_step), without duplicates."""
    return sorted({f for t in onsets if (f := fit_beat(t, band)) is not None})


def motif(key: Key, sub: str, band: str, rng: np.random.Generator) -> list[tuple[float, int]]:
    """Two bars of (onset beat, scale index) — the index walks the pentatonic in small steps."""
    bank = RHYTHMS[sub]
    bars = [fitted_onsets(bank[int(rng.integers(len(bank)))], band) for _ in range(2)]
    idx = 0
    out: list[tuple[float, int]] = []
    for b, onsets in enumerate(bars):
        for t in onsets:
            out.append((b * 4.0 + t, idx))
            idx = int(np.clip(idx + choose_bag(rng, (-2, -1, -1, 1, 1, 2, 0)), -4, 5))
    return out


def hook_agent(score: CypherScore, rng: np.random.Generator) -> Part:
    """Write the "hook" melody into the hook sections (lofi: every verse too, softer)."""
    style = score.style
    assert style is not None
    sub, key = style.subgenre, style.key
    low, high = RANGES[sub]
    scale = pentatonic(key, low, high)
    home = nearest_in((low + high) / 2, [p for p in scale if p % 12 == key.tonic])
    home_i = scale.index(home)
    part = Part("hook", style.hook.name, program=style.hook.program, pan=0.1, gain=0.8)
    shape = motif(key, sub, tempo_band(score.bpm), rng)
    sections = [s for s in score.sections if s.name.split()[0] == "hook"
                or (sub == "lofi" and s.name.split()[0] == "verse")]
    for sec in sections:
        vel = 88 if sec.name == "hook" else 66
        for bar in range(sec.start_bar, sec.start_bar + sec.bars, 2):
            answer = (bar - sec.start_bar) % 4 == 2 or bar + 2 >= sec.start_bar + sec.bars
            notes = [(bar * 4.0 + t, i) for t, i in shape if bar * 4.0 + t < min(
                score.total_beats, (sec.start_bar + sec.bars) * 4.0)]
            for j, (t, i) in enumerate(notes):
                pitch = scale[int(np.clip(home_i + i, 0, len(scale) - 1))]
                if float(t).is_integer() and t % 2 == 0:  # strong beats land on a chord tone
                    tones = [p for p in range(low, high + 1) if p % 12 in {c % 12 for c in chord_at(score, t)}]
                    pitch = nearest_in(pitch, tones) if tones else pitch
                last = j == len(notes) - 1
                length = NOTE_LEN[sub]
                if last and answer:
                    pitch, length = home, max(length, (bar + 2) * 4.0 - t - 0.25)  # resolve and ring
                part.add(t, length, pitch, vel if float(t).is_integer() else vel - 12)
    part.notes = humanise(part.notes, rng, timing=0.004 if sub == "trap" else 0.01, velocity=6)
    score.parts.append(part)
    bars = ", ".join(f"{t:g}" for t, _ in shape)
    score.choices["hook"] = f"{style.hook.name} motif on beats {bars}" if sections else "no hook sections"
    return part
