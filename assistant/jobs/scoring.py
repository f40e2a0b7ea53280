"""Ranking a pipeline's takes with the Quality Agent (assistant/agents/quality.py).

The agent says pass/fail with reasons; a pipeline needs an order, so a take's score starts at 1, loses
0.3 per problem the agent found (silence: 0) and a little for how far its loudness and tempo sit from target.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.agents.quality import LOUDNESS_TARGET, Verdict, check_file
from library.models import Track


@dataclass(frozen=True)
class TakeScore:
    track_id: int
    score: float
    reasons: str


def score_verdict(track_id: int, v: Verdict, bpm: float | None) -> TakeScore:
    if v.problems and v.lufs is None and v.tempo is None and v.key is None:
        return TakeScore(track_id, 0.0, "; ".join(v.problems))  # silent: the agent measured nothing else
    score = 1.0 - 0.3 * len(v.problems)
    if v.lufs is not None:
        score -= min(abs(v.lufs - LOUDNESS_TARGET) / 40.0, 0.1)
    if v.tempo and bpm:
        off = min(abs(v.tempo * f - bpm) / bpm for f in (0.5, 1.0, 2.0))
        score -= min(off, 0.1)
    reasons = "; ".join(v.problems) or "no problems"
    measured = f" (measured {v.lufs or 0:.1f} LUFS, {v.tempo or 0:.0f} BPM, key {v.key or '?'})"
    return TakeScore(track_id, round(max(score, 0.0), 4), reasons + measured)


def score_file(track: Track, path: str) -> TakeScore:
    return score_verdict(track.id, check_file(path, track.bpm, track.key), track.bpm)
