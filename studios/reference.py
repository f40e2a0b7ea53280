"""Remixing against a reference take: Genre Shift (how far the prompt overrides the reference's style)
and Melody Loyalty (how much of the reference melody the new take keeps).

The reference is an earlier take's Score, read back from the MIDI saved with it, plus the style facts
the library recorded (studio, prompt). Tempo, key and metre are read from the score itself.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from studios.errors import StudioError
from studios.midi import MidiReadError, midi_to_score
from studios.phrasing import melody_part
from studios.score import Note, Score
from studios.theory import parse_key, snap_to_scale

if TYPE_CHECKING:  # base imports this module, so the request type is for annotations only
    from studios.base import GenerationRequest, Studio

SHIFT_TO_PROMPT = 0.5  # from here up the prompt's studio, key and words win over the reference's


@dataclass(frozen=True)
class Reference:
    score: Score
    studio: str = ""
    prompt: str = ""
    track_id: int | None = None

    @property
    def time_signature(self) -> str:
        return f"{self.score.beats_per_bar}/4"


def blend_request(request: GenerationRequest, reference: Reference, prompt_bpm: float,
                  prompt_key: str, supported_meters: tuple[str, ...]) -> GenerationRequest:
    """The request with the reference's style mixed in by the genre shift; explicit values always win.

    Tempo moves continuously from the reference's to the prompt's (prompt_bpm, prompt_key: what the
    studio would choose for the prompt alone); key, words and metre switch at SHIFT_TO_PROMPT.
    """
    shift = request.remix.genre_shift
    keep = shift < SHIFT_TO_PROMPT
    bpm = request.bpm
    if bpm is None:
        bpm = round(reference.score.bpm + shift * (prompt_bpm - reference.score.bpm), 1)
    key = request.key or (reference.score.key if keep else prompt_key)
    prompt = f"{reference.prompt} {request.prompt}".strip() if keep else request.prompt
    meter = request.time_signature
    if meter is None and keep and reference.time_signature in supported_meters:
        meter = reference.time_signature
    return replace(request, prompt=prompt, bpm=bpm, key=key, time_signature=meter, reference=reference.score)


def _transposition(reference: Score, take: Score, ref_notes: list[Note], take_notes: list[Note]) -> int:
    """Semitones that move the reference tune into the take's key, and by octaves into the take's melody
    range when it would otherwise sit outside it (a bass-register tune handed to a flute, say)."""
    shift = (parse_key(take.key).tonic - parse_key(reference.key).tonic + 6) % 12 - 6
    if take_notes and ref_notes:
        here = float(np.median([n.pitch for n in ref_notes])) + shift
        low, high = min(n.pitch for n in take_notes), max(n.pitch for n in take_notes)
        if not low <= here <= high:
            shift += 12 * round((float(np.median([n.pitch for n in take_notes])) - here) / 12)
    return shift


def keep_reference_melody(take: Score, reference: Score, loyalty: float, rng: np.random.Generator) -> float:
    """Melody Loyalty in place: each bar of the take's melody becomes the reference's bar with
    probability `loyalty` (reference bars cycle when the take is longer). Returns the share kept."""
    target, source = melody_part(take), melody_part(reference)
    if target is None or source is None or loyalty <= 0:
        return 0.0
    bpb, ref_bpb = take.beats_per_bar, reference.beats_per_bar
    ref_bars = max(1, int(np.ceil(max(n.start for n in source.notes) / ref_bpb + 1e-9)))
    total_bars = max(1, int(np.ceil((take.total_beats or max(n.start + n.length for n in target.notes)) / bpb)))
    shift = _transposition(reference, take, source.notes, target.notes)
    key = parse_key(take.key)
    kept_bars = 0
    notes = list(target.notes)
    for bar in range(total_bars):
        if rng.random() >= loyalty:
            continue
        kept_bars += 1
        a, src = bar * bpb, (bar % ref_bars) * ref_bpb
        notes = [n for n in notes if not a - 1e-6 <= n.start < a + bpb - 1e-6]
        for n in source.notes:
            offset = n.start - src
            if -1e-6 <= offset < min(bpb, ref_bpb) - 1e-6:
                pitch = n.pitch + shift
                if parse_key(reference.key).is_minor != key.is_minor:
                    pitch = snap_to_scale(pitch, key)  # major <-> minor: the tune changes mode with the key
                notes.append(Note(a + offset, min(n.length, bpb - offset), pitch, n.velocity))
    target.notes = sorted(notes, key=lambda n: (n.start, n.pitch))
    return kept_bars / total_bars


def load_reference(midi_file: Path, studio: str, prompt: str, track_id: int | None = None) -> Reference:
    """The reference for a remix from a take's saved MIDI; a clear error when it cannot be used."""
    try:
        score = midi_to_score(midi_file)
    except MidiReadError as err:
        raise StudioError(f"track #{track_id} cannot be a reference: {err}") from err
    if melody_part(score) is None:
        raise StudioError(f"track #{track_id} has no pitched notes to keep: choose a take with a melody")
    return Reference(score, studio, prompt, track_id)


def blend_for(studio: Studio, request: GenerationRequest, reference: Reference) -> GenerationRequest:
    """blend_request with the prompt's own tempo and key taken from a quick sketch by this studio."""
    sketch, _ = studio.compose_take(replace(request, reference=None))
    return blend_request(request, reference, sketch.bpm, sketch.key, studio.time_signatures)
