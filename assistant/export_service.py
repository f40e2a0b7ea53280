"""MIDI and DAW export of library takes. Files land in the take's own folder under exports/ and are
recorded in the library's exports table; nothing in the take itself changes.

MIDI is exact for studio takes (their saved score) and transcribed by basic-pitch for any other audio.
DAW projects carry the stems as audio tracks (the mix when a take has none), the MIDI parts, the tempo
and metre, and the take's comments as markers.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pretty_midi

from assistant.services import StudioServices
from library.models import Export, Track
from models.edit.audio import EditError
from models.export.bundle import write_bundle
from models.export.dawproject import write_dawproject
from models.export.project import AudioLane, ExportProject, midi_lanes
from models.export.reaper import write_reaper

FORMATS = {"dawproject": ("dawproject", write_dawproject), "reaper": ("rpp.zip", write_reaper),
           "zip": ("stems-midi.zip", write_bundle)}
ALIASES = {"bitwig": "dawproject", "studio one": "dawproject", "cubase": "dawproject", "rpp": "reaper",
           "ableton": "zip", "fl": "zip", "fl studio": "zip", "flstudio": "zip", "logic": "zip", "stems": "zip"}


@dataclass
class ExportOutcome:
    track: Track
    path: Path
    format: str
    exact_midi: bool
    notes: str


def export_format(name: str) -> str:
    f = ALIASES.get(name.strip().lower(), name.strip().lower())
    if f not in FORMATS:
        raise EditError(f"unknown export format {name!r}: choose dawproject (Bitwig, Studio One, Cubase), "
                        "reaper, or zip (stems + MIDI for Ableton Live / FL Studio)")
    return f


class ExportService:
    def __init__(self, services: StudioServices) -> None:
        self.s = services

    def _folder(self, track: Track) -> str:
        return str(Path(track.file_path).parent)

    def _record(self, track: Track, fmt: str, rel: str) -> None:
        with self.s.db.session() as s:
            s.add(Export(track_id=track.id, format=fmt[:10], file_path=rel))

    def midi(self, track_id: int) -> ExportOutcome:
        """The take's MIDI: its exact score when it has one, else a basic-pitch transcription (saved once)."""
        track = self.s.tracks.get(int(track_id))
        if track.midi_path:
            return ExportOutcome(track, self.s.store.resolve(track.midi_path), "midi", True,
                                 "the exact score the studio rendered")
        rel = f"{self._folder(track)}/exports/transcribed.mid"
        path = self.s.store.resolve(rel)
        if not path.exists():
            pm = self._transcribe(track)
            self.s.store.write_file(rel, lambda tmp: pm.write(tmp))
            self._record(track, "midi", rel)
        return ExportOutcome(track, path, "midi", False, "transcribed from the audio by basic-pitch")

    def _transcribe(self, track: Track) -> pretty_midi.PrettyMIDI:
        import soundfile as sf

        from models.transcribe import transcribe

        audio, sr = sf.read(self.s.store.resolve(track.file_path), dtype="float32", always_2d=True)
        return transcribe(audio, int(sr), track.bpm)

    def project(self, track: Track, midi: Path) -> ExportProject:
        bpb = int(str((track.params or {}).get("time_signature") or "4/4").split("/")[0])
        lanes = [AudioLane(s.name, self.s.store.resolve(s.file_path), track.channels) for s in track.stems]
        if not lanes:
            lanes = [AudioLane("mix", self.s.store.resolve(track.file_path), track.channels)]
        pm = pretty_midi.PrettyMIDI(str(midi))
        markers = [(float(c.at_s), c.text) for c in self.s.library.comments(track.id)]
        return ExportProject(track.title, float(track.bpm or 120.0), bpb, track.duration_s, track.sample_rate,
                             lanes, midi_lanes(pm), markers, midi)

    def daw(self, track_id: int, fmt: str = "dawproject") -> ExportOutcome:
        f = export_format(fmt)
        midi = self.midi(track_id)
        track = self.s.tracks.get(int(track_id))
        project = self.project(track, midi.path)
        ext, writer = FORMATS[f]
        rel = f"{self._folder(track)}/exports/track-{track.id}.{ext}"
        self.s.store.write_file(rel, lambda tmp: writer(project, Path(tmp)))
        self._record(track, f, rel)
        lanes = ", ".join(a.name for a in project.audio)
        note = (f"{len(project.audio)} audio tracks ({lanes}), {len(project.midi)} MIDI tracks "
                f"({'exact' if midi.exact_midi else 'transcribed'}), {project.bpm:g} BPM, "
                f"{len(project.markers)} markers")
        return ExportOutcome(track, self.s.store.resolve(rel), f, midi.exact_midi, note)
