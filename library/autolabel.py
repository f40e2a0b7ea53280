"""Autolabel an audio file: tempo and key (models.analysis) plus energy 0..1 and a mood word.

Energy blends loudness (RMS), onset density and tempo; mood crosses energy with mode (major/minor)
and brightness. Crude but honest DSP labels that the user can overwrite; they feed search and filters.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import librosa
import numpy as np
import soundfile as sf

from models.analysis import ANALYSIS_SR, detect_key, detect_tempo

ANALYSE_S = 60.0  # labels come from the first minute: long files stay quick to import
MOODS = ("calm", "melancholic", "happy", "dark", "energetic", "aggressive")


class AudioReadError(ValueError):
    """A file that is not readable audio; the message names the file and the formats accepted."""


@dataclass(frozen=True)
class AudioInfo:
    duration_s: float
    sample_rate: int
    channels: int


@dataclass(frozen=True)
class Labels:
    bpm: float
    key: str
    energy: float
    mood: str


def probe(path: Path) -> AudioInfo:
    """Duration/rate/channels without decoding the whole file."""
    try:
        info = sf.info(str(path))
        return AudioInfo(float(info.duration), int(info.samplerate), int(info.channels))
    except (sf.LibsndfileError, RuntimeError):
        pass
    try:  # formats libsndfile lacks go through librosa's audioread fallback
        y, sr = librosa.load(str(path), sr=None, mono=False)
    except Exception as err:
        raise AudioReadError(f"{path.name}: not readable audio ({err}); use WAV, FLAC, MP3 or OGG") from err
    return AudioInfo(y.shape[-1] / sr, int(sr), 1 if y.ndim == 1 else int(y.shape[0]))


def load_excerpt(path: Path, seconds: float = ANALYSE_S) -> np.ndarray:
    """Mono float32 at the analysis rate, at most `seconds` long."""
    try:
        y, _ = librosa.load(str(path), sr=ANALYSIS_SR, mono=True, duration=seconds)
    except Exception as err:
        raise AudioReadError(f"{path.name}: not readable audio ({err}); use WAV, FLAC, MP3 or OGG") from err
    if y.size < ANALYSIS_SR // 4:
        raise AudioReadError(f"{path.name}: shorter than 0.25 s, too short to use")
    return y.astype(np.float32)


def energy_of(y: np.ndarray, bpm: float) -> float:
    rms_db = 20 * np.log10(float(np.sqrt(np.mean(y**2))) + 1e-9)
    loud = np.clip((rms_db + 40) / 32, 0, 1)  # -40 dBFS quiet .. -8 dBFS loud
    onsets = librosa.onset.onset_detect(y=y, sr=ANALYSIS_SR, units="time")
    density = np.clip(len(onsets) / max(y.size / ANALYSIS_SR, 1e-3) / 8.0, 0, 1)  # 8 onsets/s = busy
    pace = np.clip((bpm - 60) / 120, 0, 1)
    return round(float(0.5 * loud + 0.3 * density + 0.2 * pace), 3)


def mood_of(energy: float, key: str, brightness: float) -> str:
    minor = key.endswith("m")
    if energy >= 0.65:
        return "aggressive" if minor and brightness > 0.25 else "energetic"
    if energy <= 0.35:
        return "melancholic" if minor else "calm"
    return "dark" if minor else "happy"


def autolabel(y: np.ndarray) -> Labels:
    bpm = round(detect_tempo(y, ANALYSIS_SR), 1)
    key = detect_key(y, ANALYSIS_SR)
    energy = energy_of(y, bpm)
    flat = float(librosa.feature.spectral_flatness(y=y).mean())  # noisy/distorted → brighter, harsher
    return Labels(bpm, key, energy, mood_of(energy, key, flat * 10))
