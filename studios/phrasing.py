"""Score passes behind two remix sliders, plus the measures that show their effect.

Structure Consistency: above neutral, the later phrases of a section become exact copies of its first
phrase (all parts, so melody and harmony stay together); below neutral, the melody's repeats are varied
by scale steps and dropped notes. Weirdness: melody notes are moved a semitone off the scale.
Both work on any studio's Score, after its agents have written it.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np

from studios.score import Note, Part, Score
from studios.theory import Key, parse_key

_MELODY_NAMES = ("lead", "melody", "hook", "soprano", "right hand", "violin i", "flute", "rhythm_l")
_LOW_NAMES = ("bass", "808", "left hand", "cello", "contrabass", "tuba", "pad", "keys", "rhythm")


def melody_part(score: Score) -> Part | None:
    """The part carrying the tune: a part named like a melody, else the highest non-bass line."""
    pitched = [p for p in score.parts if not p.is_drum and p.notes]
    for name in _MELODY_NAMES:
        for p in pitched:
            if name in p.name.lower():
                return p
    upper = [p for p in pitched if not any(w in p.name.lower() for w in _LOW_NAMES)] or pitched
    return max(upper, key=lambda p: float(np.median([n.pitch for n in p.notes])), default=None)


def melody_notes(score: Score) -> list[Note]:
    part = melody_part(score)
    return list(part.notes) if part else []


def phrase_bars(score: Score) -> int:
    """Bars per phrase: four in sections long enough to repeat them, else two."""
    longest = max((s.bars for s in score.sections), default=0)
    return 4 if longest >= 8 else 2


def _phrase_spans(score: Score) -> list[list[tuple[float, float]]]:
    """Per section, its whole phrases as (start, end) beats."""
    bpb, size = score.beats_per_bar, phrase_bars(score)
    out = []
    for sec in score.sections:
        starts = range(sec.start_bar, sec.start_bar + sec.bars - size + 1, size)
        out.append([(float(b * bpb), float((b + size) * bpb)) for b in starts])
    return out


def _within(notes: Sequence[Note], a: float, b: float) -> list[Note]:
    return [n for n in notes if a - 1e-6 <= n.start < b - 1e-6]


def _copy_phrase(part: Part, src: tuple[float, float], dst: tuple[float, float]) -> None:
    shift = dst[0] - src[0]
    kept = [n for n in part.notes if not dst[0] - 1e-6 <= n.start < dst[1] - 1e-6]
    copied = [Note(n.start + shift, n.length, n.pitch, n.velocity) for n in _within(part.notes, *src)]
    part.notes = sorted(kept + copied, key=lambda n: (n.start, n.pitch))


def _vary(notes: list[Note], key: Key, amount: float, rng: np.random.Generator) -> list[Note]:
    """Move some notes by one or two scale steps and drop a few, so a repeat is not a copy."""
    out: list[Note] = []
    for n in notes:
        u = rng.random()
        if u < 0.12 * amount and len(out) > 0:
            continue  # a dropped note: the phrase breathes differently
        if u < 0.55 * amount:
            scale = key.scale_pitches(n.pitch - 5, n.pitch + 5)
            here = min(range(len(scale)), key=lambda i: abs(scale[i] - n.pitch))
            step = int(rng.choice([-2, -1, 1, 2]))
            n = Note(n.start, n.length, scale[int(np.clip(here + step, 0, len(scale) - 1))], n.velocity)
        out.append(n)
    return out


def regularise_phrases(score: Score, regularity: float, rng: np.random.Generator) -> None:
    """Structure Consistency in place: regularity 1 copies, -1 varies, 0 leaves the score as written."""
    if abs(regularity) < 1e-9:
        return
    spans = _phrase_spans(score)
    if regularity > 0:
        for phrases in spans:
            for dst in phrases[1:]:
                if rng.random() < regularity:
                    for part in score.parts:
                        _copy_phrase(part, phrases[0], dst)
        return
    melody = melody_part(score)
    if melody is None:
        return
    key = parse_key(score.key)
    later = [(a, b) for phrases in spans for a, b in phrases[1:]]
    varied = [n for n in melody.notes if not any(a - 1e-6 <= n.start < b - 1e-6 for a, b in later)]
    for a, b in later:
        varied += _vary(_within(melody.notes, a, b), key, -regularity, rng)
    melody.notes = sorted(varied, key=lambda n: (n.start, n.pitch))


def admit_outside_notes(score: Score, rate: float, rng: np.random.Generator) -> None:
    """Weirdness in place: move about `rate` of the melody's notes a semitone off the key's scale."""
    melody = melody_part(score)
    if melody is None or rate <= 0:
        return
    pcs = set(_scale_pcs(parse_key(score.key)))
    bpb = score.beats_per_bar
    out = []
    for n in melody.notes:
        # Downbeats and long notes stay put: they carry the key, so the take still reads in it.
        passing = n.length <= 1.0 + 1e-6 and abs(n.start / bpb - round(n.start / bpb)) > 0.02
        if passing and n.pitch % 12 in pcs and rng.random() < rate:
            options = [n.pitch + d for d in (-1, 1) if (n.pitch + d) % 12 not in pcs]
            if options:
                n = Note(n.start, n.length, options[int(rng.integers(len(options)))], n.velocity)
        out.append(n)
    melody.notes = out


def _scale_pcs(key: Key) -> list[int]:
    return [(key.tonic + s) % 12 for s in key.scale]


# -- measures (used by tests and the bench to show each slider's effect) -------------------------------
def outside_fraction(notes: Sequence[Note], key: str) -> float:
    """Share of notes whose pitch class is not in the key's scale."""
    pcs = set(_scale_pcs(parse_key(key)))
    return sum(n.pitch % 12 not in pcs for n in notes) / max(1, len(notes))


def pitch_entropy(notes: Sequence[Note]) -> float:
    """Shannon entropy (bits) of the pitch-class histogram: 0 = one pitch class, log2(12) = all equal."""
    counts = Counter(n.pitch % 12 for n in notes)
    total = sum(counts.values())
    return -sum(c / total * math.log2(c / total) for c in counts.values()) if total else 0.0


def _similarity(a: Sequence[Note], a0: float, b: Sequence[Note], b0: float) -> float:
    """Jaccard similarity of two phrases as (onset on a 16th grid, pitch), also tried with pitches taken
    from each phrase's first note, so a riff moved to a new root still counts as the same phrase."""
    def shape(notes: Sequence[Note], start: float, relative: bool) -> set[tuple[float, int]]:
        first = min(notes, key=lambda n: (n.start, n.pitch)).pitch if notes and relative else 0
        return {(round((n.start - start) * 4) / 4, n.pitch - first) for n in notes}

    best = 0.0
    for relative in (False, True):
        x, y = shape(a, a0, relative), shape(b, b0, relative)
        best = max(best, len(x & y) / max(1, len(x | y)))
    return best


def phrase_repetition(score: Score, part: Part | None = None) -> float:
    """Mean similarity of each section's later phrases to its first (see _similarity);
    NaN when no section repeats a phrase (nothing to measure)."""
    part = part or melody_part(score)
    if part is None:
        return math.nan
    sims = []
    for phrases in _phrase_spans(score):
        if len(phrases) < 2:
            continue
        first = _within(part.notes, *phrases[0])
        for a, b in phrases[1:]:
            sims.append(_similarity(first, phrases[0][0], _within(part.notes, a, b), a))
    return float(np.mean(sims)) if sims else math.nan


def shared_notes(reference: Sequence[Note], take: Sequence[Note], tolerance: float = 0.05,
                 any_octave: bool = False) -> float:
    """Share of the reference's notes the take also plays: same pitch (or pitch class, with any_octave:
    a tune moved into another instrument's register), onset within `tolerance` beats."""
    def pitch(n: Note) -> int:
        return n.pitch % 12 if any_octave else n.pitch

    by_pitch: dict[int, list[float]] = {}
    for n in take:
        by_pitch.setdefault(pitch(n), []).append(n.start)
    hits = sum(any(abs(t - n.start) <= tolerance for t in by_pitch.get(pitch(n), ())) for n in reference)
    return hits / max(1, len(reference))
