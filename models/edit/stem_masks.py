"""The offline stem split's judgement calls: is a stem there at all, and where the bass line lies.

A mask for a stem the mixture lacks only moves other stems' energy into it, so each stem first has to show
it is present; a stem that does not gets a silent mask and its share stays in "other":
- drums: the percussive part is noise-like (flat spectrum: hats, snares, kicks); bow and hammer attacks are not.
- bass: harmonic energy below 60 Hz, or a low band (< 100 Hz) carrying a large part of the mixture.
- vocals: a centred part that is neither steady (fine-resolution harmonic) nor percussive holds a real share
  of the mixture (glides and vibrato, after FitzGerald's two-resolution median filtering).
The thresholds sit between what studio renders with and without each stem measure (bench/stems_sdr.py).

The bass mask is the lowest partial of each frame (the bass line's fundamental); where one line explains the
low band (bass guitar, 808, chiptune triangle) it widens to the whole band below 180 Hz plus that line's
harmonics, each capped at the fundamental's level over its number, as a Wiener-style soft mask.
"""

from __future__ import annotations

import numpy as np

BASS_HZ = 180.0
F0_RANGE = (28.0, 300.0)  # where a bass line's fundamental can be
F0_FLOOR_DB = -18.0  # the lowest peak counts if within this of the frame's loudest low peak
HARMONIC_TOP_HZ = 1500.0
PARTIAL_REL = 0.02  # a partial's window: ±2 % of its frequency, at least one bin
LINE_SHARE = 0.19  # low-band share of the tracked fundamental above which one line owns the low band
DRUM_FLATNESS = 0.008
VOICE_SHARE = 0.0038
BASS_SUB = (60.0, 0.004)  # (below Hz, share of the harmonic energy)
BASS_LOW = (100.0, 0.3)
REGISTER = 1.6  # a lowest partial this far above the line's (power-weighted) median is not the bass


def smooth_step(x: np.ndarray | float, edge: float, width: float) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-(np.asarray(x, dtype=np.float64) - edge) / width))


def presence(value: float, threshold: float, width: float = 0.2) -> float:
    """0..1: how clearly value exceeds threshold, judged on a log scale (a factor of e^width is one step)."""
    return float(smooth_step(np.log(max(value, 1e-12)), np.log(threshold), width))


def flatness(power: np.ndarray, lo: int = 5, hi: int = 700) -> float:
    """Energy-weighted spectral flatness (geometric / arithmetic mean) of power[lo:hi] over frames."""
    p = power[lo:hi] + 1e-12
    per_frame = np.exp(np.mean(np.log(p), axis=0)) / np.mean(p, axis=0)
    weight = p.sum(axis=0)
    return float((per_frame * weight).sum() / max(weight.sum(), 1e-12))


def drum_presence(perc_power: np.ndarray) -> float:
    return presence(flatness(perc_power), DRUM_FLATNESS)


def voice_presence(share: float) -> float:
    return presence(share, VOICE_SHARE, 0.12)


def bass_presence(power: np.ndarray, freqs: np.ndarray) -> float:
    total = max(float(power.sum()), 1e-12)
    sub = float(power[freqs < BASS_SUB[0]].sum()) / total
    low = float(power[freqs < BASS_LOW[0]].sum()) / total
    return max(presence(sub, BASS_SUB[1], 0.25), presence(low, BASS_LOW[1], 0.15))


def lowest_partial(mag: np.ndarray, freqs: np.ndarray) -> np.ndarray:
    """Per frame, the frequency of the lowest spectral peak in F0_RANGE within F0_FLOOR_DB of the loudest
    (parabolic interpolation); NaN where the band is silent."""
    idx = np.where((freqs >= F0_RANGE[0]) & (freqs <= F0_RANGE[1]))[0]
    x = mag[idx]
    floor = x.max(axis=0) * 10 ** (F0_FLOOR_DB / 20)
    inner = x[1:-1]
    peak = (inner >= x[:-2]) & (inner >= x[2:]) & (inner > floor[None]) & (inner > 1e-9)
    first = np.argmax(peak, axis=0) + 1
    t = np.arange(x.shape[1])
    a, b, c = (np.log(x[first + d, t] + 1e-12) for d in (-1, 0, 1))
    curve = a - 2 * b + c
    shift = np.clip(0.5 * (a - c) / np.where(np.abs(curve) < 1e-12, -1e-12, curve), -0.5, 0.5)
    f0 = freqs[idx[0]] + (first + shift) * (freqs[1] - freqs[0])
    return np.where(peak.any(axis=0), f0, np.nan)


def _weighted_median(values: np.ndarray, weights: np.ndarray) -> float:
    ok = ~np.isnan(values)
    if not ok.any():
        return float("inf")
    order = np.argsort(values[ok])
    cum = np.cumsum(weights[ok][order])
    return float(values[ok][order][min(int(np.searchsorted(cum, 0.5 * cum[-1])), len(cum) - 1)])


def _window(freqs: np.ndarray, centre: np.ndarray) -> np.ndarray:
    """(bins, frames) weights: 1 within ±PARTIAL_REL of centre (at least one bin), falling to 0 at 1.5×."""
    half = np.maximum(centre * PARTIAL_REL, freqs[1] - freqs[0])
    w = np.clip(1.5 - np.abs(freqs[:, None] - centre[None]) / half[None], 0.0, 1.0)
    return np.where(np.isnan(centre)[None], 0.0, w)


def bass_mask(tonal: np.ndarray, freqs: np.ndarray) -> tuple[np.ndarray, float, float]:
    """Soft bass mask (bins, frames) for the harmonic magnitude spectrogram of a fine-resolution STFT, how
    present a bass judged (0..1), and how far one line owns the low band (0..1)."""
    gate = bass_presence(tonal**2, freqs)
    mask = np.zeros(tonal.shape, np.float32)
    if gate < 1e-3:
        return mask, gate, 0.0
    top = int(np.searchsorted(freqs, HARMONIC_TOP_HZ))
    mag, fr = tonal[:top], freqs[:top]
    f0 = lowest_partial(mag, fr)
    line = _window(fr, f0)  # the fundamental alone
    low = fr < BASS_HZ
    power = mag**2
    share = float((line[low] * power[low]).sum() / max(power[low].sum(), 1e-12))
    owns = presence(share, LINE_SHARE, 0.1)
    level = np.where(line > 0, mag, 0.0).max(axis=0)  # the fundamental's magnitude, per frame
    if owns > 1e-3:
        band = np.maximum(line, (1.0 - smooth_step(fr, BASS_HZ, 10.0))[:, None])
        for k in range(2, int(HARMONIC_TOP_HZ / F0_RANGE[0]) + 1):
            fk = k * f0
            if not np.any(fk < HARMONIC_TOP_HZ):
                break
            cap = np.minimum(1.0, (0.5 / k * level[None] / (mag + 1e-12)) ** 2)  # Wiener: capped harmonic / all
            band = np.maximum(band, _window(fr, np.where(fk < HARMONIC_TOP_HZ, fk, np.nan)) * cap)
        line = owns * band + (1.0 - owns) * line
    if owns < 1 - 1e-3:
        # Several low voices: frames whose lowest partial sits far above the line's usual register are
        # another instrument (the cellos while the basses rest), not the bass.
        usual = _weighted_median(f0, power[low].max(axis=0))  # weighted by how loud each frame's low band is
        line = np.where((f0 > REGISTER * usual)[None], owns * line, line)
    mask[:top] = gate * line
    return mask, gate, owns
