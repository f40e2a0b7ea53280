"""Checks run on every edited take before it is shown: seam smoothness and loudness.

A seam is smooth when the spectral flux around it is no higher than the track's own 95th percentile,
or no sharper than what the parent has there (a drum hit was there) or on a typical beat (a splice on a
beat inherits that beat's onset; the 75th percentile of the parent's flux on its beats).
"""

from __future__ import annotations

from dataclasses import dataclass

import librosa
import numpy as np

from models.edit.audio import ANALYSIS_SR, HOP, analysis_mono
from studios.mastering import loudness_lufs, true_peak_dbtp

SEAM_WINDOW_S = 0.05  # flux is read this close to the seam: a crossfade smears a cut over a few frames
LOUDNESS_TOLERANCE_LU = 1.0


def spectral_flux(audio: np.ndarray, sr: int) -> np.ndarray:
    """Positive spectral change per frame (librosa's onset strength: log-mel flux), frames at HOP/22050 s."""
    return librosa.onset.onset_strength(y=analysis_mono(audio, sr), sr=ANALYSIS_SR, hop_length=HOP)


def flux_at(flux: np.ndarray, t: float) -> float:
    frame = int(round(t * ANALYSIS_SR / HOP))
    w = max(1, int(round(SEAM_WINDOW_S * ANALYSIS_SR / HOP)))
    piece = flux[max(0, frame - w): frame + w + 1]
    return float(piece.max()) if len(piece) else 0.0


@dataclass(frozen=True)
class Seam:
    at_s: float
    flux: float
    p95: float
    parent_flux: float | None
    beat_flux: float | None = None

    @property
    def smooth(self) -> bool:
        refs = [self.p95, *(1.25 * f for f in (self.parent_flux, self.beat_flux) if f is not None)]
        return self.flux <= max(refs)

    @property
    def ratio(self) -> float:
        return self.flux / self.p95 if self.p95 > 0 else 0.0


@dataclass(frozen=True)
class QualityReport:
    seams: tuple[Seam, ...]
    lufs: float
    true_peak_dbtp: float
    parent_lufs: float | None

    @property
    def seams_ok(self) -> bool:
        return all(s.smooth for s in self.seams)

    @property
    def loudness_ok(self) -> bool:
        return self.parent_lufs is None or not np.isfinite(self.parent_lufs) or \
            abs(self.lufs - self.parent_lufs) <= LOUDNESS_TOLERANCE_LU

    def summary(self) -> str:
        seams = ", ".join(f"{s.at_s:.2f} s ({s.ratio:.2f}× p95{'' if s.smooth else ', audible'})" for s in self.seams)
        return (f"seams: {seams or 'none'}; loudness {self.lufs:.1f} LUFS"
                f"{'' if self.parent_lufs is None else f' (parent {self.parent_lufs:.1f})'}, "
                f"true peak {self.true_peak_dbtp:.1f} dBTP")


def _typical_beat(flux: np.ndarray, beats: np.ndarray | None) -> float | None:
    if beats is None or not len(beats):
        return None
    on = [flux_at(flux, t) for t in beats if t * ANALYSIS_SR / HOP < len(flux)]
    return float(np.percentile(on, 75)) if on else None


def check(audio: np.ndarray, sr: int, seams_s: list[float], parent: np.ndarray | None = None,
          parent_sr: int | None = None, beats: np.ndarray | None = None) -> QualityReport:
    flux = spectral_flux(audio, sr)
    p95 = float(np.percentile(flux, 95)) if len(flux) else 0.0
    parent_flux = spectral_flux(parent, parent_sr or sr) if parent is not None else None
    beat_flux = _typical_beat(parent_flux if parent_flux is not None else flux, beats)

    def at_parent(t: float) -> float | None:
        inside = parent_flux is not None and t * ANALYSIS_SR / HOP < len(parent_flux)
        return flux_at(parent_flux, t) if inside else None  # type: ignore[arg-type]
    seams = tuple(Seam(t, flux_at(flux, t), p95, at_parent(t), beat_flux) for t in seams_s)
    parent_lufs = loudness_lufs(parent, parent_sr or sr) if parent is not None else None
    return QualityReport(seams, loudness_lufs(audio, sr), true_peak_dbtp(audio), parent_lufs)
