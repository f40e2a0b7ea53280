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
    """Tempo in BPM: librosa's tempogram estimate (which picks the metrical level), then refined."""
    y = _mono(audio, sr)
    onset = librosa.onset.onset_strength(y=y, sr=ANALYSIS_SR, hop_length=TEMPO_HOP)
    coarse = float(librosa.feature.tempo(onset_envelope=onset, sr=ANALYSIS_SR, hop_length=TEMPO_HOP)[0])
    return refine_tempo(onset, ANALYSIS_SR / TEMPO_HOP, coarse)


_COMB = 4  # beat multiples the refinement listens to
_SEARCH = 0.03  # +-3 %: the coarse estimate is within one lag step, this only removes its quantisation


def refine_tempo(onset: np.ndarray, frame_rate: float, bpm: float) -> float:
    """Sub-frame beat period near bpm: the period whose first few multiples line up best with the onset
    envelope's autocorrelation (interpolated between lags). A whole-lag tempo is quantised by up to
    1 % at 180 BPM; k beats later the same error is k times larger, so the comb resolves it."""
    if not np.isfinite(bpm) or bpm <= 0 or onset.size < 8:
        return bpm
    period = 60.0 * frame_rate / bpm
    x = onset - onset.mean()
    n_lags = min(x.size - 1, int(np.ceil(period * (1 + _SEARCH) * _COMB)) + 2)
    if n_lags < period * (1 + _SEARCH):
        return bpm
    spec = np.fft.rfft(x, 2 * x.size)
    ac = np.fft.irfft(np.abs(spec) ** 2)[: n_lags + 1]
    ac /= np.arange(x.size, x.size - ac.size, -1)  # unbiased: long lags overlap less
    periods = period * np.linspace(1 - _SEARCH, 1 + _SEARCH, 241)
    ks = np.arange(1, _COMB + 1)[:, None]
    lags = periods[None, :] * ks
    valid = lags <= n_lags
    score = np.where(valid, np.interp(lags, np.arange(ac.size), ac), 0.0).sum(axis=0) / valid.sum(axis=0)
    return float(60.0 * frame_rate / periods[int(np.argmax(score))])


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
