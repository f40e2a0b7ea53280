"""The four remix sliders (0..1 each) -> MusicGen request settings.

Melody Loyalty -> chroma conditioning strength; Weirdness -> sampling temperature; Genre Shift ->
classifier-free guidance scale and text prompt weight; Structure Consistency -> beat-snapped seams,
then bar-aligned windows, and longer carried context. Accepts studios.remix.Remix or plain floats.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from models.musicgen.base import MusicRequest
from models.musicgen.errors import BadRequest

NEUTRAL_WEIRDNESS = 0.3  # same neutral point as studios.remix: temperature 1.0, the checkpoint as trained


@dataclass(frozen=True)
class NeuralSettings:
    melody_strength: float
    temperature: float
    guidance: float
    prompt_weight: float
    beat_snap: bool
    bar_align: bool
    overlap_s: float


def _unit(name: str, value: float) -> float:
    v = float(value)
    if not 0.0 <= v <= 1.0:
        raise BadRequest(f"{name.replace('_', ' ')} must be 0..1, got {value!r}")
    return v


def map_sliders(melody_loyalty: float = 0.5, weirdness: float = NEUTRAL_WEIRDNESS, genre_shift: float = 0.5,
                structure_consistency: float = 0.5) -> NeuralSettings:
    m, w = _unit("melody_loyalty", melody_loyalty), _unit("weirdness", weirdness)
    g, s = _unit("genre_shift", genre_shift), _unit("structure_consistency", structure_consistency)
    # Piecewise linear through the neutral point: 0 -> 0.6 (safe), 0.3 -> 1.0, 1 -> 1.8 (wild).
    temperature = 0.6 + w / NEUTRAL_WEIRDNESS * 0.4 if w <= NEUTRAL_WEIRDNESS else \
        1.0 + (w - NEUTRAL_WEIRDNESS) / (1 - NEUTRAL_WEIRDNESS) * 0.8
    return NeuralSettings(
        melody_strength=m,
        temperature=round(temperature, 4),
        guidance=1.0 + 4.0 * g,  # 0.5 -> 3.0, MusicGen's published default
        prompt_weight=0.8 + 0.4 * g,
        beat_snap=s >= 0.25,
        bar_align=s >= 0.6,
        overlap_s=5.0 + 10.0 * s,  # more carried context, more consistent long-form
    )


def from_remix(remix: Any) -> NeuralSettings:
    """studios.remix.Remix (or anything with the four slider attributes)."""
    return map_sliders(remix.melody_loyalty, remix.weirdness, remix.genre_shift, remix.structure_consistency)


def apply(request: MusicRequest, settings: NeuralSettings) -> MusicRequest:
    overlap = min(settings.overlap_s, request.window_s / 2)
    return request.with_(melody_strength=settings.melody_strength, temperature=settings.temperature,
                         guidance=settings.guidance, prompt_weight=settings.prompt_weight,
                         beat_snap=settings.beat_snap, bar_align=settings.bar_align, overlap_s=overlap,
                         crossfade_s=min(request.crossfade_s, overlap))
