"""Text descriptions for training clips from DSP labels (tempo, key, mood via library.autolabel)."""

from __future__ import annotations

import numpy as np

from library.autolabel import autolabel
from models.analysis import ANALYSIS_SR
from models.musicgen.chroma import resample, to_mono


def describe(audio: np.ndarray, sr: int, style: str = "") -> str:
    """E.g. 'jazz, calm, 92 BPM, in F minor': what MusicGen's text encoder is trained to read."""
    y = resample(to_mono(audio), sr, ANALYSIS_SR)
    labels = autolabel(y)
    key = labels.key[:-1] + " minor" if labels.key.endswith("m") else labels.key + " major"
    parts = [style.strip()] if style.strip() else []
    return ", ".join([*parts, labels.mood, f"{labels.bpm:.0f} BPM", f"in {key}"])
