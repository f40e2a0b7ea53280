"""Small audio helpers shared by the editing engines: shapes, beats, crossfaded splices, region checks."""

from __future__ import annotations

from dataclasses import dataclass

import librosa
import numpy as np

MIN_REGION_S = 0.25  # shorter than this is a click, not a region
ANALYSIS_SR = 22050
HOP = 512


class EditError(ValueError):
    """An edit request that cannot be carried out; the message says what to change."""


def stereo(audio: np.ndarray) -> np.ndarray:
    a = np.asarray(audio, dtype=np.float32)
    if a.ndim == 1:
        a = np.stack([a, a], axis=1)
    if a.ndim == 2 and a.shape[1] == 1:
        a = np.repeat(a, 2, axis=1)
    if a.ndim != 2:
        raise EditError(f"audio must be (frames,) or (frames, channels), got shape {a.shape}")
    return a


def mono(audio: np.ndarray) -> np.ndarray:
    a = np.asarray(audio, dtype=np.float32)
    return a.mean(axis=1) if a.ndim == 2 else a


def analysis_mono(audio: np.ndarray, sr: int) -> np.ndarray:
    y = mono(audio)
    return librosa.resample(y, orig_sr=sr, target_sr=ANALYSIS_SR) if sr != ANALYSIS_SR else y


def beat_times(audio: np.ndarray, sr: int, bpm: float | None = None) -> np.ndarray:
    """Beat positions in seconds; with a known tempo the grid is exact (studio takes start on a beat)."""
    duration = audio.shape[0] / sr
    if bpm:
        return np.arange(0.0, duration, 60.0 / float(bpm))
    y = analysis_mono(audio, sr)
    _tempo, frames = librosa.beat.beat_track(y=y, sr=ANALYSIS_SR, hop_length=HOP)
    times = librosa.frames_to_time(frames, sr=ANALYSIS_SR, hop_length=HOP)
    if len(times) < 4:  # no pulse found: a half-second grid still gives the splicer anchor points
        return np.arange(0.0, duration, 0.5)
    return np.asarray(times, dtype=np.float64)


def snap(t: float, grid: np.ndarray) -> float:
    return float(grid[int(np.argmin(np.abs(grid - t)))]) if len(grid) else t


@dataclass(frozen=True)
class Region:
    start_s: float
    end_s: float

    @property
    def length_s(self) -> float:
        return self.end_s - self.start_s


def check_region(start_s: float, end_s: float, duration_s: float) -> Region:
    """Reject reversed, out-of-range and tiny regions with a message that says what is allowed."""
    a, b = float(start_s), float(end_s)
    if not (np.isfinite(a) and np.isfinite(b)):
        raise EditError("region start and end must be numbers of seconds")
    if a >= b:
        raise EditError(f"region start {a:g} s must be before its end {b:g} s")
    if a < 0 or b > duration_s + 1e-6:
        raise EditError(f"region {a:g}–{b:g} s is outside the track (0–{duration_s:.2f} s)")
    if b - a < MIN_REGION_S:
        raise EditError(f"region {a:g}–{b:g} s is too short: make it at least {MIN_REGION_S:g} s")
    return Region(a, min(b, duration_s))


def snap_region(region: Region, grid: np.ndarray, duration_s: float) -> Region:
    """Region edges moved to the nearest beats (the end may snap to the track's end)."""
    edges = np.append(grid, duration_s)
    a, b = snap(region.start_s, edges), snap(region.end_s, edges)
    if b - a < MIN_REGION_S:  # both edges fell on one beat: keep the beat after
        later = edges[edges > a + MIN_REGION_S]
        b = float(later[0]) if len(later) else duration_s
    return Region(a, b)


def crossfade(head: np.ndarray, tail: np.ndarray, fade: int, correlated: bool = False) -> np.ndarray:
    """head's last `fade` samples overlapped with tail's first `fade`.

    Unrelated material gets equal-power gains (cos/sin: loudness holds through the join); material that
    is nearly the same on both sides (a re-render of the same notes) gets linear gains, because
    equal-power gains would add up to +3 dB there.
    """
    if fade <= 0:
        return np.concatenate([head, tail], axis=0)
    t = (np.arange(fade, dtype=np.float32) + 0.5) / fade
    g_in, g_out = (t, 1 - t) if correlated else (np.sin(t * np.pi / 2), np.cos(t * np.pi / 2))
    mixed = head[-fade:] * g_out[:, None] + tail[:fade] * g_in[:, None]
    return np.concatenate([head[:-fade], mixed, tail[fade:]], axis=0)


def splice(base: np.ndarray, patch: np.ndarray, start: int, fade_in: int, fade_out: int | None = None,
           correlated: bool = False) -> np.ndarray:
    """base with its region from `start` replaced by patch, crossfaded at both joins.

    patch carries fade_in samples before and fade_out after the region, so each join overlaps two
    continuous signals (2*fade samples) rather than cutting.
    """
    fade_out = fade_in if fade_out is None else fade_out
    end = start + patch.shape[0] - fade_in - fade_out
    if start - fade_in < 0 or end + fade_out > base.shape[0] or end <= start:
        raise EditError("the splice needs room for its crossfades inside the track")
    if end - start < fade_in + fade_out:  # the two joins would overlap: the output would change length
        raise EditError(f"the region ({end - start} samples) is shorter than its two crossfades "
                        f"({fade_in} + {fade_out}): make it longer or the crossfades shorter")
    head = crossfade(base[:start + fade_in], patch, 2 * fade_in, correlated)
    return crossfade(head, base[end - fade_out:], 2 * fade_out, correlated)


def room(start: int, end: int, total: int, fade: int) -> tuple[int, int]:
    """Crossfade lengths that fit before start and after end, and inside the region (the two joins must not
    overlap: a 0.25 s region cannot take MusicGen's 0.25 s crossfades on both sides, let alone a retry's 1 s)."""
    inside = max(0, end - start) // 2
    return min(fade, start, inside), min(fade, total - end, inside)
