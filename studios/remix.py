"""The four remix sliders (Melody Loyalty, Weirdness, Genre Shift, Structure Consistency) as one generic
dataclass, and what they mean for the symbolic studios.

The dataclass knows nothing about how an engine honours it, so the neural path can map the same values
onto MusicGen (chroma strength, temperature, CFG). For the studios: weirdness sets the composing
temperature (studios.theory.choose) and admits outside notes into the melody (studios.phrasing);
structure consistency makes repeated phrases repeat exactly or vary them (studios.phrasing); melody
loyalty and genre shift act against a reference score (studios.reference).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields

from studios.errors import StudioError

# Weirdness at which the composing temperature is 1.0, i.e. the studios exactly as tuned.
NEUTRAL_WEIRDNESS = 0.3
MAX_OUTSIDE_RATE = 0.35  # share of melody notes moved off the scale at weirdness 1.0

_MEANING = {
    "melody_loyalty": "0 = write a new melody, 1 = keep the reference melody",
    "weirdness": "0 = safest choices, 1 = most surprising and chromatic",
    "genre_shift": "0 = keep the reference's style, 1 = follow the prompt",
    "structure_consistency": "0 = every phrase varied, 1 = repeated phrases repeat exactly",
}


@dataclass(frozen=True)
class Remix:
    """Slider values, each 0..1. The defaults leave a take as the studio would compose it."""

    melody_loyalty: float = 0.5
    weirdness: float = NEUTRAL_WEIRDNESS
    genre_shift: float = 0.5
    structure_consistency: float = 0.5

    @classmethod
    def of(cls, **values: float | None) -> Remix:
        """Build from optional values (None = default); unknown names are an error, then validate."""
        known = {f.name for f in fields(cls)}
        unknown = set(values) - known
        if unknown:
            raise StudioError(f"unknown remix slider(s) {', '.join(sorted(unknown))}: use {', '.join(sorted(known))}")
        return cls(**{k: v for k, v in values.items() if v is not None}).validated()  # type: ignore[arg-type]

    def validated(self) -> Remix:
        for f in fields(self):
            value = getattr(self, f.name)
            try:
                number = float(value)
            except (TypeError, ValueError):
                number = math.nan
            if isinstance(value, bool) or not 0.0 <= number <= 1.0:  # NaN fails both comparisons
                raise StudioError(f"{f.name.replace('_', ' ')} must be a number from 0 to 1 "
                                  f"({_MEANING[f.name]}), got {value!r}")
        return Remix(*(float(getattr(self, f.name)) for f in fields(self)))

    @property
    def temperature(self) -> float:
        """Composing temperature: 0.54 at weirdness 0, 1.0 at the neutral 0.3, about 4.3 at 1."""
        return float(2.0 ** (3.0 * (self.weirdness - NEUTRAL_WEIRDNESS)))

    @property
    def outside_rate(self) -> float:
        """Share of melody notes moved a semitone off the scale; none up to the neutral weirdness."""
        return MAX_OUTSIDE_RATE * max(0.0, self.weirdness - NEUTRAL_WEIRDNESS) / (1.0 - NEUTRAL_WEIRDNESS)

    @property
    def regularity(self) -> float:
        """-1 (vary every repeat) .. 0 (as composed) .. 1 (repeats are exact copies)."""
        return 2.0 * self.structure_consistency - 1.0

    def as_params(self) -> dict[str, float]:
        return asdict(self)
