"""Style Ref: the nearest library tracks' descriptors, to condition a new generation.

Given a description or a track, returns the references' tempo, key, mood and instrumentation
(studio + stem names), summarised into generation arguments, and a sentence naming the references
so the reply can say what the new take was modelled on.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy.orm import selectinload

from library.models import Track
from library.search import SearchService, SimilarQuery


@dataclass(frozen=True)
class Reference:
    track_id: int
    title: str
    studio: str
    bpm: float | None
    key: str | None
    mood: str | None
    instruments: tuple[str, ...]
    score: float


@dataclass(frozen=True)
class StyleRef:
    references: list[Reference]
    bpm: float | None
    key: str | None
    mood: str | None
    studio: str | None
    instruments: list[str] = field(default_factory=list)

    def generation_args(self) -> dict[str, object]:
        """Arguments for StudioServices.generate: tempo, key and studio; mood/instruments as prompt words."""
        words = [w for w in (self.mood, *self.instruments[:4]) if w]
        args: dict[str, object] = {"bpm": self.bpm, "key": self.key, "studio": self.studio,
                                   "prompt_suffix": (" in the style of the references: " + ", ".join(words))
                                   if words else ""}
        return {k: v for k, v in args.items() if v not in (None, "")}

    def describe(self) -> str:
        names = ", ".join(f"#{r.track_id} “{r.title}”" for r in self.references)
        traits = [f"{self.bpm:g} BPM" if self.bpm else "", self.key or "", self.mood or "", self.studio or ""]
        return f"Style references: {names} ({', '.join(t for t in traits if t)})."


def _common(values: list[str | None]) -> str | None:
    got = [v for v in values if v]
    return Counter(got).most_common(1)[0][0] if got else None


def style_ref(search: SearchService, query: str | None = None, track_id: int | None = None,
              k: int = 3) -> StyleRef | None:
    """None when the library has nothing to learn from (empty, or everything trashed). With a track, that
    track leads ("in the style of track 3": its tempo, key and studio) and its neighbours add colour."""
    found = [(m.track, m.score) for m in search.similar(SimilarQuery(query=query, track_id=track_id, k=k))]
    if track_id is not None:
        with search.db.session() as s:
            own = s.get(Track, track_id, options=[selectinload(Track.stems)])
        if own is not None and own.trashed_at is None:
            found.insert(0, (own, 1.0))
    if not found:
        return None
    refs = [Reference(t.id, t.title, t.studio, t.bpm, t.key, t.mood, tuple(s.name for s in t.stems), score)
            for t, score in found]
    instruments = Counter(name for r in refs for name in r.instruments)
    if track_id is not None and refs[0].track_id == track_id:
        lead = refs[0]
        return StyleRef(refs, lead.bpm, lead.key, lead.mood or _common([r.mood for r in refs]), lead.studio,
                        list(lead.instruments) or [name for name, _ in instruments.most_common()])
    bpms = [r.bpm for r in refs if r.bpm]
    return StyleRef(refs, round(float(np.median(bpms)), 1) if bpms else None, _common([r.key for r in refs]),
                    _common([r.mood for r in refs]), _common([r.studio for r in refs]),
                    [name for name, _ in instruments.most_common()])
