"""Pulse policy: where onsets may fall so a listener (and librosa) reads the requested tempo.

librosa's tempo estimate weighs the onset autocorrelation with a log-normal prior centred on 120 BPM,
so two tempo ranges need care in a soft-attack classical texture:
- slow (< 84 BPM): off-beat onsets as strong as the beats make the double tempo win, so accompaniment
  figures move in beats and melodies keep to beat-length notes;
- fast (>= 160 BPM): when every beat is alike the half tempo wins, so the bar alternates two active
  beats with two held ones (4/4: strong-strong-held-held makes the one-beat lag the strongest
  periodicity) or, in 3/4, an active bar of three beats with a held bar sounding only its downbeat
  (the classic "one-two-three | one" scherzo rhythm).
Everything in between moves freely in beats and half-beats.
"""

from __future__ import annotations

from dataclasses import dataclass

SLOW_BELOW = 84.0
FAST_FROM = 160.0


@dataclass(frozen=True)
class Pulse:
    bpm: float
    beats_per_bar: int = 4

    @property
    def tier(self) -> str:
        if self.bpm < SLOW_BELOW:
            return "slow"
        return "fast" if self.bpm >= FAST_FROM else "medium"

    @property
    def subdivision(self) -> int:
        """Notes per beat an accompaniment figure may use."""
        return 2 if self.tier == "medium" else 1

    def beat_roles(self, bar: int) -> list[str]:
        """Per beat of this bar: "strong" (full onsets), "weak" (a light tick only) or "rest" (held)."""
        n = self.beats_per_bar
        if self.tier != "fast":
            return ["strong"] * n
        if n == 3:
            return ["strong"] * 3 if bar % 2 == 0 else ["strong", "rest", "rest"]
        return ["strong" if b % 4 < 2 else "weak" for b in range(n)]

    def active_beats(self, bar: int) -> list[int]:
        """Beats of this bar (0-based) on which melody, harmony and figures may start notes."""
        return [b for b, role in enumerate(self.beat_roles(bar)) if role == "strong"]

    def weak_beats(self, bar: int) -> list[int]:
        """Beats that get only a light tick, so the half tempo never looks like the beat."""
        return [b for b, role in enumerate(self.beat_roles(bar)) if role == "weak"]

    def is_active(self, beat_position: float) -> bool:
        """Whether an onset at this absolute beat position is allowed by the pulse."""
        bar, beat = divmod(int(beat_position + 1e-6), self.beats_per_bar)
        return beat in self.active_beats(bar)

    def accent(self, beat_position: float) -> float:
        """Velocity factor: the downbeat leads and the other beats stay clearly present (off-beats
        lighter); at fast tempos the active beats are even, since a louder downbeat would make the
        bar, not the beat, the strongest periodicity."""
        pos = beat_position % self.beats_per_bar
        frac = pos - int(pos + 1e-6)
        if frac > 1e-3:
            return 0.8
        beat = int(pos + 1e-6)
        if self.tier == "fast":
            return 1.0
        if beat == 0:
            return 1.0
        if self.beats_per_bar == 4 and beat == 2:
            return 0.93
        return 0.88
