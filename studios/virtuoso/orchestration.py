"""Orchestration agent: gives the abstract voices (melody, imitation, inner, accomp, bass) to the
instruments of the ensemble, in their ranges, with doublings, dynamics (velocity) and articulation
(note lengths: legato melodies, detached accompaniment, short pizzicato-like bass pulses).

Ensembles: solo piano (GM 0), harpsichord (6), string quartet (violins 40, viola 41, cello 42),
string orchestra (48 string ensemble, 42 cellos, 43 basses an octave down) and orchestra (the
strings plus 73 flute, 68 oboe, 71 clarinet, 60 horn and 47 timpani on tonic/dominant downbeats).
In the orchestra the melody moves between instruments by section: oboe doubles the violins in A,
the flute sings the contrasting section alone, and the tutti doubles it an octave up at the return.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from studios.score import Note, Part, Score
from studios.theory import humanise, parse_key
from studios.virtuoso.meter import Pulse


@dataclass(frozen=True)
class Instrument:
    name: str
    program: int
    low: int
    high: int
    pan: float = 0.0
    gain: float = 1.0
    sharp: bool = False  # struck/plucked (clear onsets) rather than bowed/blown (soft attack, sustain)


PIANO_RH = Instrument("piano right hand", 0, 48, 96, 0.2, sharp=True)
PIANO_LH = Instrument("piano left hand", 0, 28, 72, -0.2, sharp=True)
HARPS_RH = Instrument("harpsichord right hand", 6, 48, 89, 0.15, 0.8, sharp=True)
HARPS_LH = Instrument("harpsichord left hand", 6, 29, 72, -0.15, 0.8, sharp=True)
VIOLIN_1 = Instrument("violin I", 40, 55, 100, -0.5)
VIOLIN_2 = Instrument("violin II", 40, 55, 93, -0.2, 0.85)
VIOLA = Instrument("viola", 41, 48, 84, 0.2, 0.9)
CELLO = Instrument("cello", 42, 36, 72, 0.5)
CELLO_PIZZ = Instrument("cello (pizz.)", 45, 36, 72, 0.5, sharp=True)
VIOLINS = Instrument("violins", 48, 55, 100, -0.45)
VIOLIN_LEAD = Instrument("violin leader", 40, 55, 100, -0.35, 0.6)
INNER_STRINGS = Instrument("violas and second violins", 48, 48, 84, 0.1, 0.7)
PIZZICATO = Instrument("pizzicato strings", 45, 43, 84, 0.05, 1.0, sharp=True)
HARP = Instrument("harp", 46, 36, 84, 0.25, 0.8, sharp=True)
CELLOS = Instrument("cellos", 42, 36, 67, 0.35)
BASSES = Instrument("basses", 43, 28, 55, 0.5, 0.8)
FLUTE = Instrument("flute", 73, 60, 96, -0.1, 0.8)
OBOE = Instrument("oboe", 68, 58, 91, 0.1, 0.7)
CLARINET = Instrument("clarinet", 71, 50, 86, -0.2, 0.6)
HORN = Instrument("horn", 60, 41, 72, -0.35, 0.6)
TIMPANI = Instrument("timpani", 47, 38, 53, 0.3, 0.9, sharp=True)

ENSEMBLE_NAMES = {"piano": "solo piano", "harpsichord": "harpsichord", "quartet": "string quartet",
                  "strings": "string orchestra", "orchestra": "orchestra"}
# Gain of sustained (bowed/blown) and struck/plucked instruments per tempo tier. A sustained tone's
# partials beat and keep the onset envelope busy between beats; the slower the tempo, the more the
# plucked beat layer must stand above it for the beat (not its double) to be the clear periodicity.
_BALANCE = {"slow": (0.5, 1.6), "medium": (0.85, 1.15), "fast": (0.75, 1.35)}
_SECTION_DYNAMICS = {"B": 0.85, "development": 0.92, "episode": 0.9, "sequence": 0.92, "A'": 1.06,
                     "recapitulation": 1.04, "coda": 1.08, "final entries": 1.06, "pedal point": 1.04}


def fold(pitch: int, low: int, high: int) -> int:
    """Move a pitch by octaves into an instrument's range."""
    while pitch < low:
        pitch += 12
    while pitch > high and pitch - 12 >= low:
        pitch -= 12
    return pitch


def _dynamic(score: Score, beat: float) -> float:
    bar = int(beat // score.beats_per_bar)
    for s in score.sections:
        if s.start_bar <= bar < s.start_bar + s.bars:
            factor = _SECTION_DYNAMICS.get(s.name, 1.0)
            if s is score.sections[-1]:  # crescendo into the final cadence
                factor *= 1.0 + 0.08 * (bar - s.start_bar) / max(1, s.bars - 1)
            return factor
    return 1.0


def _section_of(score: Score, beat: float) -> str:
    bar = int(beat // score.beats_per_bar)
    return next((s.name for s in score.sections if s.start_bar <= bar < s.start_bar + s.bars), "A")


class _Desk:
    """Collects notes for one instrument, applying range, articulation and dynamics."""

    def __init__(self, inst: Instrument) -> None:
        self.inst = inst
        self.notes: list[Note] = []

    def play(self, notes: list[Note], score: Score, pulse: Pulse, level: float, legato: float = 1.0,
             shift: int = 0, short: float | None = None) -> None:
        for n in notes:
            pitch = fold(n.pitch + shift, self.inst.low, self.inst.high)
            vel = n.velocity * level * pulse.accent(n.start) * _dynamic(score, n.start)
            length = min(n.length * legato, short) if short else n.length * legato
            self.notes.append(Note(n.start, max(0.05, length), pitch, int(np.clip(vel, 20, 127))))

    def part(self, rng: np.random.Generator, tier: str, flat: bool = False) -> Part:
        notes = sorted(humanise(self.notes, rng, timing=0.004, velocity=0 if flat else 4), key=lambda n: n.start)
        if flat:  # a harpsichord's pluck ignores touch: keep one velocity with just the beat accent
            notes = [Note(n.start, n.length, n.pitch, 96 if n.velocity > 80 else 84 if n.velocity > 50 else n.velocity)
                     for n in notes]
        gain = self.inst.gain * _BALANCE[tier][int(self.inst.sharp)]
        return Part(self.inst.name, f"gm{self.inst.program}", notes, program=self.inst.program,
                    pan=self.inst.pan, gain=gain)


def _voice(score: Score, name: str) -> list[Note]:
    return next((list(p.notes) for p in score.parts if p.name == name), [])


def _split_chords(notes: list[Note]) -> tuple[list[Note], list[Note]]:
    """Chord tones starting together: the top note to one player, the rest to another."""
    by_start: dict[float, list[Note]] = {}
    for n in notes:
        by_start.setdefault(round(n.start, 4), []).append(n)
    top, rest = [], []
    for group in by_start.values():
        group.sort(key=lambda n: n.pitch)
        top.append(group[-1])
        rest.extend(group[:-1] if len(group) > 1 else group)
    return top, rest


def _timpani(score: Score, pulse: Pulse) -> list[Note]:
    """Tonic or dominant on downbeats of tonic/dominant bars, a stroke on every beat of the last bar."""
    key = parse_key(score.key)
    tonic, dominant = key.tonic, (key.tonic + 7) % 12
    out = []
    bpb = score.beats_per_bar
    bars = int(round(score.total_beats / bpb))
    for start, pitches in score.chords:
        if abs(start % bpb) > 1e-6:
            continue
        root = pitches[0] % 12 if len(pitches) < 3 else min(pitches) % 12
        if root in (tonic, dominant):
            bar = int(start // bpb)
            pitch = fold(38 + (root - 38) % 12, 38, 53)
            if pulse.tier == "fast":  # every active beat alike, or the bar would read as the beat
                out += [Note(bar * bpb + b, 1.0, pitch, 88) for b in pulse.active_beats(bar)]
            else:
                out.append(Note(start, 1.0, pitch, 92 if bar % 2 == 0 else 82))
    last = (bars - 1) * bpb
    out = [n for n in out if n.start < last]
    out += [Note(last + b, 1.0, fold(38 + (tonic - 38) % 12, 38, 53), 100 if b == 0 else 80)
            for b in pulse.active_beats(bars - 1)]
    return out


def orchestration_agent(score: Score, ensemble: str, rng: np.random.Generator, dynamics: float = 0.0,
                        figure: str = "") -> dict[str, str]:
    """Replace the abstract voices with instrument parts; returns who plays what (for describe())."""
    pulse = Pulse(score.bpm, score.beats_per_bar)
    level = float(np.clip(1.0 + 0.12 * dynamics, 0.75, 1.2))
    melody, imitation = _voice(score, "melody"), _voice(score, "imitation")
    alto, tenor = _voice(score, "alto"), _voice(score, "tenor")
    accomp, bass = _voice(score, "accomp"), _voice(score, "bass")
    chorale = figure == "chorale"
    detached = 0.55 if figure in ("repeated", "oompah", "walking") else 1.0
    roles: dict[str, str] = {}
    desks: list[_Desk] = []
    flat = False
    if ensemble in ("piano", "harpsichord"):
        flat = ensemble == "harpsichord"
        rh, lh = (_Desk(PIANO_RH), _Desk(PIANO_LH)) if not flat else (_Desk(HARPS_RH), _Desk(HARPS_LH))
        art = 0.9 if flat else 1.0
        rh.play(melody, score, pulse, level * 1.05, legato=art)
        if chorale:
            rh.play(alto, score, pulse, level * 0.8, legato=0.97)
            lh.play(tenor, score, pulse, level * 0.8, legato=0.97)
        lh.play(imitation, score, pulse, level * 0.95, legato=art)
        lh.play(accomp, score, pulse, level * 0.8, legato=detached * art if detached < 1 else 1.0)
        lh.play(bass, score, pulse, level * 0.85, legato=0.9 * art)
        desks = [rh, lh]
        roles = {rh.inst.name: "melody", lh.inst.name: "accompaniment and bass"}
    elif ensemble == "quartet":
        plucked = pulse.tier == "fast" or figure in ("repeated", "oompah", "chorale")  # serenade: cello pizz.
        v1, v2, va, vc = (_Desk(i) for i in (VIOLIN_1, VIOLIN_2, VIOLA, CELLO_PIZZ if plucked else CELLO))
        v1.play(melody, score, pulse, level, legato=1.0)
        top, rest = _split_chords(accomp)
        if imitation:
            v2.play(imitation, score, pulse, level * 0.95)
            va.play(accomp, score, pulse, level * 0.75, legato=detached)
        elif chorale:
            v2.play(alto, score, pulse, level * 0.85, legato=0.97)
            va.play(tenor, score, pulse, level * 0.85, legato=0.97)
        else:
            v2.play(top, score, pulse, level * 0.75, legato=detached)
            va.play(rest, score, pulse, level * 0.75, legato=detached)
        vc.play(bass, score, pulse, level * 0.95, legato=0.6 if figure == "repeated" else 0.9)
        desks = [v1, v2, va, vc]
        roles = {"violin I": "melody", "violin II": "imitation" if imitation else "accompaniment",
                 "viola": "accompaniment", vc.inst.name: "bass"}
    else:
        desks, roles = _string_orchestra(score, pulse, level, melody, imitation, (alto, tenor), accomp, bass,
                                         chorale, detached, ensemble == "orchestra")
    score.parts = [d.part(rng, pulse.tier, flat) for d in desks if d.notes]
    return roles


def _string_orchestra(score: Score, pulse: Pulse, level: float, melody: list[Note], imitation: list[Note],
                      inner: tuple[list[Note], list[Note]], accomp: list[Note], bass: list[Note], chorale: bool,
                      detached: float, winds: bool) -> tuple[list[_Desk], dict[str, str]]:
    """Bowed strings sing the melody and hold the harmony; pizzicato strings and short bass notes carry
    the pulse, since the bowed section's slow attack would blur the beat."""
    vn, lead, mid, pz, vc, cb = (_Desk(i) for i in (VIOLINS, VIOLIN_LEAD, INNER_STRINGS, PIZZICATO, CELLOS,
                                                     BASSES))
    roles = {"violins": "melody", "violas and second violins": "sustained inner voices",
             "pizzicato strings": "accompaniment figure", "cellos": "bass", "basses": "bass an octave below"}
    short = None if chorale or pulse.tier == "slow" else 0.5
    if not winds:
        vn.play(melody, score, pulse, level, legato=1.0)
        if score.bpm >= 100:  # a leader doubles the tune so fast notes still speak
            lead.play(melody, score, pulse, level * 0.9, legato=0.95)
    mid.play(imitation, score, pulse, level * 0.95)
    mid.play(inner[0] + inner[1], score, pulse, level * (0.85 if chorale else 0.6), legato=0.98)
    pz.play(inner[0] + inner[1] if chorale else accomp, score, pulse, level * 0.9, legato=1.0)
    pz.play(bass, score, pulse, level * 0.9, legato=1.0)  # plucked basses mark every beat
    vc.play(bass, score, pulse, level * 0.9, legato=0.9, short=short)
    cb.play(bass, score, pulse, level * 0.8, legato=0.9, shift=-12, short=short)
    desks = [vn, lead, mid, pz, vc, cb]
    if chorale:  # a harp spells each chord on the beat under the sustained, soft-attacked hymn
        hp = _Desk(HARP)
        hp.play(inner[0] + inner[1] + bass, score, pulse, level * 0.8, legato=1.0)
        desks.append(hp)
        roles["harp"] = "chord on every beat"
    if not winds:
        return desks, roles
    fl, ob, cl, hn, tp = (_Desk(i) for i in (FLUTE, OBOE, CLARINET, HORN, TIMPANI))
    for n in melody:
        sec = _section_of(score, n.start)
        if sec in ("B", "development", "episode", "sequence") or sec.startswith("var 2"):
            fl.play([n], score, pulse, level * 0.95)  # solo flute in the contrasting section
            vn.play([Note(n.start, n.length, n.pitch, n.velocity - 20)], score, pulse, level * 0.8, shift=-12)
        elif sec in ("A'", "recapitulation", "coda", "final entries", "pedal point") or sec.startswith("var 3"):
            vn.play([n], score, pulse, level)
            fl.play([n], score, pulse, level * 0.85, shift=12)  # tutti: flute doubles an octave up
            ob.play([n], score, pulse, level * 0.8)
        else:
            vn.play([n], score, pulse, level)
            ob.play([n], score, pulse, level * 0.75)  # oboe doubles the violins
        if score.bpm >= 100 and sec not in ("B", "development", "episode", "sequence"):
            lead.play([n], score, pulse, level * 0.85, legato=0.95)
    cl.play(inner[0], score, pulse, level * 0.75, legato=0.98)
    hn.play(inner[1], score, pulse, level * 0.7, legato=0.98)
    tp.play(_timpani(score, pulse), score, pulse, level * 0.9, legato=0.5)
    roles.update({"violins": "melody (with oboe, flute solo in contrast, tutti at the return)",
                  "flute": "melody solo / octave doubling", "oboe": "melody doubling",
                  "clarinet": "inner voice", "horn": "inner voice", "timpani": "tonic/dominant downbeats"})
    return desks + [fl, ob, cl, hn, tp], roles
