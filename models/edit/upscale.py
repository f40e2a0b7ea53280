"""Upscale to another sample rate. The offline default: soxr very-high-quality resampling, then a
bandwidth extension that fills the empty band above the source's cutoff — spectral band replication
(the top octave of each STFT frame transposed upward) shaped by the frame's spectral envelope
extrapolated along its own log-log slope. Plain resampling leaves that band silent.

Measured with log-spectral distance (LSD) against full-band audio: see bench/audio_ops.py.
"""

from __future__ import annotations

from typing import Protocol

import librosa
import numpy as np
import soxr

from models.edit.audio import EditError
from models.edit.base import EditResult, Source

RATES = (16000, 22050, 24000, 32000, 44100, 48000, 88200, 96000)
N_FFT = 2048
HOP = 512


class Upscaler(Protocol):
    name: str

    def upscale(self, src: Source, sample_rate: int) -> EditResult: ...


def check_rate(sample_rate: int, current: int) -> int:
    sr = int(sample_rate)
    if sr not in RATES:
        raise EditError(f"sample rate {sample_rate} is not supported: choose one of {', '.join(map(str, RATES))}")
    if sr <= current:
        raise EditError(f"the take is already {current} Hz; upscaling needs a higher rate than that")
    return sr


def resample(audio: np.ndarray, sr_in: int, sr_out: int) -> np.ndarray:
    return np.asarray(soxr.resample(audio, sr_in, sr_out, quality="VHQ"), dtype=np.float32)


def cutoff_hz(audio: np.ndarray, sr: int) -> float:
    """Where the long-term spectrum falls 60 dB under its peak for good: the source's real bandwidth."""
    y = audio.mean(axis=1) if audio.ndim == 2 else audio
    spec = np.abs(librosa.stft(y, n_fft=N_FFT, hop_length=HOP)).mean(axis=1)
    db = 20 * np.log10(spec + 1e-10)
    alive = np.nonzero(db > db.max() - 60.0)[0]
    freqs = librosa.fft_frequencies(sr=sr, n_fft=N_FFT)
    return float(freqs[alive[-1]]) if len(alive) else sr / 2


def _extend_channel(y: np.ndarray, sr: int, cutoff: float) -> np.ndarray:
    stft = librosa.stft(y, n_fft=N_FFT, hop_length=HOP)
    mag, phase = np.abs(stft), np.angle(stft)
    freqs = librosa.fft_frequencies(sr=sr, n_fft=N_FFT)
    kc = int(np.searchsorted(freqs, cutoff)) - 1
    lo = max(1, kc // 2)  # the source octave [cutoff/2, cutoff]
    if kc <= lo + 4 or kc >= len(freqs) - 1:
        return np.zeros_like(y)
    logf = np.log(freqs[lo:kc])
    logm = np.log(mag[lo:kc] + 1e-9)
    # Per-frame envelope: a least-squares line of log-magnitude over log-frequency in the source octave.
    a = np.polyfit(logf, logm, 1)  # (2, frames): slope, intercept
    slope = np.minimum(a[0], -1.0)  # never brighter than -6 dB/octave: real spectra fall off up there
    fine = logm - (a[0][None, :] * logf[:, None] + a[1][None, :])  # the octave's detail around its envelope
    out = np.zeros_like(stft)
    width = kc - lo
    for k in range(kc, len(freqs)):
        src = lo + (k - kc) % width
        env = slope * np.log(freqs[k]) + a[1] + (a[0] - slope) * np.log(freqs[kc])  # continuous at the cutoff
        out[k] = np.exp(env + fine[src - lo]) * np.exp(1j * phase[src])
    # A short ramp above the cutoff avoids a step where real content ends and the replica begins.
    ramp = np.clip((freqs - cutoff) / (0.05 * cutoff), 0, 1)[:, None]
    return librosa.istft(out * ramp, hop_length=HOP, length=len(y))


def bandwidth_extend(audio: np.ndarray, sr: int, cutoff: float) -> np.ndarray:
    """audio (already at the target rate) plus a replica band above `cutoff` Hz."""
    if cutoff >= sr / 2 * 0.98:
        return audio
    extra = np.stack([_extend_channel(audio[:, c], sr, cutoff) for c in range(audio.shape[1])], axis=1)
    return (audio + extra.astype(np.float32)).astype(np.float32)


class ResampleUpscaler:
    """Plain resampling: the reference the other backends must beat."""

    name = "plain resampling (soxr VHQ)"

    def upscale(self, src: Source, sample_rate: int) -> EditResult:
        return EditResult(resample(src.audio, src.sr, sample_rate), sample_rate, self.name)


class BandwidthUpscaler:
    name = "offline resampling + bandwidth extension (envelope-shaped band replication)"

    def upscale(self, src: Source, sample_rate: int) -> EditResult:
        cutoff = min(cutoff_hz(src.audio, src.sr), src.sr / 2)
        up = resample(src.audio, src.sr, sample_rate)
        out = bandwidth_extend(up, sample_rate, cutoff * 0.97)
        peak = float(np.max(np.abs(out))) if out.size else 0.0
        if peak > 0.999:  # the new band added a little energy: never clip for it
            out = out * np.float32(0.999 / peak)
        return EditResult(out, sample_rate, self.name, notes=f"source bandwidth {cutoff / 1000:.1f} kHz, "
                          f"extended to {sample_rate / 2000:.1f} kHz")


def lsd(reference: np.ndarray, estimate: np.ndarray, sr: int) -> float:
    """Log-spectral distance in dB (mean over frames of the RMS log-power difference), mono."""
    r = reference.mean(axis=1) if reference.ndim == 2 else reference
    e = estimate.mean(axis=1) if estimate.ndim == 2 else estimate
    n = min(len(r), len(e))
    pr = np.abs(librosa.stft(r[:n], n_fft=N_FFT, hop_length=HOP)) ** 2
    pe = np.abs(librosa.stft(e[:n], n_fft=N_FFT, hop_length=HOP)) ** 2
    diff = 10 * np.log10(pr + 1e-10) - 10 * np.log10(pe + 1e-10)
    return float(np.mean(np.sqrt(np.mean(diff**2, axis=0))))
