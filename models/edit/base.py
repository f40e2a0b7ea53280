"""What every editing backend receives and returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from models.edit.symbolic import StudioTake
    from studios.score import Score


@dataclass
class Source:
    """The take being edited: stereo float32 audio, and what is known about its musical grid."""

    audio: np.ndarray  # (frames, 2)
    sr: int
    bpm: float | None = None
    beats_per_bar: int = 4
    studio: StudioTake | None = None  # set for studio takes whose score could be recovered

    @property
    def duration_s(self) -> float:
        return self.audio.shape[0] / self.sr


@dataclass
class EditResult:
    audio: np.ndarray
    sr: int
    backend: str  # named in the reply
    seams_s: list[float] = field(default_factory=list)
    notes: str = ""
    stems: dict[str, np.ndarray] = field(default_factory=dict)  # re-rendered studio takes keep exact stems
    score: Score | None = None  # the new take's Score, when a studio re-rendered it


class BackendUnavailable(RuntimeError):
    """A backend that cannot run here; the message names the setting or install that enables it."""
