"""What every studio promises: a validated request in, a rendered take (mix, stems, MIDI) out."""

from __future__ import annotations

import abc
import re
from dataclasses import dataclass, field, replace

import numpy as np

from studios.errors import StudioError
from studios.meter import check_meter, meter_in_prompt, parse_time_signature
from studios.phrasing import admit_outside_notes, regularise_phrases
from studios.reference import keep_reference_melody
from studios.remix import Remix
from studios.score import Score
from studios.theory import composing_temperature

MIN_DURATION_S = 1.0
MAX_DURATION_S = 600.0  # ten minutes: long enough for a full piece, short enough to bound memory
MIN_BPM = 40.0
MAX_BPM = 300.0
MAX_VARIATIONS = 8

KEY_RE = re.compile(r"^([A-Ga-g])([#b]?)(m?)$")


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
    time_signature: str | None = None  # None: the prompt's words (e.g. "waltz") or the studio's own metre
    remix: Remix = field(default_factory=Remix)
    reference: Score | None = None  # an earlier take's score, for Melody Loyalty

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
        meter = parse_time_signature(self.time_signature).text if self.time_signature else None
        return replace(self, prompt=self.prompt.strip(), duration_s=d, key=key, variations=int(self.variations),
                       time_signature=meter, remix=self.remix.validated())


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
    premaster: np.ndarray | None = None  # the stems' sum as fed to the bus chain and mastering

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
    time_signatures: tuple[str, ...] = ("4/4",)  # metres the agents can write; the first is the default

    @abc.abstractmethod
    def compose(self, request: GenerationRequest, rng: np.random.Generator) -> Score:
        """Write the symbolic score for a validated request."""

    @abc.abstractmethod
    def render(self, score: Score, duration_s: float, sample_rate: int) -> Render:
        """Turn a score into exactly duration_s seconds of mastered stereo audio."""

    def compose_take(self, request: GenerationRequest) -> tuple[Score, str]:
        """Validate, settle the metre, run the agents at the Weirdness temperature, then the remix passes.

        Returns the score and a note for the user (empty unless a prompt-implied metre was not possible).
        """
        req = request.validated()
        meter, note = check_meter(self.name, self.time_signatures, req.time_signature, meter_in_prompt(req.prompt))
        req = replace(req, time_signature=meter)
        rng = np.random.default_rng(req.seed)
        with composing_temperature(req.remix.temperature):
            score = self.compose(req, rng)
        # The remix passes draw from their own stream so the sliders never reshuffle the agents' choices.
        passes = np.random.default_rng([req.seed if req.seed is not None else int(rng.integers(2**31)), 1])
        regularise_phrases(score, req.remix.regularity, passes)
        admit_outside_notes(score, req.remix.outside_rate, passes)
        if req.reference is not None:
            keep_reference_melody(score, req.reference, req.remix.melody_loyalty, passes)
        return score, note

    def generate(self, request: GenerationRequest, sample_rate: int = 44100) -> Render:
        score, note = self.compose_take(request)
        render = self.render(score, float(request.duration_s), sample_rate)
        render.notes += note
        return render
