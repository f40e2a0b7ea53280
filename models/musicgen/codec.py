"""EnCodec through the checkpoint's own audio encoder: audio <-> codes, mono or stereo (interleaved)."""

from __future__ import annotations

from typing import Any

import numpy as np

from models.musicgen.chroma import resample
from models.musicgen.loader import LoadedMusicGen, import_torch


def fit_channels(audio: np.ndarray, channels: int) -> np.ndarray:
    """(samples,) or (samples, C) -> (samples, channels): downmix or duplicate as the checkpoint needs."""
    a = np.asarray(audio, dtype=np.float32)
    a = a[:, None] if a.ndim == 1 else a
    if a.shape[1] == channels:
        return a
    mono = a.mean(axis=1, keepdims=True)
    return np.repeat(mono, channels, axis=1)


def encode(lm: LoadedMusicGen, audio: np.ndarray, sr: int) -> Any:
    """Audio -> codes (1, K, frames); stereo checkpoints interleave left/right codebooks like stock generate."""
    torch = import_torch()
    a = fit_channels(audio, lm.channels)
    a = np.stack([resample(a[:, c], sr, lm.sample_rate) for c in range(a.shape[1])], axis=1)
    x = torch.from_numpy(np.ascontiguousarray(a.T))[None].to(lm.device, lm.dtype)  # (1, C, samples)
    enc = lm.model.audio_encoder
    with torch.inference_mode():
        per_channel = [enc.encode(x[:, c:c + 1]).audio_codes[0] for c in range(lm.channels)]  # (1, K/C, T)
    if lm.channels == 1:
        return per_channel[0]
    out = torch.empty((1, lm.num_codebooks, per_channel[0].shape[-1]), dtype=torch.long, device=lm.device)
    out[:, ::2], out[:, 1::2] = per_channel[0], per_channel[1]
    return out


def decode(lm: LoadedMusicGen, codes: Any) -> np.ndarray:
    """Codes (B, K, frames) -> float32 audio (B, samples, channels), exactly frames * hop samples long."""
    torch = import_torch()
    enc = lm.model.audio_encoder
    groups = [codes] if lm.channels == 1 else [codes[:, ::2], codes[:, 1::2]]
    with torch.inference_mode():
        outs = [enc.decode(g[None], [None] * codes.shape[0]).audio_values for g in groups]  # (B, 1, S)
    audio = torch.cat(outs, dim=1).float().clamp_(-1, 1)
    return audio.transpose(1, 2).cpu().numpy()
