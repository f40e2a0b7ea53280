"""The shared symbolic score every studio agent writes into and every renderer reads.

Times are in beats (quarter notes) so agents never think in seconds; the renderer converts with
the score's tempo, which keeps the grid tempo-exact.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any

import numpy as np


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


# -- saved with every take (score.json), so any take can be edited symbolically -----------------------------
# The notes are stored as compact rows; a studio's own Score subclass fields (Cypher's Style, Blue Note's
# decisions, ...) go through a small tagged encoding of dataclasses, tuples and dicts. Floats are written with
# repr, so loading gives back exactly the Score that was rendered.

SCORE_FORMAT = 1
SCORE_FILE = "score.json"  # in the take folder, beside score.mid


class ScoreFormatError(ValueError):
    """A saved score that cannot be read back (damaged, or from an unknown version)."""


def _class_name(cls: type) -> str:
    return f"{cls.__module__}:{cls.__qualname__}"


def _load_class(name: str, base: type | None = None) -> type:
    """Only dataclasses of this package: a score file can never make us import or build anything else."""
    module, _, qual = str(name).partition(":")
    if not (module == "studios" or module.startswith("studios.")) or not qual:
        raise ScoreFormatError(f"score type {name!r} is not a studio type")
    try:
        obj: Any = importlib.import_module(module)
        for attr in qual.split("."):
            obj = getattr(obj, attr)
    except (ImportError, AttributeError) as err:
        raise ScoreFormatError(f"unknown score type {name!r}") from err
    if not (isinstance(obj, type) and is_dataclass(obj)) or (base is not None and not issubclass(obj, base)):
        raise ScoreFormatError(f"score type {name!r} is not a studio data type")
    return obj


def _encode(value: Any) -> Any:
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int | np.integer) and not isinstance(value, np.bool_):
        return int(value)
    if isinstance(value, float | np.floating):
        return float(value)
    if isinstance(value, np.bool_):
        return bool(value)
    if is_dataclass(value) and not isinstance(value, type):
        return {"$dc": _class_name(type(value)),
                "f": {f.name: _encode(getattr(value, f.name)) for f in fields(value) if f.init}}
    if isinstance(value, tuple):
        return {"$t": [_encode(v) for v in value]}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {"$d": [[_encode(k), _encode(v)] for k, v in value.items()]}
    raise TypeError(f"cannot save a {type(value).__name__} in a score file")


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "$t" in value:
        return tuple(_decode(v) for v in value["$t"])
    if "$d" in value:
        return {_decode(k): _decode(v) for k, v in value["$d"]}
    if "$dc" in value:
        cls = _load_class(value["$dc"])
        return cls(**{k: _decode(v) for k, v in value["f"].items()})
    raise ScoreFormatError(f"unreadable value in a score file: {sorted(value)[:3]}")


def score_to_dict(score: Score) -> dict[str, Any]:
    base = {f.name for f in fields(Score)}
    return {
        "format": SCORE_FORMAT, "type": _class_name(type(score)),
        "bpm": float(score.bpm), "key": score.key, "beats_per_bar": int(score.beats_per_bar),
        "total_beats": float(score.total_beats),
        "sections": [[s.name, int(s.start_bar), int(s.bars)] for s in score.sections],
        "chords": [[float(t), [int(p) for p in ps]] for t, ps in score.chords],
        "parts": [{"name": p.name, "instrument": p.instrument, "is_drum": bool(p.is_drum), "program": int(p.program),
                   "pan": float(p.pan), "gain": float(p.gain),
                   "notes": [[float(n.start), float(n.length), int(n.pitch), int(n.velocity)] for n in p.notes]}
                  for p in score.parts],
        "extra": {f.name: _encode(getattr(score, f.name)) for f in fields(score) if f.init and f.name not in base},
    }


def score_from_dict(data: dict[str, Any]) -> Score:
    if not isinstance(data, dict) or data.get("format") != SCORE_FORMAT:
        raise ScoreFormatError(f"not a score file of format {SCORE_FORMAT}")
    try:
        cls = _load_class(data["type"], Score)
        parts = [Part(p["name"], p["instrument"], [Note(*n) for n in p["notes"]], p["is_drum"], p["program"],
                      p["pan"], p["gain"]) for p in data["parts"]]
        extra = {k: _decode(v) for k, v in data["extra"].items()}
        return cls(bpm=data["bpm"], key=data["key"], beats_per_bar=data["beats_per_bar"],  # type: ignore[no-any-return]
                   total_beats=data["total_beats"], sections=[Section(*s) for s in data["sections"]],
                   chords=[(t, list(ps)) for t, ps in data["chords"]], parts=parts, **extra)
    except (KeyError, TypeError, ValueError) as err:
        if isinstance(err, ScoreFormatError):
            raise
        raise ScoreFormatError(f"damaged score file: {err}") from err


def score_to_json(score: Score) -> str:
    return json.dumps(score_to_dict(score), allow_nan=False, separators=(",", ":"))


def score_from_json(text: str | bytes) -> Score:
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ScoreFormatError(f"damaged score file: {err}") from err
    return score_from_dict(data)


def score_writer(score: Score) -> Callable[[str], None]:
    """A writer for AudioStore.write_file; the Score is encoded now, so a bad one fails before any file exists."""
    text = score_to_json(score)

    def write(path: str) -> None:
        Path(path).write_text(text, encoding="utf-8")
    return write
