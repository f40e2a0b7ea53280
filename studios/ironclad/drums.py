"""The drummer agent: metal grooves on GM drums (channel 10), fills at section ends, crashes on downbeats.

Grooves are 16-step velocity strings (digit 1-9, '.' = rest). Every groove puts a cymbal and a
kick or snare on each beat so the pulse is unambiguous; double-kick 16ths and blast strokes stay
quieter than the beat hits. Above 170 BPM the bar is accented "strong, strong, light, light"
(crash + china on 1-2, hats on 3-4) and below 90 BPM nothing but fills plays between the beats:
both keep librosa (and a headbanging listener) on the requested tempo rather than half or double it.
"""

from __future__ import annotations

import numpy as np

from studios.ironclad.form import Arrangement, SectionPlan
from studios.ironclad.riffs import section_hits, tempo_band
from studios.score import Note, Part, Score
from studios.theory import humanise

KIT = {"kick": 36, "snare": 38, "hat": 42, "open_hat": 46, "crash": 49, "crash2": 57, "china": 52,
       "ride": 51, "bell": 53, "tom_hi": 48, "tom_mid": 47, "tom_lo": 45, "floor_hi": 43, "floor": 41}
TOMS_DOWN = ("tom_hi", "tom_mid", "tom_lo", "floor_hi", "floor")

GROOVES: dict[str, dict[str, str]] = {
    # mid tempos (90-169 BPM)
    "rock": {"kick": "9.....6.9.6.....", "snare": "....9.......9...", "hat": "7.5.7.5.7.5.7.5."},
    "double": {"kick": "9555955595559555", "snare": "....9.......9...", "ride": "8...8...8...8..."},
    "gallop": {"kick": "9.559.559.559.55", "snare": "....9.......9...", "ride": "8...8...8...8..."},
    "skank": {"kick": "9...9...9...9...", "snare": "..7...7...7...7.", "hat": "8...8...8...8...",
              "china": "8.......8......."},
    "blast": {"kick": "9.6.9.6.9.6.9.6.", "snare": ".6.6.6.6.6.6.6.6", "ride": "8.5.8.5.8.5.8.5."},
    "djent": {"kick": "", "snare": "........9.......", "china": "8...8...8...8..."},  # kick follows the riff
    "intro": {"kick": "9...9...9...9...", "floor": "7...7...7...7...", "ride": "8...8...8...8..."},
    # slow tempos (< 90 BPM): quarter-note ride, half-time snare, no subdivisions
    "doom": {"kick": "9.......9.......", "snare": "........9.......", "ride": "8...8...8...8..."},
    "slow_rock": {"kick": "9.......9.......", "snare": "....9.......9...", "hat": "8...8...8...8..."},
    # fast tempos (>= 170 BPM): strong beats 1-2, light 3-4
    "fast": {"kick": "9...9...5...5...", "snare": "....9...........", "crash": "9...............",
             "china": "....9...........", "bell": "........5...5..."},
    "fast_double": {"kick": "9333933333333333", "snare": "....9...........", "crash": "9...............",
                    "china": "....9...........", "bell": "........5...5..."},
    # a blast burst over beats 1-2, then kick 8ths: the full-bar blast reads as half time
    "fast_blast": {"kick": "9.4.9.4.3...3...", "snare": ".4.49.4.........", "crash": "9...............",
                   "china": "....9...........", "bell": "........5...5..."},
}


def _vel(d: str) -> int:
    return min(127, 20 + 11 * int(d))


def groove_for(arr: Arrangement, sec: SectionPlan) -> str:
    """Which groove a section gets, from the sub-genre, the section role, the tempo band and flags."""
    st, band = arr.style, tempo_band(arr.bpm)
    if band == "slow":
        return "doom" if st.subgenre == "doom" or sec.kind in ("breakdown", "intro") else "slow_rock"
    if band == "fast":
        if st.blast and sec.kind in ("verse", "chorus", "bridge"):
            return "fast_blast"
        return "fast_double" if st.double_kick and sec.kind != "intro" else "fast"
    if sec.kind == "intro":
        return "intro"
    if sec.kind == "breakdown" or st.subgenre == "djent":
        return "djent"
    if st.blast and sec.kind in ("verse", "chorus", "bridge"):
        return "blast"
    if sec.kind == "verse":
        return {"gallop": "gallop", "thrash": "skank", "doom": "rock"}.get(st.riff_family,
                                                                            "double" if st.double_kick else "rock")
    return "double" if st.double_kick else "rock"


def _bar(groove: dict[str, str], start: float) -> list[Note]:
    notes = []
    for inst, pattern in groove.items():
        for i, d in enumerate(pattern):
            if d != ".":
                notes.append(Note(start + i * 0.25, 0.25, KIT[inst], _vel(d)))
    return notes


def _fill(start: float, band: str, rng: np.random.Generator) -> list[Note]:
    """A tom run over the bar's last beat (slow: the last two beats in 8ths)."""
    step, span = {"slow": (0.5, 2.0), "mid": (0.25, 1.0)}[band]
    n = int(span / step)
    first = int(rng.integers(0, 2))
    toms = [TOMS_DOWN[min(first + i * len(TOMS_DOWN) // n, len(TOMS_DOWN) - 1)] for i in range(n)]
    out = []
    for i, tom in enumerate(toms):
        t = start + 4.0 - span + i * step
        on_beat = abs(t - round(t)) < 1e-6
        out.append(Note(t, step, KIT[tom], 118 if on_beat else 96))
        if on_beat:
            out.append(Note(t, step, KIT["kick"], 110))
    return out


def drummer_agent(score: Score, arr: Arrangement, rng: np.random.Generator) -> Part:
    """Add the 'drums' part (GM kit) to the score and return it."""
    band = tempo_band(arr.bpm)
    notes: list[Note] = []
    used: list[str] = []
    for si, sec in enumerate(arr.sections):
        name = groove_for(arr, sec)
        if name not in used:
            used.append(name)
        groove = dict(GROOVES[name])
        riff_kicks = [h for h in section_hits(arr, sec) if h.kind in ("chord", "mute", "sustain")]
        last_section = si == len(arr.sections) - 1
        for i in range(sec.bars):
            bar = sec.start_bar + i
            start = bar * 4.0
            if last_section and bar == arr.bars - 1 and arr.bars > 1:
                # the last bar: one big hit and let the chord ring
                notes += [Note(start, 1.0, KIT["crash"], 124), Note(start, 1.0, KIT["kick"], 124),
                          Note(start, 1.0, KIT["china"], 110)]
                continue
            # Above 150 BPM a tom run on beat 4 would blur the strong-strong-light-light bar: no fill.
            fill = i == sec.bars - 1 and not last_section and sec.bars >= 2 and band != "fast"
            bar_notes = _bar(groove, start)
            if name == "djent":  # the kick doubles the guitar chugs, djent's signature
                bar_notes += [Note(h.start, 0.25, KIT["kick"], 116 if h.accent else 96)
                              for h in riff_kicks if start <= h.start < start + 4.0]
            if fill:
                cut = start + 4.0 - (2.0 if band == "slow" else 1.0)
                bar_notes = [n for n in bar_notes if n.start < cut] + _fill(start, band, rng)
            if i == 0 or (i % 4 == 0 and band != "fast"):
                bar_notes.append(Note(start, 1.0, KIT["crash"], 122))
            notes += bar_notes
    part = Part("drums", "GM kit", is_drum=True, program=0, pan=0.0, gain=0.7)
    part.notes = sorted(humanise(notes, rng, timing=0.002 * arr.bpm / 60.0, velocity=3), key=lambda n: n.start)
    score.parts.append(part)
    arr.choices["drums"] = "grooves: " + ", ".join(used) + "; tom fills at section ends"
    return part
