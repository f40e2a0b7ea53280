""""Sounds like" vectors from DSP features (models.analysis.feature_vector), comparable by cosine.

Raw features mix scales (MFCC means in the hundreds, flatness near zero), so cosine on them would only
see loudness. Each block is centred and scaled to unit length, then weighted, so timbre (MFCC shape),
harmony movement (chroma spread) and rhythm/brightness statistics all count.
"""

from __future__ import annotations

import numpy as np

from models.analysis import feature_vector

# feature_vector layout: 20 MFCC means, 20 MFCC stds, 12 chroma stds, 6 scalars.
_BLOCKS = ((1, 20, 1.0), (20, 40, 0.8), (40, 52, 0.5))  # MFCC 0 (overall level) is left out on purpose
_SCALARS = slice(52, 58)
# Typical spread of each scalar (log centroid, log flatness, onset mean/std, zcr, rms) across music.
_SCALAR_SCALE = np.array([0.6, 2.0, 0.6, 0.8, 0.05, 0.1])
_SCALAR_WEIGHT = 0.9
AUDIO_DIM = 19 + 20 + 12 + 6


def normalised(raw: np.ndarray) -> np.ndarray:
    parts = []
    for lo, hi, w in _BLOCKS:
        block = raw[lo:hi] - raw[lo:hi].mean()
        parts.append(w * block / (np.linalg.norm(block) + 1e-9))
    scalars = raw[_SCALARS] / _SCALAR_SCALE
    parts.append(_SCALAR_WEIGHT * scalars / (np.linalg.norm(scalars) + 1e-9))
    v = np.concatenate(parts)
    return (v / (np.linalg.norm(v) + 1e-9)).astype(np.float32)


def audio_vector(audio: np.ndarray, sr: int) -> np.ndarray:
    """Unit-length vector of AUDIO_DIM floats describing how a take sounds."""
    return normalised(feature_vector(audio, sr))
