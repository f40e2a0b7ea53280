"""The shared symbolic score every studio agent writes into and every renderer reads.

Times are in beats (quarter notes) so agents never think in seconds; the renderer converts with
the score's tempo, which keeps the grid tempo-exact.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Note:
    start: float  # beats from the top of the score
    length: float  # beats
    pitch: int  # MIDI note number (drums: GM percussion key)
    velocity: int = 100  # 1..127


@dataclass
class Part:
    """One instrument line: the unit that becomes a stem and a MIDI track."""

    name: str  # e.g. "lead", "bass", "drums"
    instrument: str  # renderer-specific voice, e.g. "pulse25", "triangle", "noise"
    notes: list[Note] = field(default_factory=list)
    is_drum: bool = False
    program: int = 80  # General MIDI program for the MIDI export
    pan: float = 0.0  # -1 (left) .. 1 (right)
    gain: float = 1.0

    def add(self, start: float, length: float, pitch: int, velocity: int = 100) -> None:
        self.notes.append(Note(start, length, pitch, velocity))


@dataclass(frozen=True)
class Section:
    name: str  # "intro", "loop A", "boss", "outro", ...
    start_bar: int
    bars: int


@dataclass
class Score:
    bpm: float
    key: str  # e.g. "C", "F#m"
    beats_per_bar: int = 4
    total_beats: float = 0.0
    sections: list[Section] = field(default_factory=list)
    chords: list[tuple[float, list[int]]] = field(default_factory=list)  # (start beat, MIDI pitches)
    parts: list[Part] = field(default_factory=list)

    def part(self, name: str) -> Part:
        for p in self.parts:
            if p.name == name:
                return p
        raise KeyError(name)

    def seconds(self, beats: float) -> float:
        return beats * 60.0 / self.bpm
