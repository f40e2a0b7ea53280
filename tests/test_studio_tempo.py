"""Tempo: the detector resolves tempo finer than one onset lag, and Chiptune's pulse reads at the asked
tempo at the ends of the range, where a plain groove reads as half or double time."""

from __future__ import annotations

import numpy as np
import pytest

from models.analysis import detect_tempo
from studios.base import GenerationRequest
from studios.manager import StudioManager

SR = 22050


def click_track(bpm: float, seconds: float = 12.0) -> np.ndarray:
    y = np.zeros(int(seconds * SR))
    burst = np.random.default_rng(0).standard_normal(200) * np.hanning(200)
    for t in np.arange(0.0, seconds - 0.05, 60.0 / bpm):
        i = int(round(t * SR))
        y[i:i + 200] += burst
    return y


@pytest.mark.parametrize("bpm", [143.0, 158.0, 166.0])
def test_detected_tempo_is_finer_than_one_lag(bpm):
    # At 172 onset frames/s whole lags put these at 143.6, 159.0 and 166.7 BPM (0.4-0.6 % off).
    assert abs(detect_tempo(click_track(bpm), SR) - bpm) / bpm <= 0.0015


@pytest.mark.parametrize("bpm", [66.0, 84.0, 196.0])
def test_chiptune_pulse_reads_at_the_asked_tempo(bpm):
    r = StudioManager().get("chiptune").generate(GenerationRequest("chiptune piece", 12.0, bpm, "Am", seed=1), 44100)
    assert abs(detect_tempo(r.audio, 44100) - bpm) / bpm <= 0.01
