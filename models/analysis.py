"""Audio analysis used by the Quality Agent, autolabel, tests and benchmarks: tempo, key, features.

librosa-based DSP: the embedded default that runs anywhere, no weights.
"""

from __future__ import annotations

import librosa
import numpy as np

# Krumhansl-Kessler key profiles (probe-tone ratings), C major / C minor.
_MAJOR = np.array([6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88])
_MINOR = np.array([6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17])
_NAMES = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
ANALYSIS_SR = 22050


def _mono(audio: np.ndarray, sr: int) -> np.ndarray:
    y = audio.mean(axis=1) if audio.ndim == 2 else audio
    y = y.astype(np.float32)
    return librosa.resample(y, orig_sr=sr, target_sr=ANALYSIS_SR) if sr != ANALYSIS_SR else y


# 172 onset frames/s: librosa's tempo is quantised to whole lags, and the default hop (43 frames/s at
# 22 kHz) cannot resolve 140 from 143.6 BPM; this hop keeps the quantisation under 1% up to 200 BPM.
TEMPO_HOP = 128


def detect_tempo(audio: np.ndarray, sr: int) -> float:
    y = _mono(audio, sr)
    onset = librosa.onset.onset_strength(y=y, sr=ANALYSIS_SR, hop_length=TEMPO_HOP)
    return float(librosa.feature.tempo(onset_envelope=onset, sr=ANALYSIS_SR, hop_length=TEMPO_HOP)[0])


def key_from_chroma(chroma_mean: np.ndarray) -> tuple[str, float]:
    """Krumhansl-Schmuckler: the best-correlating of the 24 rotated profiles; returns (key, correlation)."""
    best, best_r = "C", -2.0
    for tonic in range(12):
        for profile, suffix in ((_MAJOR, ""), (_MINOR, "m")):
            r = float(np.corrcoef(chroma_mean, np.roll(profile, tonic))[0, 1])
            if r > best_r:
                best, best_r = _NAMES[tonic] + suffix, r
    return best, best_r


def detect_key(audio: np.ndarray, sr: int) -> str:
    y = _mono(audio, sr)
    chroma = librosa.feature.chroma_cqt(y=y, sr=ANALYSIS_SR)
    return key_from_chroma(chroma.mean(axis=1))[0]


def pitch_class(key: str) -> tuple[int, bool]:
    """'F#m' -> (6, True); accepts sharps and flats."""
    letter = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}[key[0].upper()]
    rest = key[1:]
    acc = 1 if rest.startswith("#") else -1 if rest.startswith("b") else 0
    return (letter + acc) % 12, rest.endswith("m")


def same_key(a: str, b: str) -> bool:
    return pitch_class(a) == pitch_class(b)


def relative_keys(a: str, b: str) -> bool:
    """True when a and b are relative major/minor (C and Am)."""
    (pa, ma), (pb, mb) = pitch_class(a), pitch_class(b)
    if ma == mb:
        return False
    major, minor = (pa, pb) if not ma else (pb, pa)
    return (major - minor) % 12 == 3


def feature_vector(audio: np.ndarray, sr: int) -> np.ndarray:
    """MFCC, chroma, spectral and rhythm statistics: a 60-d summary of how a take sounds."""
    y = _mono(audio, sr)
    mfcc = librosa.feature.mfcc(y=y, sr=ANALYSIS_SR, n_mfcc=20)
    chroma = librosa.feature.chroma_stft(y=y, sr=ANALYSIS_SR)
    centroid = librosa.feature.spectral_centroid(y=y, sr=ANALYSIS_SR)
    flatness = librosa.feature.spectral_flatness(y=y)
    onset = librosa.onset.onset_strength(y=y, sr=ANALYSIS_SR)
    parts = [mfcc.mean(1), mfcc.std(1), chroma.std(1),
             [np.log(centroid.mean() + 1), np.log(flatness.mean() + 1e-6), onset.mean(), onset.std(),
              float(librosa.feature.zero_crossing_rate(y).mean()), float(np.sqrt(np.mean(y**2)))]]
    return np.concatenate([np.asarray(p, dtype=np.float64).ravel() for p in parts])
