"""Reaper project (.RPP) inside a zip with its media: one track per stem (WAVE item) and per MIDI part
(in-project MIDI item: HASDATA events at 960 ticks per quarter note), tempo, metre and markers.

`read_rpp` parses the chunk tree back; tests and the exporter's own check use it.
"""

from __future__ import annotations

import shlex
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from models.export.project import ExportProject, MidiLane, safe_name

PPQ = 960


def _q(text: str) -> str:
    """One quoted RPP token: a line break (any splitlines() splits on) would cut its line in two, so it is a space."""
    return '"' + " ".join(text.replace('"', "'").splitlines()) + '"'


def midi_events(lane: MidiLane, bpm: float, channel: int) -> list[str]:
    """'E delta status data1 data2' lines (hex), note-ons before note-offs at equal ticks."""
    tick = PPQ * bpm / 60.0
    events = []
    for n in lane.notes:
        events.append((round(n.start_s * tick), 1, 0x90 | channel, n.pitch, max(1, n.velocity)))
        events.append((round(n.end_s * tick), 0, 0x80 | channel, n.pitch, 0))
    events.sort()
    lines, last = [], 0
    for t, _order, status, d1, d2 in events:
        lines.append(f"E {t - last} {status:02x} {d1:02x} {d2:02x}")
        last = t
    return lines


def rpp_text(p: ExportProject, audio_names: list[str]) -> str:
    out = ['<REAPER_PROJECT 0.1 "7.0/musicgen-pro-studio" 0', f"  TEMPO {p.bpm:g} {p.beats_per_bar} 4",
           f"  SAMPLERATE {p.sample_rate} 0 0"]
    for i, (t, text) in enumerate(p.markers):
        out.append(f"  MARKER {i + 1} {t:.6f} {_q(text[:200])} 0")
    for lane, rel in zip(p.audio, audio_names, strict=True):
        out += ["  <TRACK", f"    NAME {_q(lane.name)}", "    <ITEM", "      POSITION 0",
                f"      LENGTH {p.duration_s:.6f}", f"      NAME {_q(lane.name)}", "      <SOURCE WAVE",
                f"        FILE {_q(rel)}", "      >", "    >", "  >"]
    for i, m in enumerate(p.midi):
        channel = 9 if m.is_drum else (i % 16 if i % 16 != 9 else 10)
        end_tick = round(p.duration_s * PPQ * p.bpm / 60.0)
        events = midi_events(m, p.bpm, channel)
        used = sum(int(e.split()[1]) for e in events)
        out += ["  <TRACK", f"    NAME {_q(m.name + ' (MIDI)')}", "    <ITEM", "      POSITION 0",
                f"      LENGTH {p.duration_s:.6f}", f"      NAME {_q(m.name)}", "      <SOURCE MIDI",
                f"        HASDATA 1 {PPQ} QN", *(f"        {e}" for e in events),
                f"        E {max(0, end_tick - used)} b{channel:x} 7b 00", "      >", "    >", "  >"]
    out.append(">")
    return "\n".join(out) + "\n"


def write_reaper(p: ExportProject, dest: Path) -> Path:
    names = [f"media/{i + 1:02d}-{safe_name(a.name)}.wav" for i, a in enumerate(p.audio)]
    text = rpp_text(p, names)
    read_rpp(text)  # refuse to write a project we cannot read back
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(f"{safe_name(p.title)}.rpp", text)
        for lane, rel in zip(p.audio, names, strict=True):
            z.write(lane.path, rel)
    return dest


@dataclass
class Chunk:
    name: str
    args: list[str]
    lines: list[list[str]] = field(default_factory=list)
    children: list[Chunk] = field(default_factory=list)

    def find(self, name: str) -> list[Chunk]:
        return [c for c in self.children if c.name == name]

    def value(self, key: str) -> list[str] | None:
        return next((ln[1:] for ln in self.lines if ln and ln[0] == key), None)


class RppError(ValueError):
    pass


def read_rpp(text: str) -> Chunk:
    """The chunk tree of an .RPP file ('<NAME args' opens a chunk, '>' closes it)."""
    stack: list[Chunk] = []
    root: Chunk | None = None
    for no, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("<"):
            tokens = shlex.split(line[1:])
            chunk = Chunk(tokens[0], tokens[1:])
            if stack:
                stack[-1].children.append(chunk)
            elif root is not None:
                raise RppError(f"line {no}: a second top-level chunk")
            else:
                root = chunk
            stack.append(chunk)
        elif line == ">":
            if not stack:
                raise RppError(f"line {no}: '>' closes nothing")
            stack.pop()
        elif not stack:
            raise RppError(f"line {no}: text outside the project chunk")
        else:
            stack[-1].lines.append(shlex.split(line))
    if root is None or stack:
        raise RppError("unbalanced chunks: the project is truncated")
    return root
