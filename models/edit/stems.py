"""Stem separation. The offline default for any audio is an HPSS split into drums / bass / other /
vocals-ish with soft STFT masks that sum to one, so the stems always add back up to the mixture:

- drums: the percussive part (median-filter HPSS, Fitzgerald 2010)
- bass: the harmonic part below ~180 Hz
- vocals-ish: harmonic, centre-panned (mid >> side) energy in the voice band 200 Hz–5 kHz
- other: the remaining harmonic energy

It cannot know what a voice is; it is named "vocals-ish" in every reply. On material that is nearly all one
stem (a string orchestra without drums) it does worse than returning the mixture for that stem, because the
bow attacks it calls percussive are missing from "other"; see bench/audio_ops.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

import librosa
import numpy as np

from models.edit.base import Source

STEMS = ("drums", "bass", "other", "vocals")
N_FFT = 2048
HOP = 512
BASS_HZ = 180.0
VOICE_BAND = (200.0, 5000.0)
Progress = Callable[[str, float], None]


def _quiet(_m: str, _f: float) -> None:
    pass


class Separator(Protocol):
    name: str

    def separate(self, src: Source, progress: Progress = _quiet) -> dict[str, np.ndarray]: ...


def _smooth_step(x: np.ndarray, edge: float, width: float) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-(x - edge) / width))


class HpssSeparator:
    name = "offline HPSS split (drums / bass / other / vocals-ish)"

    def masks(self, stft_l: np.ndarray, stft_r: np.ndarray, sr: int) -> dict[str, np.ndarray]:
        mid = 0.5 * (stft_l + stft_r)
        side = 0.5 * (stft_l - stft_r)
        mag = np.abs(mid)
        harm, perc = librosa.decompose.hpss(mag, kernel_size=(17, 17), power=2.0, mask=True)
        freqs = librosa.fft_frequencies(sr=sr, n_fft=N_FFT)[:, None]
        low = 1.0 - _smooth_step(freqs, BASS_HZ, 15.0)
        band = _smooth_step(freqs, VOICE_BAND[0], 30.0) * (1.0 - _smooth_step(freqs, VOICE_BAND[1], 300.0))
        # Only bins that are almost mono count as voice: panned instruments stay in other.
        centred = np.clip(1.0 - np.abs(side) / (np.abs(mid) + 1e-8), 0.0, 1.0) ** 8
        # Low drums (kicks) stay in drums; bass takes the sustained low end.
        bass = harm * low
        vocals = harm * (1 - low) * band * centred
        other = harm * (1 - low) - vocals
        return {"drums": perc, "bass": bass, "other": other, "vocals": vocals}

    def separate(self, src: Source, progress: Progress = _quiet) -> dict[str, np.ndarray]:
        progress("HPSS: spectrogram", 0.1)
        stfts = [librosa.stft(src.audio[:, c], n_fft=N_FFT, hop_length=HOP) for c in range(src.audio.shape[1])]
        masks = self.masks(stfts[0], stfts[-1], src.sr)
        n = src.audio.shape[0]
        out = {}
        for i, (name, m) in enumerate(masks.items()):
            progress(f"HPSS: {name}", 0.2 + 0.8 * i / len(masks))
            chans = [librosa.istft(s * m, hop_length=HOP, length=n) for s in stfts]
            out[name] = np.stack(chans, axis=1).astype(np.float32)
        progress("done", 1.0)
        return out


def sdr(reference: np.ndarray, estimate: np.ndarray) -> float:
    """Signal-to-distortion ratio in dB (BSS-eval v4 style without the allowed filter: plain energy ratio)."""
    ref = reference.astype(np.float64).ravel()
    err = ref - estimate.astype(np.float64).ravel()[: len(ref)]
    return float(10 * np.log10((np.sum(ref**2) + 1e-12) / (np.sum(err**2) + 1e-12)))


def group_stems(stems: dict[str, np.ndarray], parts: dict[str, str]) -> dict[str, np.ndarray]:
    """Studio part stems summed into the four separator stems (parts maps part name -> stem name)."""
    n = next(iter(stems.values())).shape
    groups = {name: np.zeros(n, np.float32) for name in STEMS}
    for part, audio in stems.items():
        groups[parts.get(part, "other")] += audio
    return groups


def part_role(name: str, is_drum: bool) -> str:
    """Which of the four stems a studio part belongs to, by its name."""
    low = name.lower()
    if is_drum or any(w in low for w in ("drum", "kick", "snare", "hat", "perc", "noise")):
        return "drums"
    if "bass" in low or "808" in low:
        return "bass"
    if any(w in low for w in ("vocal", "voice", "vox", "choir")):
        return "vocals"
    return "other"
