"""Chop agent: "sample-style" chops, i.e. short chord stabs cut from an e-piano/strings/horn "sample"
and retriggered on a rhythmic gate, the way an MPC pad pattern replays slices of a record.

Each bar's chord is cut into four slices (full voicing, high voicing, root-fifth-octave, inversion);
a 16-step gate pattern ('0'-'3' = slice, '-' = hold the previous slice, '.' = silence) replays them.
"""

from __future__ import annotations

import numpy as np

from studios.cypher.beats import fit_pattern, step_time, tempo_band
from studios.cypher.form import CypherScore
from studios.cypher.harmony import chord_at
from studios.score import Part
from studios.theory import humanise, voice_lead

GATES: dict[str, tuple[str, ...]] = {
    "boom bap": ("0..0..1...0.2...", "0...1..0..2...3.", "0-.1-.0-..2-.3..", "0.0...1.0...2.1.",
                 "0--.1--.0--.2-3."),
    "trap": ("0.......0.......", "0..0..0.........", "0.....0.....1...", "0-------2-------"),
    "lofi": ("0..1....0..2....", "0-..-..1..0.....", "0...2...1.....3.", "0-.1....0-.2...."),
}
STEP = 0.25  # beats per gate step
GATE = 0.8  # fraction of a step a stab sounds before the gate closes


def slices(chord: list[int]) -> list[list[int]]:
    """Four chops of one chord, like four pads loaded with slices of the same sample."""
    mid = voice_lead(None, chord, 60, 79)
    high = [p + 12 for p in mid[1:]] if max(mid) + 12 <= 91 else mid[1:]
    root = min(chord) % 12
    low_root = next(p for p in range(52, 64) if p % 12 == root)
    power = [low_root, low_root + 7, low_root + 12]
    inv = voice_lead(None, chord, 64, 84)
    return [mid, high, power, inv]


def gate_hits(pattern: str) -> list[tuple[int, int, int]]:
    """(step, slice, length in steps) from a gate string."""
    hits: list[tuple[int, int, int]] = []
    for i, c in enumerate(pattern):
        if c.isdigit():
            hits.append((i, int(c), 1))
        elif c == "-" and hits:
            s, sl, ln = hits[-1]
            hits[-1] = (s, sl, ln + 1)
    return hits


def chop_agent(score: CypherScore, rng: np.random.Generator) -> Part:
    """Write the "chops" part; sections choose their own gate so the sample is re-chopped per section."""
    style = score.style
    assert style is not None
    sub = style.subgenre
    part = Part("chops", f"chopped {style.chops.name}", program=style.chops.program, pan=0.2,
                gain=0.75 if sub == "trap" else 0.85)
    options = GATES[sub]
    per_section: dict[str, str] = {}
    for sec in score.sections:
        kind = sec.name.split()[0]
        if kind not in per_section:
            per_section[kind] = fit_pattern(options[int(rng.integers(len(options)))], tempo_band(score.bpm))
    used: list[str] = []
    for sec in score.sections:
        kind = sec.name.split()[0]
        if kind == "outro" or (sub == "trap" and kind not in ("hook",)):
            continue  # trap keeps its chops for the hook; outros ring out on the keys alone
        if sub == "lofi" and kind == "intro":
            continue
        pattern = per_section[kind]
        used.append(f"{kind} {pattern}")
        for bar in range(sec.start_bar, sec.start_bar + sec.bars):
            cuts = slices(chord_at(score, bar * 4.0))
            for step, sl, ln in gate_hits(pattern):
                accent = 92 if step % 4 == 0 else 76
                for p in cuts[sl]:
                    part.add(step_time(bar, step, style.swing), (ln - 1 + GATE) * STEP, p, accent)
    part.notes = humanise(part.notes, rng, timing=0.004 if sub == "trap" else 0.008, velocity=5)
    score.parts.append(part)
    score.choices["chops"] = f"{style.chops.name} chops, gates " + "; ".join(used)
    return part
