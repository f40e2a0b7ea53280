"""Counterpoint/melody agent: a singing soprano, a bass in contrary motion, and imitative entries.

The soprano moves mostly by step, recovers every leap by a step the other way, lands chord tones on
strong beats and arrives on the tonic (from 2 or 7) at authentic cadences and on 2/5/7 at half
cadences; bar two of a phrase repeats bar one's rhythm and intervals (a motif). Restated sections
reuse their melody; variations ornament, displace or dot the theme. The bass takes each chord's bass
note, choosing the octave that moves against the soprano and avoids parallel fifths and octaves.
In a canon the imitation voice enters a ground-period later with the leader's line an octave down.
Abstract voices written: "melody", "bass" and, for canons, "imitation".
"""

from __future__ import annotations

import numpy as np

from studios.score import Note, Part, Score
from studios.theory import Key, parse_key
from studios.virtuoso.form import Phrase, material, phrases, variation_number
from studios.virtuoso.harmony import chord_at, chord_spans
from studios.virtuoso.meter import Pulse

Spans = list[tuple[float, float, list[int]]]

# Bar rhythms (beat lengths) by meter; half-beats are merged away where the pulse forbids them.
_RHYTHMS: dict[int, list[list[float]]] = {
    4: [[1, 1, 1, 1], [0.5, 0.5, 1, 2], [1, 0.5, 0.5, 2], [2, 1, 1], [1.5, 0.5, 1, 1], [1, 1, 2],
        [0.5, 0.5, 0.5, 0.5, 1, 1], [2, 2], [1, 1, 0.5, 0.5, 1]],
    3: [[1, 1, 1], [2, 1], [0.5, 0.5, 1, 1], [1, 0.5, 0.5, 1], [1.5, 0.5, 1], [1, 2]],
}
_CADENCE_RHYTHMS: dict[int, list[list[float]]] = {4: [[4], [2, 2], [3, 1]], 3: [[3], [2, 1]]}
_INTERVAL_COST = {0: 1.2, 1: 0.0, 2: 0.0, 3: 0.8, 4: 1.0, 5: 1.8, 7: 2.4, 8: 3.2, 9: 3.2, 12: 3.8}


def _fit(rhythm: list[float], bar: int, pulse: Pulse) -> list[float]:
    """Merge notes that would start where the pulse wants no onset into the note before them."""
    out: list[float] = []
    t = 0.0
    for d in rhythm:
        pos = bar * pulse.beats_per_bar + t
        half = abs(t - round(t)) > 1e-6
        allowed = pulse.is_active(pos) and not (half and pulse.subdivision == 1)
        if out and not allowed:
            out[-1] += d
        else:
            out.append(d)
        t += d
    return out


def adapted_scale(key: Key, chord: list[int]) -> set[int]:
    """The key's scale with the chord's chromatic tones replacing their neighbours (B for Bb over V in minor)."""
    scale = {(key.tonic + s) % 12 for s in key.scale}
    pcs = {p % 12 for p in chord}
    for cp in pcs - scale:
        for nb in ((cp - 1) % 12, (cp + 1) % 12):
            if nb in scale and nb not in pcs:
                scale.discard(nb)
        scale.add(cp)
    return scale


def _choose(prev: int | None, prev_step: int, allowed: list[int], chord_pcs: set[int], strong: bool,
            target: float, motif_step: int | None, rng: np.random.Generator, tonic: int = -1) -> int:
    best, best_cost = allowed[0], float("inf")
    for p in allowed:
        cost = 0.12 * abs(p - target) + float(rng.uniform(0.0, 1.2))
        if strong and p % 12 == tonic:
            cost -= 0.6  # the tune leans on the tonic, which keeps the key unmistakable
        if prev is not None:
            iv = p - prev
            cost += _INTERVAL_COST.get(abs(iv), 6.0 if abs(iv) < 12 else 99.0)
            if abs(prev_step) >= 5 and (iv * prev_step > 0 or abs(iv) > 2):
                cost += 5.0  # recover a leap by step in the opposite direction
            if abs(prev_step) >= 3 and abs(iv) >= 3 and iv * prev_step > 0:
                cost += 3.0  # no two leaps the same way
            if motif_step is not None:
                cost += 0.5 * abs(iv - motif_step)
            if p % 12 not in chord_pcs and (strong or abs(iv) > 2):
                cost += 4.0  # dissonances only as passing or neighbour tones on weak beats
        elif p % 12 not in chord_pcs:
            cost += 4.0
        if cost < best_cost:
            best, best_cost = p, cost
    return best


def _phrase_rhythm(ph: Phrase, pulse: Pulse, rng: np.random.Generator) -> list[list[float]]:
    bpb = pulse.beats_per_bar
    vocab = _RHYTHMS.get(bpb, [[1.0] * bpb])
    motif = vocab[int(rng.integers(len(vocab)))]
    bars = []
    for i in range(ph.bars):
        bar = ph.start_bar + i
        if i == ph.bars - 1:
            cad = _CADENCE_RHYTHMS.get(bpb, [[float(bpb)]])
            r = cad[int(rng.integers(len(cad)))] if ph.cadence == "HC" or not ph.last_in_piece else [float(bpb)]
        elif i < 2 or (i == 2 and rng.random() < 0.4):
            r = motif
        else:
            r = vocab[int(rng.integers(len(vocab)))]
        bars.append(_fit(list(r), bar, pulse))
    return bars


def _compose_phrase(ph: Phrase, spans: Spans, key: Key, pulse: Pulse, rng: np.random.Generator,
                    prev: int | None, lo: int, hi: int, center: float) -> list[Note]:
    bpb = pulse.beats_per_bar
    onsets: list[tuple[float, float, int, int]] = []  # (start, length, bar in phrase, index in bar)
    for i, bar in enumerate(_phrase_rhythm(ph, pulse, rng)):
        t = float((ph.start_bar + i) * bpb)
        for j, d in enumerate(bar):
            onsets.append((t, d, i, j))
            t += d
    start, length = ph.start_bar * bpb, ph.bars * bpb
    tonic_pc = key.tonic
    notes: list[Note] = []
    prev_step = 0
    first_bar: list[int] = []
    amp = float(rng.uniform(3.0, 7.0))
    for k, (t, d, bar_i, j) in enumerate(onsets):
        chord = chord_at(spans, t)
        pcs = {p % 12 for p in chord}
        scale = adapted_scale(key, chord)
        pool = [p for p in range(lo, hi + 1) if p % 12 in scale]
        u = (t - start) / max(length, 1)
        target = center + amp * np.sin(np.pi * u) - (3.0 if ph.cadence == "PAC" else 0.0) * u
        strong = abs(t - round(t)) < 1e-6 and (int(round(t)) % bpb in (0, 2 if bpb == 4 else 0) or d >= 1.5)
        last, penult = k == len(onsets) - 1, k == len(onsets) - 2
        if last and ph.cadence == "PAC":
            pool = [p for p in pool if p % 12 == tonic_pc] or pool
        elif last:
            pool = [p for p in pool if p % 12 in pcs] or pool
        elif penult and ph.cadence == "PAC":
            steps = {key.degree_pc(2), (tonic_pc - 1) % 12}
            pool = [p for p in pool if p % 12 in steps and p % 12 in scale] or pool
        motif_step = None
        if bar_i == 1 and 0 < j < len(first_bar):
            motif_step = first_bar[j] - first_bar[j - 1]
        p = _choose(prev, prev_step, pool, pcs, strong, target, motif_step, rng, tonic_pc)
        if bar_i == 0:
            first_bar.append(p)
        prev_step = p - prev if prev is not None else 0
        prev = p
        notes.append(Note(t, d, p, 90 if strong else 80))
    return notes


def _vary(theme: list[Note], number: int, shift: float, key: Key, spans: Spans, pulse: Pulse,
          rng: np.random.Generator, hi: int) -> tuple[list[Note], str]:
    """A variation of the theme: ornamented (neighbour notes), lifted an octave, or dotted."""
    styles = ["ornamented", "octave", "dotted"] if pulse.tier == "medium" else ["ornamented", "octave"]
    style = styles[(number - 1 + int(rng.integers(len(styles)))) % len(styles)] if number > 1 else styles[0]
    out: list[Note] = []
    for i, n in enumerate(theme):
        t = n.start + shift
        if style == "octave":
            out.append(Note(t, n.length, n.pitch + 12 if n.pitch + 12 <= hi + 7 else n.pitch, n.velocity))
            continue
        split = 0.5 if pulse.subdivision == 2 else 1.0
        nxt = theme[i + 1].pitch if i + 1 < len(theme) else n.pitch
        if n.length >= 2 * split and pulse.is_active(t + split) and i < len(theme) - 1:
            first = n.length * 0.75 if style == "dotted" else split
            scale = sorted(adapted_scale(key, chord_at(spans, t + first)))
            step = 1 if nxt >= n.pitch else -1
            cands = [n.pitch + step * s for s in (1, 2) if (n.pitch + step * s) % 12 in scale]
            orn = cands[0] if cands else n.pitch
            out += [Note(t, first, n.pitch, n.velocity), Note(t + first, n.length - first, orn, n.velocity - 8)]
        else:
            out.append(Note(t, n.length, n.pitch, n.velocity))
    return out, style


def melody_agent(score: Score, rng: np.random.Generator) -> dict[str, str]:
    """Write the "melody" voice phrase by phrase; returns what it chose (for describe())."""
    key = parse_key(score.key)
    pulse = Pulse(score.bpm, score.beats_per_bar)
    spans = chord_spans(score) or [(0.0, score.total_beats, [key.pitch(1, 3), key.pitch(3, 3), key.pitch(5, 3)])]
    center = 60 + (key.tonic - 60) % 12
    center = center + 12 if center < 64 else center  # tonic between E4 and D#5
    lo, hi = center - 8, center + 12
    part = Part("melody", "melody", program=0)
    composed: dict[str, tuple[float, list[Note]]] = {}
    section_notes: dict[str, list[Note]] = {}
    variations: list[str] = []
    prev: int | None = None
    bpb = score.beats_per_bar
    sections = {s.name: s for s in score.sections}
    for ph in phrases(score):
        sec = sections.get(ph.section)
        mat = material(ph.section)
        src = composed.get(mat)
        shift = (sec.start_bar * bpb - src[0]) if (sec and src) else 0.0
        offset_notes = [n for n in src[1] if (ph.start_bar * bpb) <= n.start + shift < (ph.start_bar + ph.bars) * bpb] \
            if src and mat != ph.section else []
        if offset_notes:
            number = variation_number(ph.section)
            if number:
                new, style = _vary(offset_notes, number, shift, key, spans, pulse, rng, hi)
                if ph.index == 0:
                    variations.append(f"{ph.section}: {style}")
            else:
                new = [Note(n.start + shift, n.length, n.pitch, n.velocity) for n in offset_notes]
        else:
            new = _compose_phrase(ph, spans, key, pulse, rng, prev, lo, hi, center)
        part.notes.extend(new)
        section_notes.setdefault(ph.section, []).extend(new)
        if mat == ph.section and sec:
            composed[ph.section] = (sec.start_bar * bpb, section_notes[ph.section])
        prev = new[-1].pitch if new else prev
    _replace(score, part)
    return {"melody": f"soprano {_name(lo)}-{_name(hi)}, stepwise with recovered leaps",
            "variations": "; ".join(variations)}


def bass_agent(score: Score, rng: np.random.Generator) -> Part:
    """Write the "bass" voice: each chord's bass note, in the octave moving against the soprano."""
    key = parse_key(score.key)
    spans = chord_spans(score) or [(0.0, score.total_beats, [key.pitch(1, 3)])]
    melody = _find(score, "melody")
    part = Part("bass", "bass", program=0)
    prev: int | None = None
    prev_sop: int | None = None
    pedal = _pedal_spans(score)
    for start, end, chord in spans:
        pc = chord[0] % 12
        if any(a <= start < b for a, b in pedal) and key.tonic in {q % 12 for q in chord}:
            pc = key.tonic  # tonic pedal: I, IV64 and vi6 over the tonic anchor the key
        sop = _sounding(melody, start)
        cands = [p for p in range(36, 56) if p % 12 == pc]
        best, best_cost = cands[0], float("inf")
        for p in cands:
            cost = 0.08 * abs(p - 45) + float(rng.uniform(0.0, 0.3))
            if prev is not None:
                cost += 0.35 * abs(p - prev) + (99.0 if abs(p - prev) > 12 else 0.0)
                if sop is not None and prev_sop is not None:
                    b_dir, s_dir = np.sign(p - prev), np.sign(sop - prev_sop)
                    if b_dir != 0 and b_dir == s_dir:
                        cost += 2.5  # prefer contrary or oblique motion
                        if (sop - p) % 12 in (0, 7) and (prev_sop - prev) % 12 in (0, 7):
                            cost += 8.0  # parallel fifths / octaves
            if cost < best_cost:
                best, best_cost = p, cost
        part.notes.append(Note(start, end - start, best, 96))
        prev, prev_sop = best, sop
    _replace(score, part)
    return part


def _pedal_spans(score: Score) -> list[tuple[float, float]]:
    """Beats where the bass holds the tonic when it can: the opening phrase and the final one, up to
    their cadence bars."""
    phs = phrases(score)
    bpb = score.beats_per_bar
    spans = []
    for ph in (phs[:1] + phs[-1:]) if phs else []:
        if ph.bars > 2:
            spans.append((float(ph.start_bar * bpb), float((ph.start_bar + ph.bars - 2) * bpb)))
    return spans


def canon_period(score: Score) -> int:
    """Bars after which the harmony repeats (the ground), i.e. how late a canonic voice can enter."""
    bpb = score.beats_per_bar
    bars = int(round(score.total_beats / bpb))
    by_bar: dict[int, list[tuple[float, tuple[int, ...]]]] = {}
    for start, pitches in score.chords:
        by_bar.setdefault(int(start // bpb), []).append((start % bpb, tuple(p % 12 for p in pitches)))
    for period in (1, 2, 4):
        body = range(bars - 2 - period)
        if len(body) >= period and all(by_bar.get(b) == by_bar.get(b + period) for b in body):
            return period if period >= 2 else 2
    return 2


def imitation_agent(score: Score, rng: np.random.Generator) -> Part | None:
    """Write the "imitation" voice: the melody an octave lower, entering one ground period late."""
    melody = _find(score, "melody")
    if melody is None or not melody.notes:
        return None
    key = parse_key(score.key)
    bpb = score.beats_per_bar
    delay = canon_period(score) * bpb
    cadence_from = max(delay, score.total_beats - 2 * bpb)
    part = Part("imitation", "imitation", program=0)
    for n in melody.notes:
        t = n.start + delay
        if t < cadence_from:
            part.notes.append(Note(t, min(n.length, cadence_from - t), n.pitch - 12, n.velocity - 6))
    # Free counterpoint into the final cadence: half notes on chord tones, closing on the third.
    spans = chord_spans(score)
    prev = part.notes[-1].pitch if part.notes else key.pitch(3, 4)
    t = cadence_from
    while t < score.total_beats - 1e-6:
        chord = chord_at(spans, t)
        pcs = {p % 12 for p in chord}
        final = t >= score.total_beats - bpb
        if final:
            pcs = {key.degree_pc(3)}
        cands = [p for p in range(prev - 7, prev + 8) if p % 12 in pcs] or [prev]
        p = min(cands, key=lambda c: (abs(c - prev) + float(rng.uniform(0, 0.5)), c))
        length = float(bpb) if final else min(2.0, score.total_beats - t)
        part.notes.append(Note(t, length, p, 80))
        prev, t = p, t + length
    _replace(score, part)
    return part


def _find(score: Score, name: str) -> Part | None:
    return next((p for p in score.parts if p.name == name), None)


def _replace(score: Score, part: Part) -> None:
    score.parts = [p for p in score.parts if p.name != part.name] + [part]


def _sounding(part: Part | None, beat: float) -> int | None:
    if part is None:
        return None
    current = None
    for n in part.notes:
        if n.start > beat + 1e-6:
            break
        current = n.pitch
    return current


def _name(pitch: int) -> str:
    return ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")[pitch % 12] + str(pitch // 12 - 1)
