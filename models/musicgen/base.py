"""The neural music generator interface, its request/result types and the builder.

Callers (services, tools, studios' neural re-render) talk to `MusicGenerator`; the transformers
backend is one implementation. Requests are validated before any model work starts.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from models.musicgen.errors import BadRequest

Progress = Callable[[str, float], None]
MAX_DURATION_S = 600.0  # long-form bound: ~20 windows; beyond that, render in sections
MAX_VARIATIONS = 8


def no_progress(_msg: str, _frac: float) -> None:
    pass


@dataclass(frozen=True)
class MusicRequest:
    prompt: str
    duration_s: float = 10.0  # total output length (a continuation prompt counts towards it)
    variations: int = 1
    melody: np.ndarray | None = None  # audio whose chroma conditions MusicGen-Melody
    melody_sr: int = 32000
    continuation: np.ndarray | None = None  # audio to continue from (samples,) or (samples, channels)
    continuation_sr: int = 32000
    guidance: float = 3.0
    temperature: float = 1.0
    top_k: int = 250
    prompt_weight: float = 1.0
    melody_strength: float = 1.0
    seed: int | None = None
    window_s: float = 30.0  # long-form: window length (clipped to the checkpoint's positional range)
    overlap_s: float = 10.0  # long-form: context carried into the next window
    crossfade_s: float = 1.0
    bpm: float | None = None  # with bar_align/beat_snap: where seams may fall
    bar_align: bool = False
    beat_snap: bool = False
    beats_per_bar: int = 4

    def validated(self) -> MusicRequest:
        if not 0.5 <= self.duration_s <= MAX_DURATION_S:
            raise BadRequest(f"duration must be 0.5–{MAX_DURATION_S:g} s, got {self.duration_s:g}")
        if not 1 <= self.variations <= MAX_VARIATIONS:
            raise BadRequest(f"variations must be 1–{MAX_VARIATIONS}, got {self.variations}")
        if not 0 < self.temperature <= 5 or self.guidance < 0 or self.top_k < 0:
            raise BadRequest("temperature must be in (0, 5], guidance and top_k non-negative")
        if not 0 <= self.overlap_s < self.window_s or self.crossfade_s > self.overlap_s:
            raise BadRequest("need 0 <= crossfade <= overlap < window")
        if self.bpm is not None and not 20 <= self.bpm <= 400:
            raise BadRequest(f"bpm must be 20–400, got {self.bpm:g}")
        for name, audio, sr in (("melody", self.melody, self.melody_sr),
                                ("continuation", self.continuation, self.continuation_sr)):
            if audio is not None and (audio.ndim not in (1, 2) or audio.shape[0] < sr * 0.1 or sr < 8000):
                raise BadRequest(f"{name} audio must be (samples,) or (samples, channels), >= 0.1 s, sr >= 8 kHz")
        if self.continuation is not None and self.continuation.shape[0] / self.continuation_sr >= self.duration_s:
            raise BadRequest("the continuation prompt must be shorter than the requested duration")
        return self

    def with_(self, **changes: Any) -> MusicRequest:
        return replace(self, **changes)


@dataclass
class MusicResult:
    audio: np.ndarray  # (variations, samples, channels) float32 in [-1, 1]
    sample_rate: int
    seams_s: list[float] = field(default_factory=list)  # where long-form windows were joined
    notes: str = ""

    @property
    def duration_s(self) -> float:
        return self.audio.shape[1] / self.sample_rate


class MusicGenerator(ABC):
    """A text(+melody/+audio)-to-music engine."""

    name: str = "abstract"

    @property
    @abstractmethod
    def sample_rate(self) -> int: ...

    @property
    @abstractmethod
    def channels(self) -> int: ...

    @property
    @abstractmethod
    def supports_melody(self) -> bool: ...

    @abstractmethod
    def generate(self, request: MusicRequest, progress: Progress = no_progress) -> MusicResult:
        """All variations, complete."""

    @abstractmethod
    def stream(self, request: MusicRequest, chunk_s: float = 1.0) -> Iterator[np.ndarray]:
        """Decoded audio of the first variation in order, chunk by chunk, (samples, channels) each."""


def build_generator(settings: Any = None, spec: str | None = None, device: str | None = None,
                    adapter: str | None = None) -> MusicGenerator:
    """The MusicGen generator for `spec` (default STUDIO_MUSICGEN), optionally with a named LoRA adapter.

    Raises WeightsMissing (naming STUDIO_MUSICGEN) or BackendUnavailable; never downloads.
    """
    from assistant.settings import get_settings
    from models.musicgen.backend import TransformersMusicGen
    from models.musicgen.loader import load

    s = settings or get_settings()
    lm = load(spec, s, device=device)
    if adapter:
        from models.training.adapters import apply_adapter

        apply_adapter(lm, adapter, s)
    return TransformersMusicGen(lm)
