"""Measurements a listener cares about, shared by the audio tests."""

from __future__ import annotations

import numpy as np

from models.analysis import detect_tempo as detected_tempo  # noqa: F401  (re-exported for tests)


def tempo_error(detected: float, requested: float) -> float:
    return abs(detected - requested) / requested


def rms_dbfs(audio: np.ndarray) -> float:
    return float(20 * np.log10(np.sqrt(np.mean(np.square(audio))) + 1e-12))
