"""Waveform peaks for the chat's region editor, computed server-side so the waveform draws instantly.

wavesurfer accepts precomputed peaks (one array per channel, values -1..1) plus the duration and then
skips fetching and decoding the whole file in the browser, which is what makes a 30 s take appear at once.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf

PEAKS_PER_SECOND = 40  # about one bar per 2 px at the editor's width; keeps props small (30 s -> 1200 values)
MAX_PEAKS = 4000  # bounds the props of very long takes


def peaks(path: Path, per_second: int = PEAKS_PER_SECOND) -> tuple[list[float], float]:
    """(signed peak per bucket of the mono mix, rounded to 3 decimals; duration in seconds)."""
    audio, rate = sf.read(str(path), dtype="float32", always_2d=True)
    mono = audio.mean(axis=1)
    duration = len(mono) / rate if rate else 0.0
    if mono.size == 0:
        return [], duration
    buckets = int(min(MAX_PEAKS, mono.size, max(1, round(duration * per_second))))
    edges = np.linspace(0, mono.size, buckets + 1).astype(int)
    highs = np.maximum.reduceat(mono, edges[:-1])
    lows = np.minimum.reduceat(mono, edges[:-1])
    # The larger excursion keeps its sign so the drawing stays faithful to asymmetric waveforms.
    signed = np.where(np.abs(highs) >= np.abs(lows), highs, lows)
    return [round(float(v), 3) for v in np.clip(signed, -1.0, 1.0)], duration
