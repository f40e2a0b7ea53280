"""Accompaniment (texture) agent: the figures that carry the pulse under the melody.

Figures: Alberti bass (low-high-mid-high), oom-pah-pah (bass on 1, chords on 2 and 3), repeated
chords, rising arpeggios (preludes), walking continuo bass (canons), and four-part chorale blocks.
Every figure starts its notes on the beat with the lowest tone, so each beat is heard; how finely
they subdivide and which beats may sound comes from meter.Pulse. Writes "accomp" (the figure),
"alto" and "tenor" (sustained middle voices: the chorale's inner parts, or pads for winds and horns)
and rewrites "bass" into beat rhythm (repeated, walking or held).
"""

from __future__ import annotations

from itertools import product

import numpy as np

from studios.score import Note, Part, Score
from studios.theory import parse_key, voice_lead
from studios.virtuoso.counterpoint import adapted_scale
from studios.virtuoso.form import variation_number
from studios.virtuoso.harmony import chord_spans
from studios.virtuoso.meter import Pulse

FIGURES = ("alberti", "oompah", "repeated", "arpeggio", "walking", "chorale")
_VARIATION_FIGURES = ("repeated", "alberti", "arpeggio", "repeated")
_BASS_STYLE = {"alberti": "held", "oompah": "held", "repeated": "repeat", "arpeggio": "held",
               "walking": "walk", "chorale": "walk"}


def choose_figure(form: str, ensemble: str, section: str, pulse: Pulse) -> str:
    """The figure for one section: the form's idiom, swapped in contrasting sections and variations."""
    keyboard = ensemble in ("piano", "harpsichord")
    if form == "chorale":
        return "chorale"
    if form == "canon":
        return "walking"
    if pulse.beats_per_bar == 3:
        return "oompah"
    if form == "prelude":
        return "arpeggio" if section != "pedal point" else "repeated"
    if form == "variations":
        n = variation_number(section)
        return _VARIATION_FIGURES[n % len(_VARIATION_FIGURES)] if section != "coda" else "repeated"
    if section in ("B", "development"):
        return "arpeggio" if keyboard else "repeated"
    return "alberti" if keyboard else "repeated"


def _beats(start: float, end: float, pulse: Pulse, step: float) -> list[float]:
    """Onset grid inside a chord span at the given step, keeping only positions the pulse allows."""
    out, t = [], start
    while t < end - 1e-6:
        if pulse.is_active(t):
            out.append(t)
        t += step
    return out


def _figure_notes(figure: str, start: float, end: float, voicing: list[int], pulse: Pulse) -> list[Note]:
    sub = pulse.subdivision
    step = 1.0 / sub
    out: list[Note] = []
    if figure == "alberti":
        order = [voicing[0], voicing[-1], voicing[len(voicing) // 2], voicing[-1]]
        for i, t in enumerate(_beats(start, end, pulse, step)):
            idx = int(round((t - start) * sub)) if pulse.tier != "fast" else i
            out.append(Note(t, step, order[idx % 4], 74 if abs(t - round(t)) < 1e-6 else 60))
    elif figure == "arpeggio":
        rising = voicing + [p + 12 for p in voicing]
        for i, t in enumerate(_beats(start, end, pulse, step)):
            on_beat = abs(t - round(t)) < 1e-6
            out.append(Note(t, step * 1.5, rising[i % len(rising)], 74 if on_beat else 60))
    elif figure == "oompah":
        # chord stabs off the downbeat; consecutive stabs swap inversion so each one sounds fresh
        # (at fast tempos they are as full as the downbeat so every active beat weighs the same)
        lifted = voicing[1:] + [voicing[0] + 12]
        full = pulse.tier == "fast"
        vel = 100 if full else 72
        for t in _beats(start, end, pulse, 1.0):
            beat = int(round(t)) % pulse.beats_per_bar
            if beat != 0:
                chord = voicing if beat % 2 else lifted
                chord = chord + [chord[0] - 12] if full else chord
                out += [Note(t, 0.6, p, vel) for p in chord]
    elif figure in ("repeated", "walking"):
        rep = step if figure == "repeated" and pulse.bpm >= 100 else 1.0
        if figure == "walking":
            rep = 2.0 if pulse.tier != "fast" else 1.0
        for t in _beats(start, end, pulse, rep):
            out += [Note(t, rep * 0.9, p, 72 if abs(t - round(t)) < 1e-6 else 58) for p in voicing]
    return out


def _ticks(start: float, end: float, voicing: list[int], pulse: Pulse) -> list[Note]:
    """A soft single middle note on each weak beat of a fast bar: heard, but far lighter than a beat."""
    out = []
    t = float(np.ceil(start - 1e-6))
    while t < end - 1e-6:
        bar, beat = divmod(int(t + 1e-6), pulse.beats_per_bar)
        if beat in pulse.weak_beats(bar):
            out.append(Note(t, 0.4, voicing[len(voicing) // 2], 40))
        t += 1.0
    return out


def _bass_notes(style: str, start: float, end: float, pitch: int, nxt: int | None, scale: set[int],
                pulse: Pulse) -> list[Note]:
    beats = _beats(start, end, pulse, 1.0)
    if style == "held" or not beats:
        return [Note(start, end - start, pitch, 96)]
    if style == "downbeat":  # the chord's bass, struck again on each downbeat it lasts through
        hits = [start] + [t for t in beats if t > start and int(round(t)) % pulse.beats_per_bar == 0]
        return [Note(t, 1.0, pitch, 96) for t in hits]
    if style == "repeat":
        return [Note(t, 1.0, pitch, 96 if i == 0 else 84) for i, t in enumerate(beats)]
    # walk: the chord's bass first, then scale steps heading for the next chord's bass (or its octave)
    out, p = [], pitch
    for i, t in enumerate(beats):
        if i > 0:
            if nxt is not None and abs(nxt - p) > 2:
                direction = 1 if nxt > p else -1
                cand = [p + direction * s for s in (1, 2) if (p + direction * s) % 12 in scale]
                p = cand[0] if cand else p
            else:
                p = pitch + 12 if p == pitch and pitch + 12 <= 60 else pitch
        out.append(Note(t, 1.0, p, 96 if i == 0 else 84))
    return out


def _inner(chord: list[int], sop: int, bass: int,
           prev: tuple[int, int] | None) -> tuple[int, int]:
    """Alto and tenor between bass and soprano: complete the chord, move little, keep spacing."""
    pcs = {p % 12 for p in chord}
    third = chord[1] % 12 if len(chord) > 1 else chord[0] % 12
    alto_c = [p for p in range(max(bass + 3, sop - 12), sop) if p % 12 in pcs and 53 <= p <= 74]
    ten_c = [p for p in range(max(bass + 2, 45), sop - 2) if p % 12 in pcs and p <= 67]
    best, best_cost = (max(sop - 5, bass + 4), max(bass + 2, sop - 9)), float("inf")
    for a, t in product(alto_c, ten_c):
        if not t < a or a - t > 12:
            continue
        have = {sop % 12, bass % 12, a % 12, t % 12}
        cost = 6.0 * len(pcs - have) + 4.0 * (third not in have)
        if prev:
            cost += 0.5 * (abs(a - prev[0]) + abs(t - prev[1]))
        if cost < best_cost:
            best, best_cost = (a, t), cost
    return best


def texture_agent(score: Score, form: str, ensemble: str, rng: np.random.Generator) -> dict[str, str]:
    """Write "accomp", "inner" and the rhythmic "bass"; returns the figure chosen per section."""
    key = parse_key(score.key)
    pulse = Pulse(score.bpm, score.beats_per_bar)
    spans = chord_spans(score) or [(0.0, score.total_beats, [key.pitch(1, 3), key.pitch(3, 3), key.pitch(5, 3)])]
    bass_src = next((p for p in score.parts if p.name == "bass"), None)
    melody = next((p for p in score.parts if p.name == "melody"), None)
    sections = score.sections or []
    bpb = score.beats_per_bar
    accomp, bass = Part("accomp", "accomp"), Part("bass", "bass")
    alto, tenor = Part("alto", "alto"), Part("tenor", "tenor")
    chosen: dict[str, str] = {}
    prev_voicing: list[int] | None = None
    prev_inner: tuple[int, int] | None = None
    low, high = (52, 71) if ensemble in ("piano", "harpsichord") else (55, 74)
    for i, (start, end, chord) in enumerate(spans):
        bar = int(start // bpb)
        sec = next((s.name for s in sections if s.start_bar <= bar < s.start_bar + s.bars), "A")
        figure = choose_figure(form, ensemble, sec, pulse)
        chosen.setdefault(sec, figure)
        if pulse.tier == "fast" and figure != "chorale":
            figure = "oompah"  # fast: bass on the downbeat, chord stabs on the other active beats
        upper = sorted({p % 12 for p in chord})
        voicing = voice_lead(prev_voicing, [60 + pc for pc in upper], low, high)
        if len(voicing) > 3:  # four-note chords: drop the fifth, keep root, third and seventh
            fifth = (chord[0] + 7) % 12 if len(chord) < 4 else None
            voicing = [p for p in voicing if p % 12 != fifth][:3] if fifth is not None else voicing[:3]
        prev_voicing = voicing
        bass_pitch = _held_pitch(bass_src, start) or (chord[0] % 12 + 36 + (12 if chord[0] % 12 < 4 else 0))
        nxt = _held_pitch(bass_src, end) if i + 1 < len(spans) else None
        scale = adapted_scale(key, chord)
        style = "downbeat" if pulse.tier == "fast" else _BASS_STYLE[figure]
        bass.notes += _bass_notes(style, start, end, bass_pitch, nxt, scale, pulse)
        sop = _held_pitch(melody, start) or voicing[-1] + 5
        a, t = _inner(chord, sop, bass_pitch, prev_inner)
        prev_inner = (a, t)
        vel = 84 if figure == "chorale" else 64  # chorale voices sing; pads stay underneath
        alto.notes.append(Note(start, end - start, a, vel))
        tenor.notes.append(Note(start, end - start, t, vel - 4))
        if figure != "chorale":
            accomp.notes += _figure_notes(figure, start, end, voicing, pulse)
        accomp.notes += _ticks(start, end, voicing, pulse)
    names = ("accomp", "alto", "tenor", "bass")
    score.parts = [p for p in score.parts if p.name not in names] + [bass, accomp, alto, tenor]
    return chosen


def _held_pitch(part: Part | None, beat: float) -> int | None:
    if part is None:
        return None
    current = None
    for n in part.notes:
        if n.start > beat + 1e-6:
            break
        current = n.pitch
    return current
