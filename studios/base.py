"""What every studio promises: a validated request in, a rendered take (mix, stems, MIDI) out."""

from __future__ import annotations

import abc
import re
from dataclasses import dataclass, field

import numpy as np

from studios.score import Score

MIN_DURATION_S = 1.0
MAX_DURATION_S = 600.0  # ten minutes: long enough for a full piece, short enough to bound memory
MIN_BPM = 40.0
MAX_BPM = 300.0
MAX_VARIATIONS = 8

KEY_RE = re.compile(r"^([A-Ga-g])([#b]?)(m?)$")


class StudioError(ValueError):
    """A request a studio cannot honour; the message tells the user what to change."""


def normalise_key(key: str) -> str:
    """'c#m' -> 'C#m', 'Bb' -> 'Bb'; raises StudioError naming the accepted form."""
    m = KEY_RE.match(key.strip())
    if not m:
        raise StudioError(
            f"unknown key {key!r}: use a note name with an optional # or b and 'm' for minor, "
            "e.g. C, F#, Bb, Dm, C#m"
        )
    return m.group(1).upper() + m.group(2) + m.group(3)


@dataclass(frozen=True)
class GenerationRequest:
    prompt: str = ""
    duration_s: float = 30.0
    bpm: float | None = None  # None: the studio picks one that fits the prompt
    key: str | None = None
    seed: int | None = None
    variations: int = 1

    def validated(self) -> GenerationRequest:
        d = float(self.duration_s)
        if not np.isfinite(d) or d < MIN_DURATION_S or d > MAX_DURATION_S:
            raise StudioError(
                f"duration {self.duration_s:g} s is out of range: choose between "
                f"{MIN_DURATION_S:g} and {MAX_DURATION_S:g} seconds"
            )
        if self.bpm is not None:
            b = float(self.bpm)
            if not np.isfinite(b) or b < MIN_BPM or b > MAX_BPM:
                raise StudioError(
                    f"tempo {self.bpm:g} BPM is out of range: choose between {MIN_BPM:g} and {MAX_BPM:g} BPM"
                )
        if not 1 <= int(self.variations) <= MAX_VARIATIONS:
            raise StudioError(f"variations must be between 1 and {MAX_VARIATIONS}")
        key = normalise_key(self.key) if self.key else None
        return GenerationRequest(self.prompt.strip(), d, self.bpm, key, self.seed, int(self.variations))


@dataclass
class Render:
    """A finished take: stereo float32 mix (frames, 2), its stems before mastering, and the score."""

    audio: np.ndarray
    sample_rate: int
    score: Score
    stems: dict[str, np.ndarray] = field(default_factory=dict)
    title: str = ""
    bpm: float = 0.0
    key: str = ""
    notes: str = ""  # what the agents decided, shown to the user

    @property
    def duration_s(self) -> float:
        return self.audio.shape[0] / self.sample_rate


class Studio(abc.ABC):
    """A genre studio: an ensemble of composing agents plus a renderer."""

    id: str = ""
    name: str = ""
    genre: str = ""
    keywords: tuple[str, ...] = ()  # prompt words that send a request here
    default_bpm: float = 120.0

    @abc.abstractmethod
    def compose(self, request: GenerationRequest, rng: np.random.Generator) -> Score:
        """Write the symbolic score for a validated request."""

    @abc.abstractmethod
    def render(self, score: Score, duration_s: float, sample_rate: int) -> Render:
        """Turn a score into exactly duration_s seconds of mastered stereo audio."""

    def generate(self, request: GenerationRequest, sample_rate: int = 44100) -> Render:
        req = request.validated()
        rng = np.random.default_rng(req.seed)
        score = self.compose(req, rng)
        return self.render(score, req.duration_s, sample_rate)
