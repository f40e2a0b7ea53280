"""The riff writer agent: turns the arranger's per-bar power-chord roots into a riff (RiffHits).

A riff bar is a 16-step (16th-note) pattern string:
  C  power-chord stab        S  ringing power chord (held to the next hit)
  m  palm-muted chug on the bar's root          p  palm-muted chug on the tonic (pedal riff)
  n  single-note lick from the key's scale      t  tremolo-picked chord (black metal)
  .  let the previous hit ring / rest
Beat steps (0, 4, 8, 12) always carry a hit so the pulse stays clear. Above 170 BPM the bar is shaped
"stab, stab, chug, chug" (strong beats 1-2, lighter 3-4); below 90 BPM hits stay on beats and halves,
which keeps the tempo the listener (and librosa) hears equal to the request.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from studios.ironclad.form import Arrangement, SectionPlan

STEP = 0.25  # beats per pattern step
# From here up librosa (and the ear) would rather hear half time: bars get "strong, strong, light, light".
FAST_BPM = 150

# family -> band -> section role -> candidate bars
TEMPLATES: dict[str, dict[str, dict[str, list[str]]]] = {
    "gallop": {
        "slow": {"verse": ["C...m.m.C...m.m.", "C.......m.m.C..."], "chorus": ["S.......S.......", "S...C...S...C..."]},
        "mid": {"verse": ["C.mmC.mmC.mmC.mm", "C.mmC.mmC.mmn.nn", "C.mmm.mmC.mmm.mm"],
                "chorus": ["C.mmC.mmC...C...", "S...C.mmS...C.mm"]},
        "fast": {"verse": ["C...C...m.mmm.mm", "C...C...m.mmn.nn"], "chorus": ["C...C...m.m.m.m.", "C...C...S......."]},
    },
    "thrash": {
        "slow": {"verse": ["C...m.m.C...m.m.", "C...C...m.m.n.n."], "chorus": ["S.......C...C...", "C...C...S......."]},
        "mid": {"verse": ["C.m.m.m.C.m.n.n.", "Cmmmmmmmn.n.mmmm", "C.mmC.mmmmmmC.n."],
                "chorus": ["C.C.C.mmC.C.C.mm", "C...C.mmC...C.mm"]},
        "fast": {"verse": ["C...C...m.m.m.m.", "C...C...m.m.n.n.", "C...C...p.p.p.p."],
                 "chorus": ["C...C...m.m.m.m.", "S...C...m.m.m.m."]},
    },
    "doom": {
        "slow": {"verse": ["S...............", "S.......S.......", "S...........C..."],
                 "chorus": ["S.......S.......", "S...S...S......."]},
        "mid": {"verse": ["S.......S.......", "S.......m.m.C..."], "chorus": ["S...S...S.......", "S.......S......."]},
        "fast": {"verse": ["C...C...S.......", "C...C...m.m.m.m."], "chorus": ["C...C...S.......", "S...C...m.m.m.m."]},
    },
    "djent": {
        "slow": {"verse": ["C.....m.C.......", "C...m.m.C.....m."], "chorus": ["S.......S.......", "S...C...S......."]},
        "mid": {"verse": [], "chorus": ["S.....C.S.....C.", "S.......C..mC..."]},  # verse: generated
        "fast": {"verse": ["C...C...m.mmm.mm", "C...C..mm.m.m.m."], "chorus": ["C...C...S......."]},
    },
    "tremolo": {
        "slow": {"verse": ["S.......S.......", "t.t.t.t.t.t.t.t."], "chorus": ["S.......S.......", "S...S...S...S..."]},
        "mid": {"verse": ["tttttttttttttttt", "t.t.t.t.t.t.t.t."], "chorus": ["S.......S.......", "tttttttttttttttt"]},
        "fast": {"verse": ["C...C...t.t.t.t.", "S...S...t.t.t.t."], "chorus": ["C...C...t.t.t.t.", "S...S...S......."]},
    },
}
BREAKDOWN = {"slow": ["C.......C...C..."], "mid": ["C..C..C.m.m.C...", "C..m.mC..m.mC.m."],
             "fast": ["C...C...m.m.m.m."]}


@dataclass(frozen=True)
class RiffHit:
    start: float  # beats from the top
    length: float  # beats
    kind: str  # chord, sustain, mute, note, tremolo
    root: int  # MIDI pitch of the chord root or single note
    accent: bool  # on a strong beat: louder and drives the drum accents


def tempo_band(bpm: float) -> str:
    return "slow" if bpm < 90 else ("fast" if bpm >= FAST_BPM else "mid")


def _djent_bar(rng: np.random.Generator) -> str:
    """A syncopated chug bar: groups of 3 and 2 sixteenths, every group opening with a hit."""
    groups = [[3, 3, 2, 3, 3, 2], [3, 3, 3, 3, 2, 2], [3, 3, 2, 2, 3, 3], [2, 3, 3, 2, 3, 3]]
    steps = ["."] * 16
    pos = 0
    for g in groups[int(rng.integers(len(groups)))]:
        steps[pos] = "C" if pos == 0 or rng.random() < 0.35 else "m"
        if g == 3 and rng.random() < 0.5:
            steps[pos + 1] = "m"
        pos += g
    for beat in (0, 4, 8, 12):  # keep the quarter-note pulse audible under the syncopation
        if steps[beat] == ".":
            steps[beat] = "m"
    return "".join(steps)


def _pick(options: list[str], rng: np.random.Generator) -> str:
    return options[int(rng.integers(len(options)))]


def choose_patterns(arr: Arrangement, rng: np.random.Generator) -> dict[str, str]:
    """One pattern per section role, so repeated verses/choruses play the same riff."""
    fam = TEMPLATES[arr.style.riff_family]
    band = tempo_band(arr.bpm)
    t = fam[band]
    verse = _djent_bar(rng) if not t["verse"] else _pick(t["verse"], rng)
    chorus = _pick(t["chorus"], rng)
    breakdown = _djent_bar(rng) if arr.style.subgenre == "djent" and band == "mid" else _pick(BREAKDOWN[band], rng)
    intro = "S.......S......." if band != "fast" else "C...C...S......."
    if arr.style.subgenre == "doom":
        intro = "S..............."
    return {"intro": intro, "verse": verse, "solo": verse, "chorus": chorus, "bridge": chorus,
            "breakdown": breakdown, "outro": chorus}


def _lick_pitches(arr: Arrangement, root: int, rng: np.random.Generator, n: int) -> list[int]:
    """n scale notes between the bar root and an octave above it (a fixed little run per section)."""
    scale = [p for p in arr.key.scale_pitches(root, root + 10) if p != root]
    if arr.mood == "phrygian":
        scale = sorted(set(scale) | {arr.root_pitch + 1})  # the b2 is the sound of evil
    return [int(scale[int(rng.integers(len(scale)))]) for _ in range(n)]


def _bar_hits(pattern: str, bar_start: float, root: int, tonic: int, licks: list[int]) -> list[RiffHit]:
    """The bar's hits with provisional lengths (articulate() sets the real ones)."""
    hits: list[RiffHit] = []
    lick_i = 0
    kinds = {"S": "sustain", "C": "chord", "m": "mute", "p": "mute", "n": "note", "t": "tremolo"}
    for i, c in enumerate(pattern):
        if c == ".":
            continue
        pitch = tonic if c == "p" else root
        if c == "n":
            pitch = licks[lick_i % len(licks)]
            lick_i += 1
        hits.append(RiffHit(bar_start + i * STEP, STEP, kinds[c], pitch, i % 4 == 0))
    return hits


def strong(beat: float, band: str) -> bool:
    """Positions whose attack must stand out: every beat, but only beats 1-2 above 170 BPM."""
    on_beat = abs(beat - round(beat)) < 1e-6
    return on_beat and (band != "fast" or round(beat) % 4 in (0, 1))


def articulate(hits: list[RiffHit], bpm: float, end: float) -> list[RiffHit]:
    """Set note lengths. The loudness jump of an attack comes from the silence before it, so a hit
    is choked just before a strong beat and played legato into anything else; palm mutes stay short
    except at slow tempos, where their gaps would read as an 8th-note pulse."""
    band = tempo_band(bpm)
    choke = min(0.11 * bpm / 60.0, 0.5)  # ~110 ms of silence, in beats, before a strong attack
    out: list[RiffHit] = []
    for j, h in enumerate(hits):
        nxt = hits[j + 1].start if j + 1 < len(hits) else end
        gap = nxt - h.start
        if j + 1 < len(hits) and strong(nxt, band):
            length = max(gap - choke, gap * 0.4)
        elif h.kind == "mute" and band == "mid":
            length = min(gap, STEP) * 0.6
        else:
            length = gap
        out.append(RiffHit(h.start, length, h.kind, h.root, h.accent))
    return out


def write_riff(arr: Arrangement, rng: np.random.Generator) -> list[RiffHit]:
    """Write the whole song's riff into arr.riff (and return it)."""
    patterns = choose_patterns(arr, rng)
    licks_for: dict[str, list[int]] = {}
    hits: list[RiffHit] = []
    for sec in arr.sections:
        pattern = patterns[sec.kind]
        for i in range(sec.bars):
            bar = sec.start_bar + i
            root = arr.chord_root(sec.roots[i])
            last_bar = bar == arr.bars - 1
            if last_bar and sec.kind == "outro":
                pattern_i = "S..............."  # end on a ringing tonic chord
            else:
                pattern_i = pattern
            if "n" in pattern_i and sec.kind not in licks_for:
                licks_for[sec.kind] = _lick_pitches(arr, arr.root_pitch, rng, pattern_i.count("n"))
            hits += _bar_hits(pattern_i, bar * 4.0, root, arr.root_pitch, licks_for.get(sec.kind, [root]))
    arr.riff = articulate(hits, arr.bpm, arr.total_beats)
    arr.choices["riff"] = _describe(patterns, arr)
    return arr.riff


def _describe(patterns: dict[str, str], arr: Arrangement) -> str:
    fam = arr.style.riff_family
    kinds = {s.kind for s in arr.sections}
    shown = [f"{k} {patterns[k]}" for k in ("verse", "chorus", "breakdown") if k in kinds]
    return f"{fam} riffs ({tempo_band(arr.bpm)} band): " + ", ".join(shown)


def section_hits(arr: Arrangement, sec: SectionPlan) -> list[RiffHit]:
    lo, hi = sec.start_beat, sec.start_beat + sec.bars * 4.0
    return [h for h in arr.riff if lo <= h.start < hi]
