"""In-painting ("Cut & Stitch"): regenerate a region of a take. The offline default for any audio is a
beat-synchronous concatenative fill: the region is replaced by the stretch of the same track whose
surroundings look most like the region's (chroma + MFCC per beat), spliced with equal-power crossfades.
"""

from __future__ import annotations

from typing import Protocol

import librosa
import numpy as np

from models.edit.audio import ANALYSIS_SR, HOP, EditError, Region, analysis_mono, beat_times, room, splice
from models.edit.base import EditResult, Source

FADE_S = 0.03


class Inpainter(Protocol):
    name: str
    fade_s: float  # default crossfade at each join

    def inpaint(self, src: Source, region: Region, prompt: str = "", fade_s: float = FADE_S) -> EditResult: ...


def beat_features(audio: np.ndarray, sr: int, grid: np.ndarray) -> np.ndarray:
    """(beats, 32) z-scored chroma + MFCC averaged over each beat."""
    y = analysis_mono(audio, sr)
    chroma = librosa.feature.chroma_stft(y=y, sr=ANALYSIS_SR, hop_length=HOP)
    mfcc = librosa.feature.mfcc(y=y, sr=ANALYSIS_SR, hop_length=HOP, n_mfcc=20)
    feats = np.vstack([chroma, mfcc])
    frames = np.clip(librosa.time_to_frames(grid, sr=ANALYSIS_SR, hop_length=HOP), 0, feats.shape[1] - 1)
    synced = librosa.util.sync(feats, frames, aggregate=np.mean)[:, : len(grid)]
    z = (synced - synced.mean(axis=1, keepdims=True)) / (synced.std(axis=1, keepdims=True) + 1e-6)
    return z.T


def _dist(f: np.ndarray, i: int, j: int) -> float:
    if not (0 <= i < len(f) and 0 <= j < len(f)):
        return 0.0
    return float(np.linalg.norm(f[i] - f[j]))


class ConcatInpainter:
    """Offline, any audio: copy the best-matching beats from elsewhere in the take."""

    name = "offline concatenative fill (beat-synchronous chroma/MFCC match)"
    fade_s = FADE_S

    def source_start(self, src: Source, region: Region) -> float:
        grid = beat_times(src.audio, src.sr, src.bpm)
        feats = beat_features(src.audio, src.sr, grid)
        i = max(0, int(np.searchsorted(grid, region.start_s, side="right")) - 1)
        j = max(0, int(np.searchsorted(grid, region.end_s, side="right")) - 1)
        phase, span = region.start_s - grid[i], j - i
        best, best_cost = None, np.inf
        for k in range(len(grid)):
            start = grid[k] + phase
            if k == i or start + region.length_s > src.duration_s - FADE_S or start < FADE_S:
                continue
            if start < region.end_s + FADE_S and start + region.length_s > region.start_s - FADE_S:
                continue  # overlaps the region being replaced
            cost = _dist(feats, k - 1, i - 1) + _dist(feats, k + span, j + 1 if j + 1 < len(grid) else j)
            cost += 0.5 * _dist(feats, k, i)
            if cost < best_cost:
                best, best_cost = start, cost
        if best is None:
            most = src.duration_s / 2 - 2 * FADE_S
            raise EditError(f"the region ({region.length_s:.1f} s) is too long for the offline fill: the take has no "
                            f"other stretch that long; keep it under about {max(most, 0):.1f} s, or set "
                            "STUDIO_MUSICGEN to a local MusicGen for generated in-painting")
        return float(best)

    def inpaint(self, src: Source, region: Region, prompt: str = "", fade_s: float = FADE_S) -> EditResult:
        n = src.audio.shape[0]
        a, b = int(round(region.start_s * src.sr)), int(round(region.end_s * src.sr))
        s = int(round(self.source_start(src, region) * src.sr))
        fi, fo = room(a, b, n, int(fade_s * src.sr))
        fi, fo = min(fi, s), min(fo, n - (s + b - a))
        patch = src.audio[s - fi: s + (b - a) + fo]
        out = splice(src.audio, patch, a, fi, fo)
        note = f"filled from {s / src.sr:.2f}–{(s + b - a) / src.sr:.2f} s of the same take"
        if prompt:
            note += "; the offline fill reuses the take's own material, so the prompt was not used"
        seams = [t for t, f in ((region.start_s, fi), (region.end_s, fo)) if f > 0]
        return EditResult(out, src.sr, self.name, seams, note)
