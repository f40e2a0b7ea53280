"""Extend / continue a take. The offline default for any audio is loop-aware continuation: find the
earlier beat whose lead-in sounds most like the take's ending and keep playing from there (whole bars
when the tempo is known), looping that stretch as often as needed, each jump an equal-power crossfade.

Seamless-loop mode folds the material that follows the loop point into the loop's start, so the take's
end flows into its beginning; the wrap seam is checked like any other.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from models.edit.audio import EditError, beat_times, crossfade
from models.edit.base import EditResult, Source
from models.edit.inpaint import _dist, beat_features

MAX_EXTEND_S = 300.0
TAIL_S = 0.5  # takes end with a fade-out: continue from the last beat before it
FADE_S = 0.03
MIN_LOOP_BEATS = 4


class Extender(Protocol):
    name: str
    fade_s: float

    def extend(self, src: Source, seconds: float, prompt: str = "", fade_s: float = FADE_S) -> EditResult: ...


def check_seconds(seconds: float, duration_s: float) -> float:
    s = float(seconds)
    if not np.isfinite(s) or s < 0.5 or s > MAX_EXTEND_S:
        raise EditError(f"extend by 0.5–{MAX_EXTEND_S:g} s, not {seconds:g}")
    if duration_s < 2.0:
        raise EditError("the take is too short to continue from (under 2 s)")
    return s


def cut_point(grid: np.ndarray, duration_s: float) -> int:
    """Index of the beat the continuation starts at: the last one before the ending's fade."""
    before = np.nonzero(grid <= duration_s - TAIL_S)[0]
    if len(before) < MIN_LOOP_BEATS + 1:
        raise EditError("the take has too few beats to continue from; make it longer first")
    return int(before[-1])


class LoopExtender:
    name = "offline loop-aware continuation (the take's own material)"
    fade_s = FADE_S

    def jump_target(self, feats: np.ndarray, e: int, beats_per_bar: int, bar_locked: bool) -> int | None:
        """The beat q < e - MIN_LOOP_BEATS whose two preceding beats best match the two before e (None: no beat
        qualifies, e.g. too few whole bars before e)."""
        best, best_cost = None, np.inf
        for q in range(1, e - MIN_LOOP_BEATS + 1):
            if bar_locked and (e - q) % beats_per_bar:
                continue
            cost = _dist(feats, q - 1, e - 1) + _dist(feats, q - 2, e - 2) + _dist(feats, q, e)
            if cost < best_cost:
                best, best_cost = q, cost
        return best

    def extend(self, src: Source, seconds: float, prompt: str = "", fade_s: float = FADE_S) -> EditResult:
        grid = beat_times(src.audio, src.sr, src.bpm)
        e = cut_point(grid, src.duration_s)
        feats = beat_features(src.audio, src.sr, grid)
        q = self.jump_target(feats, e, src.beats_per_bar, src.bpm is not None)
        if q is None:  # no whole bar to loop back by: whole beats still keep the pulse
            q = self.jump_target(feats, e, src.beats_per_bar, False)
        if q is None:
            raise EditError("the take has too few beats to continue from; make it longer first")
        total = int(round((src.duration_s + seconds) * src.sr))
        e_n, q_n, fade = int(grid[e] * src.sr), int(grid[q] * src.sr), int(fade_s * src.sr)
        out, seams = src.audio[: e_n + fade], []
        while out.shape[0] - fade < total:
            seams.append((out.shape[0] - fade) / src.sr)
            out = crossfade(out, src.audio[q_n - fade: e_n + fade], 2 * fade)
        out = out[:total].copy()
        fade_out = min(int(0.05 * src.sr), total)
        out[total - fade_out:] *= np.cos(np.linspace(0, np.pi / 2, fade_out))[:, None].astype(np.float32)
        note = f"continued by looping {grid[q]:.2f}–{grid[e]:.2f} s ({e - q} beats)"
        if prompt:
            note += "; the offline continuation reuses the take's own material, so the prompt was not used"
        return EditResult(out.astype(np.float32), src.sr, self.name, [s for s in seams if s < total / src.sr], note)


def seamless_loop(audio: np.ndarray, sr: int, loop_s: float, fade_s: float = 0.05) -> np.ndarray:
    """The first loop_s seconds, with what follows them crossfaded into the start: end flows into start.

    Needs fade_s of material after loop_s (an extension provides it).
    """
    n, f = int(round(loop_s * sr)), int(round(fade_s * sr))
    if n + f > audio.shape[0] or n < 2 * f:
        raise EditError("not enough material after the loop point for a seamless loop")
    loop = audio[:n].copy()
    t = (np.arange(f, dtype=np.float32) + 0.5) / f * (np.pi / 2)
    loop[:f] = audio[:f] * np.sin(t)[:, None] + audio[n: n + f] * np.cos(t)[:, None]
    return loop


def loop_length(duration_s: float, bpm: float | None, beats_per_bar: int, grid: np.ndarray) -> float:
    """Whole bars (known tempo) or whole beats (detected) no longer than duration_s."""
    if bpm:
        bar = 60.0 / bpm * beats_per_bar
        bars = int(duration_s // bar)
        if bars < 1:
            raise EditError("a seamless loop needs at least one whole bar")
        return bars * bar
    inside = grid[grid <= duration_s]
    return float(inside[-1]) if len(inside) > 1 else duration_s
