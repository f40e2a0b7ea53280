"""Studio -> MusicGen: a studio's symbolic render conditions MusicGen-Melody ("neural re-render").

The studio fixes the structure (melody/harmony via chroma, tempo via bar-aligned seams); MusicGen
supplies the timbre the prompt describes.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from models.musicgen.base import MAX_DURATION_S, MusicGenerator, MusicRequest, MusicResult, Progress, no_progress
from models.musicgen.errors import BadRequest
from models.musicgen.sliders import apply, from_remix, map_sliders


def neural_rerender(generator: MusicGenerator, audio: np.ndarray, sample_rate: int, prompt: str,
                    bpm: float | None = None, remix: Any = None, seed: int | None = None,
                    variations: int = 1, progress: Progress = no_progress) -> MusicResult:
    """Re-render `audio` (a studio mix, (samples,) or (samples, channels)) with MusicGen-Melody timbre.

    The output has the render's duration; with Structure Consistency high and `bpm` given, window seams
    fall on the render's bar lines so the neural take keeps the studio's form.
    """
    if not generator.supports_melody:
        raise BadRequest("neural re-render needs a MusicGen-Melody checkpoint "
                         "(STUDIO_MUSICGEN=facebook/musicgen-melody); this one is text-only")
    duration = audio.shape[0] / sample_rate
    if duration > MAX_DURATION_S:
        raise BadRequest(f"the render is {duration:.0f} s; re-render at most {MAX_DURATION_S:g} s at a time")
    settings = from_remix(remix) if remix is not None else map_sliders(melody_loyalty=0.9)
    req = MusicRequest(prompt, duration_s=round(duration, 2), variations=variations, melody=audio,
                       melody_sr=sample_rate, bpm=bpm, seed=seed)
    return generator.generate(apply(req, settings), progress)


def rerender_take(generator: MusicGenerator, render: Any, prompt: str, remix: Any = None,
                  seed: int | None = None) -> MusicResult:
    """Same, from a studios.base.Render (audio, sample_rate, bpm)."""
    return neural_rerender(generator, render.audio, render.sample_rate, prompt, bpm=render.bpm, remix=remix,
                           seed=seed)
