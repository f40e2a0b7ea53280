"""Symbolic editing of studio takes: the studio's own agents re-compose bars, the studio re-renders.

Every studio take saves its full Score (score.json, beside its MIDI; see studios.score), and so does every
symbolic edit (the merged Score), so an edit of an edit stays symbolic. Takes saved before that are recovered
by composing again with their saved request (same seed, same sliders) and checking the result against the
saved MIDI note for note; such an old take that does not reproduce is edited as audio instead.

In-paint re-composes the bars covering the region with fresh seeds at the take's tempo, key and metre,
keeps the candidate whose pitch classes fit the surrounding bars best and whose first and last notes lie
closest to their neighbours (harmony and voice-leading on both sides), then splices the re-render into
the original at the bar lines. Extend appends freshly composed bars after the last full bar.
"""

from __future__ import annotations

import copy
import logging
import zlib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from models.edit.audio import EditError, Region, crossfade, room, splice
from models.edit.base import EditResult, Source
from studios.base import GenerationRequest, Render, Studio
from studios.midi import MidiReadError, midi_to_score
from studios.remix import Remix
from studios.score import SCORE_FILE, Note, Score, ScoreFormatError, Section, score_from_json

CANDIDATES = 4
FADE_S = 0.02
REMIX_KEYS = ("melody_loyalty", "weirdness", "genre_shift", "structure_consistency")
# Operations whose audio is the studio's own render of the saved score (a neural "rerender" is not: a
# symbolic splice into it would change timbre mid-take).
RENDERED = ("generate", "inpaint", "extend", "upscale", "stems")
log = logging.getLogger(__name__)


@dataclass
class StudioTake:
    studio: Studio
    score: Score
    request: GenerationRequest
    salt: int = 0  # added to the composing seeds, so an edit of an edit does not draw the same bars again


def score_file(midi_path: Path) -> Path:
    return midi_path.with_name(SCORE_FILE)


def load_take(studio: Studio, request: GenerationRequest, midi_path: Path, operation: str = "generate",
              ) -> StudioTake | None:
    """The take's Score: the one saved beside its MIDI, else (a generate saved before scores were) re-composed.

    None when the take cannot be edited symbolically (not the studio's own render, or nothing to recover).
    """
    if operation not in RENDERED:
        return None
    path = score_file(midi_path)
    try:
        raw = path.read_bytes()
        score = score_from_json(raw)
    except FileNotFoundError:
        pass
    except (OSError, ScoreFormatError) as err:  # fall back rather than refuse: the audio is still good
        log.warning("ignoring the saved score %s (%s)", path, err)
    else:
        salt = 0 if operation == "generate" else zlib.crc32(raw) % 100_003
        return StudioTake(studio, score, request, salt)
    return recover(studio, request, midi_path) if operation == "generate" else None


def saved_request(prompt: str, seed: int | None, params: dict[str, Any]) -> GenerationRequest:
    remix = Remix.of(**{k: params.get(k) for k in REMIX_KEYS})
    return GenerationRequest(prompt, float(params.get("duration_s") or 30.0), params.get("bpm"), params.get("key"),
                             seed, 1, params.get("time_signature"), remix)


MIDI_TICK_BEATS = 1.0 / 220  # pretty-midi's resolution: where a written note start can move to


def _notes_as_written(score: Score) -> dict[str, list[tuple[int, float]]]:
    """(pitch, start beat) per part, of the notes the MIDI export keeps (it drops those past the end, and empty
    parts). Sorted by pitch first: humanised onsets less than a tick apart may swap places in the file."""
    end = score.total_beats or float("inf")
    notes = {p.name: sorted((int(n.pitch), float(n.start)) for n in p.notes if n.start < end) for p in score.parts}
    return {name: ns for name, ns in notes.items() if ns}


def reproduces(score: Score, saved: Score) -> bool:
    """True if score is the one whose MIDI was read back as saved: same tempo, parts, pitches and onsets."""
    if abs(score.bpm - saved.bpm) > 1e-3:
        return False
    ours, theirs = _notes_as_written(score), _notes_as_written(replace(saved, total_beats=0.0))
    if ours.keys() != theirs.keys():
        return False
    for name, notes in ours.items():
        other = theirs[name]
        if len(notes) != len(other) or [p for p, _s in notes] != [p for p, _s in other]:
            return False
        if not np.allclose([s for _p, s in notes], [s for _p, s in other], atol=2 * MIDI_TICK_BEATS):
            return False
    return True


def recover(studio: Studio, request: GenerationRequest, midi_path: Path) -> StudioTake | None:
    """The take's full Score (with instruments) if composing its saved request reproduces its MIDI."""
    if request.seed is None:
        return None
    try:
        saved = midi_to_score(midi_path)
        score, _note = studio.compose_take(request)
    except (MidiReadError, ValueError):
        return None
    return StudioTake(studio, score, request) if reproduces(score, saved) else None


def _cut(notes: list[Note], lo: float, hi: float) -> list[Note]:
    """Notes starting in [lo, hi), shortened so none sounds past hi."""
    return [replace(n, length=min(n.length, hi - n.start)) for n in notes if lo <= n.start < hi]


def merge(original: Score, new: Score, a_beat: float, b_beat: float, shift: float = 0.0) -> Score:
    """original with beats [a_beat, b_beat) taken from new (whose beat x lands at x + shift)."""
    out = copy.deepcopy(original)
    by_name = {p.name: p for p in new.parts}
    for part in out.parts:
        donor = by_name.get(part.name)
        if donor is None:
            continue
        moved = [replace(n, start=n.start + shift) for n in donor.notes]
        before = [replace(n, length=min(n.length, a_beat - n.start)) for n in part.notes if n.start < a_beat]
        after = [n for n in part.notes if n.start >= b_beat]
        part.notes = before + _cut(moved, a_beat, b_beat) + after
    return out


def _pitch_classes(score: Score, lo: float, hi: float) -> np.ndarray:
    h = np.zeros(12)
    for p in score.parts:
        if not p.is_drum:
            for n in p.notes:
                if lo <= n.start < hi:
                    h[n.pitch % 12] += n.length
    return h / h.sum() if h.sum() else h


def _edge_leap(original: Score, merged: Score, a: float, b: float) -> float:
    """Semitones between each melodic part's notes either side of the seams (voice leading)."""
    leap = 0.0
    for po, pm in zip(original.parts, merged.parts, strict=True):
        if po.is_drum:
            continue
        inside = [n.pitch for n in pm.notes if a <= n.start < b]
        left = [n.pitch for n in po.notes if n.start < a]
        right = [n.pitch for n in po.notes if n.start >= b]
        if inside and left:
            leap += abs(inside[0] - left[-1])
        if inside and right:
            leap += abs(inside[-1] - right[0])
    return leap


class SymbolicEditor:
    name = "symbolic re-compose (the studio's agents) + re-render, spliced at bar lines"
    fade_s = FADE_S

    def _candidates(self, take: StudioTake, prompt: str, duration_s: float) -> list[Score]:
        s = take.score
        base = replace(take.request, bpm=s.bpm, key=s.key, time_signature=f"{s.beats_per_bar}/4",
                       duration_s=max(1.0, min(600.0, duration_s)), reference=None,
                       prompt=f"{prompt} {take.request.prompt}".strip())
        seed = (take.request.seed or 0) + take.salt
        return [take.studio.compose_take(replace(base, seed=seed + 7919 * (c + 1)))[0] for c in range(CANDIDATES)]

    def _best(self, take: StudioTake, merged: list[Score], a: float, b: float) -> Score:
        bar = take.score.beats_per_bar
        context = _pitch_classes(take.score, a - bar, a) + _pitch_classes(take.score, b, b + bar)

        def cost(m: Score) -> float:
            return float(np.abs(_pitch_classes(m, a, b) - context / max(context.sum(), 1e-9)).sum()) \
                + _edge_leap(take.score, m, a, b) / 24.0
        return min(merged, key=cost)

    def _render(self, take: StudioTake, score: Score, duration_s: float, sr: int) -> Render:
        return take.studio.render(score, duration_s, sr)

    def inpaint(self, src: Source, region: Region, prompt: str = "", fade_s: float = FADE_S) -> EditResult:
        take = _need(src)
        s = take.score
        spb, bar = 60.0 / s.bpm, s.beats_per_bar
        a_bar = int(np.floor(region.start_s / spb / bar + 1e-6))
        b_bar = int(np.ceil(region.end_s / spb / bar - 1e-6))
        a_beat, b_beat = a_bar * bar, min(b_bar * bar, s.total_beats)
        merged = [merge(s, c, a_beat, b_beat) for c in self._candidates(take, prompt, src.duration_s)]
        best = self._best(take, merged, a_beat, b_beat)
        render = self._render(take, best, src.duration_s, src.sr)
        a, b = int(round(a_beat * spb * src.sr)), min(src.audio.shape[0], int(round(b_beat * spb * src.sr)))
        fi, fo = room(a, b, src.audio.shape[0], int(fade_s * src.sr))
        out = splice(src.audio, render.audio[a - fi: b + fo], a, fi, fo, correlated=True)
        seams = [t for t, f in ((a / src.sr, fi), (b / src.sr, fo)) if f > 0]
        note = f"re-composed bars {a_bar + 1}–{b_bar} ({a / src.sr:.2f}–{b / src.sr:.2f} s, snapped to bar lines)"
        return EditResult(out, src.sr, self.name, seams, note, render.stems, best)

    def extend(self, src: Source, seconds: float, prompt: str = "", fade_s: float = FADE_S) -> EditResult:
        take = _need(src)
        s = take.score
        spb, bar = 60.0 / s.bpm, s.beats_per_bar
        e_bar = int(np.floor((src.duration_s - 0.5) / spb / bar))
        if e_bar < 1:
            raise EditError("the take is shorter than a bar; nothing to continue from")
        e_beat, total = e_bar * bar, src.duration_s + seconds
        new_beats = total / spb
        merged = [merge(s, c, e_beat, new_beats + bar, shift=e_beat)
                  for c in self._candidates(take, prompt, total - e_beat * spb + bar * spb)]
        best = self._best(take, merged, e_beat, new_beats)
        best.total_beats = new_beats
        best.sections = [*s.sections, Section("extension", e_bar, int(np.ceil((new_beats - e_beat) / bar)))]
        render = self._render(take, best, total, src.sr)
        e = int(round(e_beat * spb * src.sr))
        fade = min(int(fade_s * src.sr), e)
        out = crossfade(src.audio[: e + fade], render.audio[e - fade:], 2 * fade, correlated=True)
        note = f"composed {int(np.ceil((new_beats - e_beat) / bar))} new bars from bar {e_bar + 1}"
        return EditResult(out[: render.audio.shape[0]], src.sr, self.name, [e / src.sr], note, render.stems, best)

    def upscale(self, src: Source, sample_rate: int) -> EditResult:
        take = _need(src)
        render = self._render(take, take.score, src.duration_s, sample_rate)
        return EditResult(render.audio, sample_rate, "re-render at the target rate (lossless: the studio's score)",
                          notes=f"re-rendered at {sample_rate} Hz", stems=render.stems, score=take.score)


def _need(src: Source) -> StudioTake:
    if src.studio is None:
        raise EditError("this take has no recoverable studio score; use an audio backend")
    return src.studio
