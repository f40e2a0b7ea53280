"""SoundFontStudio: the shared renderer of the soundfont genre studios (Cypher, Ironclad, Blue Note, Virtuoso).

A studio subclass composes the Score with its agents and declares its sound: per-part effect chains
and a bus chain. Rendering, stems, mastering and exact length are the same for all of them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pedalboard as pb

from studios import effects
from studios.base import Render, Studio
from studios.mastering import exact_length, master
from studios.parallel import map_parts
from studios.score import Part, Score
from studios.sfsynth import find_soundfont, pan, render_part

ChainFactory = Callable[[], pb.Pedalboard]


class SoundFontStudio(Studio):
    part_chains: dict[str, ChainFactory] = {}  # part name -> effect chain factory
    bus_chain: ChainFactory | None = staticmethod(effects.bus_glue)  # type: ignore[assignment]
    soundfont: Path | None = None  # a better .sf2 when the user configured one

    def title_for(self, score: Score) -> str:
        return f"{self.name} piece in {score.key}"

    def describe(self, score: Score) -> str:
        form = " / ".join(f"{s.name} ({s.bars} bars)" for s in score.sections)
        parts = ", ".join(p.name for p in score.parts)
        return f"Form: {form}. Parts: {parts}."

    def render(self, score: Score, duration_s: float, sample_rate: int) -> Render:
        n = int(round(duration_s * sample_rate))
        sf2 = find_soundfont(self.soundfont)
        spb = 60.0 / score.bpm

        def stem(part: Part) -> np.ndarray:
            chain = self.part_chains.get(part.name)
            return pan(effects.apply(chain() if chain else None, render_part(part, spb, n, sample_rate, sf2),
                                     sample_rate), part.pan)

        stems = dict(zip([p.name for p in score.parts], map_parts(stem, score.parts), strict=True))
        mix = np.sum(list(stems.values()), axis=0) if stems else np.zeros((n, 2), np.float32)
        bus = self.bus_chain() if self.bus_chain else None
        mastered = master(effects.apply(bus, mix, sample_rate), sample_rate)
        audio = exact_length(mastered, n, sample_rate)
        return Render(audio=audio, sample_rate=sample_rate, score=score, stems=stems,
                      title=self.title_for(score), bpm=score.bpm, key=score.key, notes=self.describe(score),
                      premaster=mix)
