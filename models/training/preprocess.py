"""Chunk audio into training clips: fixed length, model rate, mono, silent stretches skipped."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import librosa
import numpy as np

from models.musicgen.chroma import resample, to_mono

SILENCE_DBFS = -45.0  # a clip quieter than this (RMS) carries nothing to learn


class PreprocessError(ValueError):
    """Unusable input audio; the message names the file and what is wrong."""


@dataclass(frozen=True)
class ChunkSpec:
    seconds: float = 30.0
    sample_rate: int = 32000
    min_seconds: float = 5.0  # a shorter tail is dropped rather than padded with silence
    silence_dbfs: float = SILENCE_DBFS

    def validated(self) -> ChunkSpec:
        if not 1.0 <= self.seconds <= 60.0 or not 0.5 <= self.min_seconds <= self.seconds:
            raise PreprocessError("chunk length must be 1-60 s and the minimum 0.5 s up to the chunk length")
        if self.sample_rate < 8000:
            raise PreprocessError("sample rate must be at least 8 kHz")
        return self


@dataclass(frozen=True)
class Chunk:
    source: str
    start_s: float
    audio: np.ndarray  # float32 mono at sample_rate
    sample_rate: int

    @property
    def duration_s(self) -> float:
        return self.audio.shape[0] / self.sample_rate


def rms_dbfs(x: np.ndarray) -> float:
    return 20 * float(np.log10(np.sqrt(np.mean(np.square(x, dtype=np.float64))) + 1e-12))


def chunk_audio(audio: np.ndarray, sr: int, spec: ChunkSpec = ChunkSpec(), source: str = "") -> Iterator[Chunk]:
    """Consecutive spec.seconds clips of mono audio at spec.sample_rate, skipping silent ones."""
    spec = spec.validated()
    y = resample(to_mono(audio), sr, spec.sample_rate)
    step, least = int(spec.seconds * spec.sample_rate), int(spec.min_seconds * spec.sample_rate)
    for start in range(0, y.shape[0], step):
        clip = y[start:start + step]
        if clip.shape[0] >= least and rms_dbfs(clip) > spec.silence_dbfs:
            yield Chunk(source, start / spec.sample_rate, clip, spec.sample_rate)


def load_audio(path: Path) -> tuple[np.ndarray, int]:
    try:
        y, sr = librosa.load(str(path), sr=None, mono=False)
    except Exception as err:
        raise PreprocessError(f"{path.name}: not readable audio ({err}); use WAV, FLAC, MP3 or OGG") from err
    return (y.T if y.ndim == 2 else y).astype(np.float32), int(sr)


def chunk_files(paths: list[Path], spec: ChunkSpec = ChunkSpec()) -> list[Chunk]:
    """All non-silent chunks of every file; PreprocessError if nothing usable remains."""
    chunks = [c for p in paths for c in chunk_audio(*load_audio(p), spec=spec, source=str(p))]
    if not chunks:
        raise PreprocessError(f"no non-silent clip of at least {spec.min_seconds:g} s in {len(paths)} file(s)")
    return chunks
