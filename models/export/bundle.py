"""A plain zip of stems + MIDI for Ableton Live / FL Studio users (drag the files onto the timeline).

No .als / .flp is written: those formats are closed and we cannot verify a set opens correctly.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from models.export.project import ExportProject, safe_name


def write_bundle(p: ExportProject, dest: Path) -> Path:
    readme = (f"{p.title}\n{p.bpm:g} BPM, {p.beats_per_bar}/4, {p.duration_s:.2f} s at {p.sample_rate} Hz.\n"
              "Set your project to this tempo and drop every file at bar 1: stems/ are audio, midi/ the parts.\n")
    if p.markers:
        readme += "Markers:\n" + "".join(f"  {t:8.2f} s  {text}\n" for t, text in p.markers)
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("README.txt", readme)
        for i, lane in enumerate(p.audio):
            z.write(lane.path, f"stems/{i + 1:02d}-{safe_name(lane.name)}.wav")
        if p.midi_file is not None:
            z.write(p.midi_file, f"midi/{safe_name(p.title)}.mid")
    return dest
