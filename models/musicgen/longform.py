"""Long-form planning and joining: windows of codes continued from the previous window's tail.

Pure arithmetic/numpy so it is tested without a model. Times are in codec frames (50 Hz for
facebook/musicgen-*), so seams land exactly where the decoded audio says they do.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Window:
    start: int  # first output frame this window contributes (its seam with the previous one)
    end: int  # output frames [0, end) exist after this window
    context: int  # frames of the previous output carried in as the continuation prompt


def last_grid_line(frame: int, grid: float | None, after: int) -> int:
    """The last beat/bar line (grid in frames) at or before `frame` and later than `after`; else `frame`."""
    if not grid:
        return frame
    line = int(round(math.floor(frame / grid + 1e-9) * grid))
    return line if after < line <= frame else frame


def plan(total: int, window: int, overlap: int, grid: float | None = None, prompt: int = 0) -> list[Window]:
    """Windows covering `total` frames; each new window generates up to window - overlap fresh frames.

    With a grid (beat or bar length in frames) every seam is pulled back to the last grid line inside the
    window, so joins fall on the beat; `prompt` frames (a continuation prompt) start the first window.
    """
    if window <= overlap:
        raise ValueError("window must be longer than overlap")
    end = min(total, window)
    windows = [Window(prompt, end if end == total else last_grid_line(end, grid, max(overlap, prompt)), prompt)]
    while windows[-1].end < total:
        seam = windows[-1].end
        end = min(total, seam + window - overlap)
        windows.append(Window(seam, end if end == total else last_grid_line(end, grid, seam), overlap))
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
