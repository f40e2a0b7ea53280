"""What every exporter writes: a take's tempo, metre, audio lanes (stems), MIDI lanes and markers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pretty_midi


@dataclass(frozen=True)
class AudioLane:
    name: str
    path: Path  # a WAV file
    channels: int = 2


@dataclass(frozen=True)
class NoteEvent:
    start_s: float
    end_s: float
    pitch: int
    velocity: int


@dataclass(frozen=True)
class MidiLane:
    name: str
    notes: tuple[NoteEvent, ...]
    program: int = 0
    is_drum: bool = False


@dataclass
class ExportProject:
    title: str
    bpm: float
    beats_per_bar: int
    duration_s: float
    sample_rate: int
    audio: list[AudioLane] = field(default_factory=list)
    midi: list[MidiLane] = field(default_factory=list)
    markers: list[tuple[float, str]] = field(default_factory=list)  # (seconds, text), e.g. from comments
    midi_file: Path | None = None  # the whole MIDI file, copied as is where a format takes one

    def beats(self, seconds: float) -> float:
        return seconds * self.bpm / 60.0


def midi_lanes(pm: pretty_midi.PrettyMIDI) -> list[MidiLane]:
    lanes = []
    for i, inst in enumerate(pm.instruments):
        notes = tuple(NoteEvent(float(n.start), float(n.end), int(n.pitch), int(n.velocity))
                      for n in sorted(inst.notes, key=lambda n: (n.start, n.pitch)))
        lanes.append(MidiLane(inst.name or f"MIDI {i + 1}", notes, int(inst.program), bool(inst.is_drum)))
    return lanes


def safe_name(name: str) -> str:
    """A file-name stem that is safe inside any archive or project folder."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "lane"
