"""Melody agent: the lead pulse channel. Each section states a two-bar motif (rhythm on a 16th grid
plus a contour in scale steps) and develops it over the phrase: statement, answer, restatement,
cadence. Contours are stored relative to the harmony, so a returning motif adapts to new chords
but stays recognisable; strong beats land on chord tones, arpeggio runs outline the chord.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from studios.chiptune.harmony import chord_at
from studios.chiptune.structure import ending_bar, front_loaded, section_profile, slow_pulse
from studios.chiptune.synth import instrument
from studios.score import Note, Part, Score
from studios.theory import Key, choose, choose_many, chord_scale, chord_tones_in_range, nearest_in, parse_key

STEPS_PER_BAR = 16  # 16th-note grid
_CELLS: dict[str, tuple[int, ...]] = {  # onsets (16ths) within one beat; "hold" ties over the beat
    "q": (0,), "8 8": (0, 2), "8. 16": (0, 3), "16 16 8": (0, 1, 2), "8 16 16": (0, 2, 3),
    "16x4": (0, 1, 2, 3), "r 8": (2,), "hold": (),
}
_MOVES = (-3, -2, -1, 0, 1, 2, 3, 4)
_MOVE_P = np.array([0.05, 0.15, 0.27, 0.06, 0.27, 0.13, 0.04, 0.03])


@dataclass
class Motif:
    onsets: list[int]  # 16th steps from the motif start
    lengths: list[int]  # in 16ths
    moves: list[int]  # scale steps from the previous note (first: chord-tone steps from the anchor)
    arp: list[bool]  # part of an arpeggio run: moves count chord tones, not scale steps


def _cell_weights(energy: float, bpm: float) -> dict[str, float]:
    fast = bpm >= 165  # at boss tempos sixteenth runs turn to mush; keep them rarer
    weights = {
        "q": 3.0 - 2.0 * energy, "8 8": 3.0, "8. 16": 1.5, "16 16 8": (1.0 + energy) * (0.5 if fast else 1),
        "8 16 16": (1.0 + energy) * (0.5 if fast else 1), "16x4": (0.3 + 1.5 * energy) * (0.4 if fast else 1),
        "r 8": 0.6, "hold": 1.6 - energy,
    }
    if slow_pulse(bpm):  # dotted and held rhythms: few notes on the 8th off-beat (see slow_pulse)
        weights = {k: w * (0.25 if 2 in _CELLS[k] else 1.0) for k, w in weights.items()}
    return weights


_BACK_HALF = {"hold": 4.0, "q": 0.8, "8 8": 0.5}  # front-loaded bars: mostly sustain on beats 3-4


def make_rhythm(energy: float, bpm: float, rng: np.random.Generator, bars: int = 2) -> tuple[list[int], list[int]]:
    """Onsets and lengths (16ths) for a phrase: a cell per beat, always starting on the downbeat and
    breathing (a held note) at the end."""
    weights = _cell_weights(energy, bpm)
    names = list(weights)
    p = np.array([weights[n] for n in names])
    p /= p.sum()
    back = np.array([_BACK_HALF.get(n, 0.0) for n in names])
    back /= back.sum()
    onsets: list[int] = []
    rests: set[int] = set()
    beats = bars * 4
    for beat in range(beats):
        probs = back if front_loaded(bpm) and beat % 4 >= 2 else p
        name = choose(rng, names, probs)
        if beat == 0 and name in ("hold", "r 8"):
            name = "8 8"
        if beat == beats - 1 and name not in ("q", "hold"):
            name = "hold" if rng.random() < 0.5 else "q"
        if name == "r 8":
            rests.add(beat * 4)
        onsets += [beat * 4 + o for o in _CELLS[name]]
    ends = onsets[1:] + [beats * 4]
    lengths = []
    for on, nxt in zip(onsets, ends, strict=True):
        rest_at = [r for r in rests if on < r <= nxt]
        lengths.append(min((rest_at[0] if rest_at else nxt) - on, 8))
    return onsets, lengths


def make_motif(energy: float, bpm: float, rng: np.random.Generator) -> Motif:
    onsets, lengths = make_rhythm(energy, bpm, rng)
    n = len(onsets)
    moves = choose_many(rng, _MOVES, _MOVE_P, n)
    moves[0] = int(rng.integers(0, 3))  # start on root, third or fifth
    arp = [False] * n
    # Arpeggio runs: consecutive 16ths outline the chord, the signature chiptune flourish.
    for i in range(n - 2):
        if onsets[i + 1] - onsets[i] == 1 and onsets[i + 2] - onsets[i + 1] == 1 and rng.random() < 0.35 + 0.4 * energy:
            direction = 1 if rng.random() < 0.65 else -1
            for j in (i + 1, i + 2):
                arp[j], moves[j] = True, direction
    return Motif(onsets, lengths, moves, arp)


def vary(m: Motif, rng: np.random.Generator, amount: float = 0.5) -> Motif:
    """The 'answer': same rhythm, the back part of the contour re-drawn."""
    n = len(m.moves)
    cut = max(1, int(n * (1 - amount)))
    moves = m.moves[:cut] + choose_many(rng, _MOVES, _MOVE_P, n - cut)
    arp = m.arp[:cut] + [False] * (n - cut)
    return Motif(list(m.onsets), list(m.lengths), moves, arp)


def cadence(m: Motif) -> Motif:
    """First bar of the motif, then a long chord tone: the phrase comes to rest."""
    keep = [i for i, o in enumerate(m.onsets) if o < STEPS_PER_BAR]
    onsets = [m.onsets[i] for i in keep] + [STEPS_PER_BAR]
    lengths = [min(m.lengths[i], STEPS_PER_BAR - m.onsets[i]) for i in keep] + [12]
    return Motif(onsets, lengths, [m.moves[i] for i in keep] + [-1], [m.arp[i] for i in keep] + [False])


def lead_range(key: Key) -> tuple[int, int, int]:
    """(low, anchor, high): the tonic around C5 with room above, where NES leads sing."""
    anchor = 72 + key.tonic if key.tonic <= 6 else 60 + key.tonic
    return anchor - 7, anchor, anchor + 12


def realise(m: Motif, start_beat: float, score: Score, key: Key, anchor: int, low: int, high: int,
            velocity: int = 100) -> list[Note]:
    """Turn a motif into notes over the score's chords: scale steps on weak 16ths, chord tones on
    the beats, folded back into the lead's range."""
    notes: list[Note] = []
    pitch = anchor
    for i, (on, ln) in enumerate(zip(m.onsets, m.lengths, strict=True)):
        beat = start_beat + on / 4
        chord = chord_at(score, beat)
        tones = chord_tones_in_range(chord, low - 12, high + 12)
        if i == 0:
            base = nearest_in(anchor, tones)
            pitch = tones[min(len(tones) - 1, tones.index(base) + m.moves[0])]
        elif m.arp[i]:
            above = [t for t in tones if (t > pitch if m.moves[i] > 0 else t < pitch)]
            pitch = (min(above) if m.moves[i] > 0 else max(above)) if above else pitch
        else:
            pcs = chord_scale(key, chord)
            scale = [p for p in range(low - 12, high + 13) if p % 12 in pcs]
            idx = scale.index(nearest_in(pitch, scale))
            pitch = scale[int(np.clip(idx + m.moves[i], 0, len(scale) - 1))]
            if on % 4 == 0:
                pitch = nearest_in(pitch + 0.1 * np.sign(m.moves[i]), tones)  # downbeats: chord tones
        while pitch > high:
            pitch -= 12
        while pitch < low:
            pitch += 12
        accent = 12 if on % 4 == 0 else 0
        notes.append(Note(beat, ln / 4 * (0.92 if ln <= 2 else 0.97), int(pitch), min(127, velocity + accent)))
    return notes


def _duties(score: Score, rng: np.random.Generator) -> dict[str, float]:
    """A duty cycle per section name; neighbours differ so each section changes colour."""
    pref = {"intro": (0.5, 0.25), "main": (0.25, 0.5), "contrast": (0.125, 0.25), "bridge": (0.5, 0.125),
            "climax": (0.125, 0.25), "outro": (0.5, 0.25)}
    out: dict[str, float] = {}
    prev = None
    for s in score.sections:
        if s.name not in out:
            options = [d for d in pref[section_profile(s.name).role] if d != prev] or [0.25]
            out[s.name] = options[int(rng.integers(len(options)))] if rng.random() < 0.8 else options[0]
        prev = out[s.name]
    return out


def melody_agent(score: Score, rng: np.random.Generator, name: str = "lead") -> Part:
    """Compose the lead line into a new Part (appended to the score) and return it."""
    key = parse_key(score.key)
    low, anchor, high = lead_range(key)
    bpb = score.beats_per_bar
    end_bar = ending_bar(score)
    motifs: dict[str, Motif] = {}
    answers: dict[str, Motif] = {}
    duties = _duties(score, rng)
    notes: list[Note] = []
    for sec in score.sections:
        prof = section_profile(sec.name)
        if sec.name not in motifs:
            motifs[sec.name] = make_motif(prof.energy, score.bpm, rng)
            answers[sec.name] = vary(motifs[sec.name], rng)
        motif, answer = motifs[sec.name], answers[sec.name]
        lift = 7 if prof.role == "climax" else (2 if prof.role == "contrast" else 0)  # B/climax sit higher
        sec_anchor = anchor + lift
        vel = int(80 + 30 * prof.energy)
        for b in range(0, sec.bars, 2):
            bar = sec.start_bar + b
            if bar >= end_bar:
                break
            start = float(bar * bpb)
            if prof.role == "intro":
                notes += _intro_bar(score, key, bar, sec.start_bar + sec.bars - 1, low, high, vel)
                if b + 1 < sec.bars:
                    notes += _intro_bar(score, key, bar + 1, sec.start_bar + sec.bars - 1, low, high, vel)
                continue
            phrase = (b // 2) % 4
            last_pair = b + 2 >= sec.bars
            m = cadence(motif) if (phrase == 3 or last_pair) and sec.bars >= 4 else (answer if phrase == 1 else motif)
            sec_end = (sec.start_bar + sec.bars) * bpb
            notes += [n for n in realise(m, start, score, key, sec_anchor, low, high + lift, vel) if n.start < sec_end]
    notes = [n for n in notes if n.start < end_bar * bpb - 1e-9]
    notes = [Note(n.start, min(n.length, end_bar * bpb - n.start), n.pitch, n.velocity) for n in notes]
    final_chord = chord_at(score, end_bar * bpb)
    home = nearest_in(anchor, chord_tones_in_range(final_chord[:1], low, high))
    notes.append(Note(float(end_bar * bpb), max(0.25, score.total_beats - end_bar * bpb), home, 112))
    sched = _schedule(score, duties)
    part = Part(name, instrument("pulse", "lead", sched), notes, program=80, pan=-0.12, gain=0.30)
    score.parts.append(part)
    return part


def _intro_bar(score: Score, key: Key, bar: int, last_intro_bar: int, low: int, high: int, vel: int) -> list[Note]:
    """Intro: a held chord tone, then a rising arpeggio pickup into the first loop."""
    bpb = score.beats_per_bar
    start = float(bar * bpb)
    tones = chord_tones_in_range(chord_at(score, start), low, high)
    held = tones[len(tones) // 2]
    if bar < last_intro_bar:
        return [Note(start, bpb * 0.97, held, vel)]
    step = 0.5 if score.bpm >= 160 else 0.25  # 8ths at fast tempos, 16ths otherwise
    half = bpb / 2
    run = [Note(start + half + i * step, step * 0.9, tones[min(i, len(tones) - 1)], vel + (8 if i == 0 else 0))
           for i in range(int(half / step))]
    return [Note(start, half * 0.95, held, vel)] + run


def _schedule(score: Score, duties: dict[str, float]) -> list[tuple[float, float]]:
    sched: list[tuple[float, float]] = []
    for s in score.sections:
        d = duties[s.name]
        if not sched or sched[-1][1] != d:
            sched.append((float(s.start_bar * score.beats_per_bar), d))
    return sched
