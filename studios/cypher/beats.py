"""Beat-maker agent: GM drum programming with swing, ghost notes, hat rolls and section fills.

Patterns are 16-step strings per bar ('X' accent, 'x' hit, 'g' ghost). Every beat carries an
accented hat and the kick/snare land on beats, so the quarter-note pulse stays the strongest
periodicity at any tempo; off-beat subdivisions are thinned and softened as the tempo drops or rises
so onset-based tempo estimates neither halve nor double it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from studios.cypher.form import CypherScore
from studios.score import Note, Part
from studios.theory import humanise

KICK, SNARE, CLAP, RIM, E_SNARE = 36, 38, 39, 37, 40
HAT, PEDAL_HAT, OPEN_HAT, CRASH = 42, 44, 46, 49
VEL = {"X": 118, "x": 100, "g": 38, "r": 70}  # 'r': a side-stick, the light backbeat of fast tempos

KICKS = {
    "boom bap": ("x......x..x.....", "x.........x..x..", "x.x.......x.....", "x......x..x...x."),
    "trap": ("x.....x...x.....", "x..x......x.x...", "x......x..x...x.", "x.....x.x......x"),
    "lofi": ("x......x..x.....", "x.........x.....", "x..x......x....."),
}
SNARES = {
    "boom bap": ("....X.......X...", "....X..g.g..X..g", "....X.g.....X.g."),
    "trap": ("........X.......", "........X......g", "........X...g..."),
    "lofi": ("....x.......x...", "....x..g....x..."),
}


# Fast tempos: a full backbeat on 2 and a side-stick on 4. Equal hits on 2 and 4 (or trap's clap on 3)
# repeat every two beats, and at these tempos that makes the half tempo the stronger periodicity.
FAST_SNARES = ("....X.......r...", "....X..g....r...")
# Above 150 BPM the bar is front-loaded (1, its 'and', 2, and 4 only): librosa's tempo prior favours
# the half tempo there unless consecutive beats differ and two-beat repeats are weak.
FAST_STEPS = (0, 1, 2, 3, 4, 12)
FAST_KICK = "x.x............."


def tempo_band(bpm: float) -> str:
    """'slow' (< 88 BPM: keep subdivisions out of the way), 'fast' (> 150: front-loaded bar) or 'mid'.
    See fit_step for why."""
    return "slow" if bpm < 88 else "fast" if bpm > 150 else "mid"


def fit_step(step: int, band: str) -> int | None:
    """Where a 16th step may sound in a tempo band (None: drop it).

    Slow tempos allow only the beat and the 16th before it ('a'): then no two hits are an 8th apart,
    which is what reads as double tempo; 'and's become 'a's (a later pickup), 'e's drop. Fast tempos
    keep only FAST_STEPS, so consecutive beats differ and the bar does not split into two half-tempo
    beats (moving hits instead, e.g. beat 3 to its 'and', makes a dotted-quarter pulse).
    """
    if band == "slow":
        pos = step % 4
        return step if pos in (0, 3) else step + 1 if pos == 2 else None
    if band == "fast":
        return step if step % 16 in FAST_STEPS else None
    return step


def fit_beat(at: float, band: str) -> float | None:
    """fit_step for an onset in beats from the bar line (off-grid onsets pass unchanged)."""
    step = at * 4
    if abs(step - round(step)) > 1e-6:
        return at
    fitted = fit_step(int(round(step)), band)
    return None if fitted is None else fitted / 4


def fit_pattern(pattern: str, band: str) -> str:
    """Apply fit_step to a 16-step pattern; holds ('-') keep following their (moved) hit."""
    cells = ["." if c != "-" else "-" for c in pattern]
    for i, c in enumerate(pattern):
        if c in ".-":
            continue
        dst = fit_step(i, band)
        if dst is not None and dst < 16 and cells[dst] in ".-":
            cells[dst] = c
    out, sounding = [], False  # a hold must follow a sounding hit: orphaned holds become rests
    for c in cells:
        if c == "-" and not sounding:
            c = "."
        sounding = c != "."
        out.append(c)
    return "".join(out)


@dataclass(frozen=True)
class KickHit:
    start: float  # beats
    velocity: int


def step_time(bar: int, step: float, swing: float) -> float:
    """Beat position of a 16th step in a bar; odd 16ths are pushed late by the swing ratio."""
    base = bar * 4.0 + step * 0.25
    return base + (swing - 0.5) * 0.5 if int(step) % 2 == 1 and float(step).is_integer() else base


def _hits(pattern: str) -> list[tuple[int, int]]:
    return [(i, VEL[c]) for i, c in enumerate(pattern) if c in VEL]


def hat_levels(bpm: float) -> tuple[int, int, int]:
    """(on-beat, off-beat, 16th) hat velocities: subdivisions get quieter at slow tempos, where
    they would otherwise read as the beat, and 16ths vanish at fast ones."""
    band = tempo_band(bpm)
    if band == "slow":
        return 92, 36, 0  # the off-beat hat is the 'a' pickup here (see fit_step)
    if bpm < 100:
        return 96, 56, 34
    if band == "mid":
        return 96, 62, 40
    return 70, 64, 0


def _roll(part: Part, start: float, span: float, n: int, on: int, off: int) -> None:
    """A hat roll of n even hits over span beats, ramping up into the next beat."""
    for i in range(n):
        vel = on if i == 0 and span >= 1 else int(off * 0.7 + off * 0.6 * i / n)
        part.add(start + span * i / n, 0.05, HAT, vel)


def _hat_bar(part: Part, bar: int, style_sub: str, bpm: float, swing: float, busy: bool,
             roll_beat: int | None, rng: np.random.Generator) -> None:
    on, off, six = hat_levels(bpm)
    band = tempo_band(bpm)
    for beat in range(4):
        t0 = bar * 4.0 + beat
        if roll_beat == beat and band == "mid":
            # trap roll: 16th triplets or 32nds across the beat
            _roll(part, t0, 1.0, 6 if rng.random() < 0.5 else 8, on, off)
            continue
        if band == "fast":
            # front-loaded: 1 and its 'and', a soft 2 and 4 (see FAST_STEPS)
            if beat != 2:
                part.add(t0, 0.1, HAT, on if beat == 0 else on // 2)
            if beat == 0:
                part.add(step_time(bar, 2, swing), 0.1, HAT, off)
            continue
        part.add(t0, 0.1, HAT, on)
        if band == "slow":
            if roll_beat == beat:
                _roll(part, t0 + 0.75, 0.25, 3, on, off)  # a 32nd-triplet flick into the next beat
            elif not (style_sub == "lofi" and rng.random() < 0.3):
                part.add(step_time(bar, beat * 4 + 3, swing), 0.1, HAT, off)
            continue
        if not (style_sub == "lofi" and rng.random() < 0.15):
            part.add(step_time(bar, beat * 4 + 2, swing), 0.1, HAT, off)
        if six and busy:
            for s in (1, 3):
                if rng.random() < (0.8 if style_sub == "trap" else 0.3):
                    part.add(step_time(bar, beat * 4 + s, swing), 0.05, HAT, six)


def beat_agent(score: CypherScore, rng: np.random.Generator) -> list[KickHit]:
    """Write the "drums" part; returns the kick hits so the 808 agent can follow them."""
    style = score.style
    assert style is not None
    sub, bpm, swing = style.subgenre, score.bpm, style.swing
    part = Part("drums", f"{sub} kit", is_drum=True, program=0, gain=1.0)
    band = tempo_band(bpm)
    kick_a, kick_b = (fit_pattern(KICKS[sub][int(i)], band) if band != "fast" else FAST_KICK
                      for i in rng.choice(len(KICKS[sub]), 2, replace=False))
    snares = FAST_SNARES if band == "fast" else SNARES[sub]
    snare_pat = snares[int(rng.integers(len(snares)))]
    snare_pat = snare_pat if band == "fast" else fit_pattern(snare_pat, band)
    snare_key = {"boom bap": SNARE, "trap": CLAP, "lofi": RIM if rng.random() < 0.5 else E_SNARE}[sub]
    kicks: list[KickHit] = []
    n_bars = int(score.total_beats // 4)
    for bar in range(n_bars):
        sec = score.section_at(bar * 4.0)
        name = sec.name.split()[0]
        last_of_section = bar == sec.start_bar + sec.bars - 1 and bar != n_bars - 1
        kick_pat = kick_a if (bar - sec.start_bar) % 2 == 0 else kick_b
        if name in ("intro", "outro"):
            # a plain pulse while the sample plays; the last bar is a single hit
            kick_pat = fit_pattern("x.......x.......", band) if bar < n_bars - 1 else "x..............."
        if bar == sec.start_bar and name in ("hook", "outro", "verse") and bar > 0:
            part.add(bar * 4.0, 1.0, CRASH, 92)
        for step, vel in _hits(kick_pat):
            t = step_time(bar, step, swing)
            part.add(t, 0.2, KICK, 127 if band == "fast" and step == 0 else vel)
            kicks.append(KickHit(t, vel))
        if name not in ("intro",) and not (name == "outro" and bar == n_bars - 1):
            pattern = snare_pat
            if last_of_section and sub == "boom bap" and band != "fast":
                pattern = fit_pattern(pattern[:12] + "Xgxx", band)  # snare pickup into the next section
            for step, vel in _hits(pattern):
                if vel == VEL["g"] and rng.random() < 0.3:
                    continue  # ghost notes come and go like a live drummer
                key = RIM if vel in (VEL["r"], VEL["g"]) and sub == "lofi" else \
                    RIM if vel == VEL["r"] else SNARE if vel == VEL["g"] else snare_key
                vel = int(vel * (0.85 if sub == "lofi" else 1.0))
                part.add(step_time(bar, step, swing), 0.2, key, vel)
                if sub == "trap" and vel > VEL["r"]:
                    part.add(step_time(bar, step, swing), 0.2, E_SNARE, 90)  # clap + snare layer
        roll = None
        if sub == "trap" and name in ("verse", "hook"):
            roll = 3 if (last_of_section or rng.random() < 0.35) else (1 if rng.random() < 0.25 else None)
        busy = name in ("verse", "hook")
        _hat_bar(part, bar, sub, bpm, swing, busy, roll, rng)
        if sub == "trap" and name == "hook" and rng.random() < 0.5:
            part.add(step_time(bar, 14, swing), 0.4, OPEN_HAT, 70)
    jitter = 0.002 if sub == "trap" else 0.008
    part.notes = sorted(humanise(part.notes, rng, timing=jitter, velocity=4), key=_note_order)
    score.parts.append(part)
    score.choices["drums"] = (f"{sub} kit, kicks {kick_a}/{kick_b}, "
                              f"{'half-time clap' if sub == 'trap' else 'backbeat'} "
                              f"{'straight' if swing <= 0.5 else f'{round(swing * 100)}% swing'}")
    return kicks


def _note_order(n: Note) -> tuple[float, int]:
    return (n.start, n.pitch)
