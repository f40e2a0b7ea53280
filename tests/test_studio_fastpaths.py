"""The fast paths of the studio renderers must give what the plain ones give."""

from __future__ import annotations

import numpy as np
import pytest

from studios import parallel
from studios.base import GenerationRequest
from studios.manager import StudioManager
from studios.mastering import master, true_peak_dbtp, true_peak_dbtp_reference
from studios.score import Note, Part
from studios.sfsynth import find_soundfont, render_part


def _signals() -> list[np.ndarray]:
    rng = np.random.default_rng(7)
    noisy = rng.standard_normal((44100, 2)) * 0.2
    noisy[::997] *= 5  # isolated spikes: the overs sit next to them
    t = np.arange(22050)[:, None]
    quarter_rate = np.sin(t * np.pi / 2 + np.pi / 4 + np.array([0.0, 1.0])) * 0.5  # +3 dB inter-sample overs
    return [noisy, master(noisy, 44100), quarter_rate, np.zeros((4410, 2))]


@pytest.mark.parametrize("i", range(4))
def test_pruned_true_peak_equals_full_oversampling(i):
    x = _signals()[i]
    assert true_peak_dbtp(x) == pytest.approx(true_peak_dbtp_reference(x), abs=1e-5)


def test_reused_synth_renders_like_a_fresh_one():
    sf2 = find_soundfont()
    bass = Part("bass", "", [Note(i * 0.5, 0.4, 40 + i % 5, 100) for i in range(8)], program=33)
    drums = Part("drums", "", [Note(i * 0.5, 0.25, 36 + 2 * (i % 2), 110) for i in range(8)], is_drum=True)
    first = render_part(bass, 0.5, 44100 * 3, 44100, sf2)
    render_part(drums, 0.5, 44100 * 3, 44100, sf2)  # leaves ringing voices and other channel state behind
    assert np.array_equal(render_part(bass, 0.5, 44100 * 3, 44100, sf2), first)


@pytest.mark.parametrize("studio_id", ["chiptune", "cypher"])
def test_parallel_parts_give_the_serial_take(studio_id, monkeypatch):
    studio = StudioManager().get(studio_id)
    req = GenerationRequest("piece", 4.0, 128, "Dm", seed=3)
    monkeypatch.setattr(parallel, "MAX_THREADS", 1)
    serial = studio.generate(req)
    monkeypatch.setattr(parallel, "MAX_THREADS", 2)
    threaded = studio.generate(req)
    assert np.array_equal(serial.audio, threaded.audio)
    assert list(serial.stems) == list(threaded.stems)
