"""Shared builders for the library tests: rows with real audio files, and musical test signals."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf

from library.models import Track

SR = 22050
_NOTE = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}


def freq(name: str, octave: int = 4) -> float:
    return 440.0 * 2 ** ((_NOTE[name] + 12 * (octave + 1) - 69) / 12)


def groove(bpm: float, chord: tuple[float, ...], seconds: float = 6.0, timbre: str = "sine",
           sr: int = SR) -> np.ndarray:
    """A chord pad plus a percussive click on every beat: tempo and key a listener (and DSP) agree on."""
    t = np.arange(int(seconds * sr)) / sr
    wave = {"sine": np.sin, "square": lambda x: np.sign(np.sin(x)),
            "saw": lambda x: 2 * ((x / (2 * np.pi)) % 1) - 1}[timbre]
    pad = sum(wave(2 * np.pi * f * t) for f in chord) / len(chord)
    clicks = np.zeros_like(t)
    rng = np.random.default_rng(0)
    burst = rng.standard_normal(int(0.03 * sr)) * np.exp(-np.linspace(0, 8, int(0.03 * sr)))
    for start in np.arange(0, seconds, 60.0 / bpm):
        i = int(start * sr)
        clicks[i:i + burst.size] += burst[: max(0, min(burst.size, t.size - i))]
    y = 0.35 * pad + 0.5 * clicks
    return np.stack([y, y], axis=1).astype(np.float32) * 0.8


def write(path: Path, audio: np.ndarray, sr: int = SR, fmt: str | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(str(path), audio, sr, format=fmt) if fmt else sf.write(str(path), audio, sr)
    return path


def track(**kw) -> Track:
    base = dict(title="t", prompt="p", studio="chiptune", bpm=120.0, key="C", duration_s=6.0,
                sample_rate=SR, file_path="x/mix.wav")
    return Track(**{**base, **kw})


def add_with_audio(services, audio: np.ndarray | None = None, **kw) -> Track:
    """A library row whose mix.wav exists in the store (what a render leaves behind)."""
    folder = services.store.new_take_dir()
    rel = services.store.write_wav(f"{folder}/mix.wav", audio if audio is not None else groove(120, (261.6,)),
                                   SR)
    return services.tracks.add(track(file_path=rel, **kw))
