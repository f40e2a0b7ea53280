"""Long-form planning and joining: windows of codes continued from the previous window's tail.

Pure arithmetic/numpy so it is tested without a model. Times are in codec frames (50 Hz for
facebook/musicgen-*), so seams land exactly where the decoded audio says they do.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Window:
    start: int  # first output frame this window contributes (its seam with the previous one)
    end: int  # output frames [0, end) exist after this window
    context: int  # frames of the previous output carried in as the continuation prompt


def snap(frame: int, grid: float | None) -> int:
    """Nearest multiple of `grid` frames (a beat or a bar), or unchanged without a grid."""
    if not grid:
        return frame
    return int(round(round(frame / grid) * grid))


def plan(total: int, window: int, overlap: int, grid: float | None = None, prompt: int = 0) -> list[Window]:
    """Windows covering `total` frames; each new window generates window - overlap fresh frames.

    With a grid (beat or bar length in frames) every seam is snapped to it, so joins fall on the beat;
    `prompt` frames (a continuation prompt) are already given at the start of the first window.
    """
    if window <= overlap:
        raise ValueError("window must be longer than overlap")
    first_end = min(total, window)
    if first_end < total and grid:
        first_end = max(overlap + 1, min(window, snap(first_end, grid) if snap(first_end, grid) <= window
                                         else int(window // grid * grid)))
    windows = [Window(prompt, first_end, prompt)]
    while windows[-1].end < total:
        seam = windows[-1].end
        end = min(total, seam + window - overlap)
        if end < total and grid:
            snapped = snap(end, grid)
            end = snapped if seam < snapped <= seam + window - overlap else end
        windows.append(Window(seam, end, overlap))
    return windows


def equal_power_join(head: np.ndarray, tail: np.ndarray, fade: int) -> np.ndarray:
    """head (..., n, C) ends with `fade` samples that overlap tail's first `fade`: cos/sin gains keep power.

    cos^2 + sin^2 = 1, so uncorrelated material keeps its loudness through the seam (a linear fade dips 3 dB).
    """
    if fade <= 0:
        return np.concatenate([head, tail], axis=-2)
    t = (np.arange(fade, dtype=np.float32) + 0.5) / fade * (np.pi / 2)
    shape = (fade, 1)
    mixed = head[..., -fade:, :] * np.cos(t).reshape(shape) + tail[..., :fade, :] * np.sin(t).reshape(shape)
    return np.concatenate([head[..., :-fade, :], mixed, tail[..., fade:, :]], axis=-2)
