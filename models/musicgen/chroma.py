"""Chroma conditioning for MusicGen-Melody, computed here (the stock feature extractor imports torchaudio).

Same recipe as the checkpoint was trained with: 32 kHz mono, |STFT|^2 (n_fft 16384, hop 4096, Hann),
chroma filter bank, then each frame reduced to its dominant pitch class (one-hot). `strength` scales the
one-hot vector: 1 is the model's trained melody conditioning, 0 is "no melody" (the projection's bias only).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import soxr

from models.musicgen.loader import import_torch

CHROMA_SR = 32000
N_FFT = 16384
HOP = 4096


def to_mono(audio: np.ndarray) -> np.ndarray:
    """(samples,) or (samples, channels) -> float32 (samples,)."""
    a = np.asarray(audio, dtype=np.float32)
    return a.mean(axis=1) if a.ndim == 2 else a


def resample(audio: np.ndarray, sr: int, target: int) -> np.ndarray:
    return audio if sr == target else soxr.resample(audio, sr, target).astype(np.float32)


def chroma_features(audio: np.ndarray, sr: int, strength: float = 1.0, num_chroma: int = 12) -> Any:
    """(frames, num_chroma) float32 tensor, ~7.8 frames/s; pass it as MusicGen-Melody `input_features`[None]."""
    torch = import_torch()
    from transformers.audio_utils import chroma_filter_bank

    y = torch.from_numpy(resample(to_mono(audio), sr, CHROMA_SR))
    if y.numel() < N_FFT:  # short clips: pad symmetrically like the reference extractor
        pad = N_FFT - y.numel()
        y = torch.nn.functional.pad(y, (pad // 2, pad - pad // 2))
    window = torch.hann_window(N_FFT)
    spec = torch.stft(y, N_FFT, HOP, window=window, center=True, return_complex=True).abs() ** 2
    bank = torch.from_numpy(chroma_filter_bank(num_frequency_bins=N_FFT, num_chroma=num_chroma,
                                               sampling_rate=CHROMA_SR, tuning=0)).float()
    raw = bank @ spec  # (chroma, frames)
    onehot = torch.zeros_like(raw).scatter_(0, raw.argmax(0, keepdim=True), 1.0)
    return (onehot.T * float(np.clip(strength, 0.0, 1.0))).contiguous()


def dominant_pitch_classes(features: Any) -> np.ndarray:
    """Pitch class (0 = C) of every chroma frame; what tests and the UI read back."""
    return features.argmax(-1).cpu().numpy()
