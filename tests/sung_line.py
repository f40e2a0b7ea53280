"""A voice-like test signal for the vocals-ish stem (tests/test_stems.py, bench/stems_sdr.py): no studio
renders a voice, and no recording may be downloaded."""

from __future__ import annotations

import numpy as np
import scipy.signal as sg


def sung_line(seconds: float, sr: int = 44100) -> np.ndarray:
    """A voice-like test signal: a sawtooth 'glottis' gliding between notes with 5.5 Hz vibrato (±0.8
    semitone), through vowel formants that change every half second."""
    t = np.arange(int(seconds * sr)) / sr
    notes = 220 * 2 ** (np.array([0, 3, 5, 7, 5, 3, 2, 0, 5, 7]) / 12)
    f = notes[(t / 0.45).astype(int) % len(notes)]
    f = sg.lfilter([0.002], [1, -0.998], f, zi=[f[0] * 0.998])[0] * 2 ** (0.8 / 12 * np.sin(2 * np.pi * 5.5 * t))
    glottis = sg.sawtooth(2 * np.pi * np.cumsum(f) / sr)
    out = np.zeros_like(t)
    vowels = ((730, 1090, 2440), (270, 2290, 3010), (300, 870, 2240), (530, 1840, 2480))
    seg = sr // 2
    for j in range(0, len(t), seg):
        for fc, bw in zip(vowels[(j // seg) % 4], (90, 110, 170), strict=True):
            b, a = sg.iirpeak(fc, fc / bw, fs=sr)
            out[j:j + seg] += sg.lfilter(b, a, glottis[j:j + seg])
    return (out * np.minimum(1, np.minimum(t, seconds - t) * 8) / np.abs(out).max()).astype(np.float32)
