"""MIDI and DAW export: exact MIDI for studio takes, basic-pitch for audio, DAWproject XML checked against
the schema's structure, Reaper RPP readable with its MIDI, the stems+MIDI zip; comments become markers."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile

import numpy as np
import pretty_midi
import pytest

from assistant.export_service import ExportService
from models.edit.audio import EditError
from models.export.dawproject import DawProjectError, check_project
from models.export.reaper import read_rpp
from tests.test_edit_support import imported_take, studio_take


@pytest.fixture(scope="module")
def lib(tmp_path_factory):
    from assistant.services import StudioServices
    from assistant.settings import StudioSettings

    services = StudioServices(StudioSettings(data_dir=tmp_path_factory.mktemp("export-data")))
    take = studio_take(services, seconds=4.0)
    services.library.comment(take.id, 2.0, "chorus starts")
    sr = 22050
    t = np.arange(sr) / sr
    tones = np.concatenate([0.3 * np.sin(2 * np.pi * f * t) for f in (440.0, 523.25, 659.25)])  # A4 C5 E5
    return services, take, imported_take(services, np.stack([tones, tones], axis=1), sr, bpm=100.0)


def test_studio_take_midi_is_its_exact_score(lib):
    services, take, _ = lib
    out = ExportService(services).midi(take.id)
    assert out.exact_midi
    pm = pretty_midi.PrettyMIDI(str(out.path))
    assert pm.get_tempo_changes()[1][0] == pytest.approx(120.0)
    assert {i.name for i in pm.instruments} == {"lead", "arp", "bass", "drums"}


def test_audio_is_transcribed_by_basic_pitch(lib):
    services, _, imported = lib
    out = ExportService(services).midi(imported.id)
    assert not out.exact_midi and out.path.exists()
    notes = sorted((n.start, n.pitch) for i in pretty_midi.PrettyMIDI(str(out.path)).instruments for n in i.notes)
    assert [p for _s, p in notes][:3] == [69, 72, 76]
    assert [round(s) for s, _p in notes][:3] == [0, 1, 2]


def test_dawproject_has_stems_midi_tempo_and_markers(lib):
    services, take, _ = lib
    out = ExportService(services).daw(take.id, "bitwig")
    with zipfile.ZipFile(out.path) as z:
        names = set(z.namelist())
        root = ET.fromstring(z.read("project.xml"))
        ET.fromstring(z.read("metadata.xml"))
    check_project(root, names)  # element order, required attributes, enumerations, IDREFs, files
    assert root.find("Transport/Tempo").get("value") == "120.0"
    tracks = root.findall("Structure/Track")
    audio = [t.get("name") for t in tracks if t.get("contentType") == "audio"]
    assert sorted(audio) == ["arp", "bass", "drums", "lead"]
    notes = root.findall(".//Notes/Note")
    pm = pretty_midi.PrettyMIDI(str(services.store.resolve(take.midi_path)))
    assert len(notes) == sum(len(i.notes) for i in pm.instruments)
    assert [(m.get("name"), m.get("time")) for m in root.findall("Arrangement/Markers/Marker")] == \
        [("chorus starts", "4.0")]  # 2 s at 120 BPM = beat 4
    assert sum(n.endswith(".wav") for n in names) == 4


def test_dawproject_checker_catches_schema_breaks():
    root = ET.fromstring('<Project version="1.0"><Application name="x" version="1"/>'
                         '<Structure><Track id="t1" contentType="audio"/></Structure>'
                         '<Arrangement id="a"><Lanes id="l"><Lanes id="l2" track="nope"/></Lanes></Arrangement>'
                         '</Project>')
    with pytest.raises(DawProjectError, match="unknown ids"):
        check_project(root, set())
    bad = ET.fromstring('<Project version="1.0"><Transport/><Application name="x" version="1"/></Project>')
    with pytest.raises(DawProjectError, match="order"):
        check_project(bad, set())


def test_reaper_project_reads_back_with_tracks_midi_and_marker(lib):
    services, take, _ = lib
    out = ExportService(services).daw(take.id, "reaper")
    with zipfile.ZipFile(out.path) as z:
        rpp = next(n for n in z.namelist() if n.endswith(".rpp"))
        project = read_rpp(z.read(rpp).decode())
        media = {n for n in z.namelist() if n.startswith("media/")}
    assert project.name == "REAPER_PROJECT" and project.value("TEMPO") == ["120", "4", "4"]
    assert project.value("MARKER")[1:3] == ["2.000000", "chorus starts"]
    tracks = project.find("TRACK")
    assert len(tracks) == 8  # four stems + four MIDI parts
    sources = [t.find("ITEM")[0].find("SOURCE")[0] for t in tracks]
    assert {s.value("FILE")[0] for s in sources if s.args == ["WAVE"]} == media
    midi = [s for s in sources if s.args == ["MIDI"]]
    pm = pretty_midi.PrettyMIDI(str(services.store.resolve(take.midi_path)))
    note_ons = sum(1 for s in midi for ln in s.lines if ln[0] == "E" and ln[2].startswith("9"))
    assert note_ons == sum(len(i.notes) for i in pm.instruments)


def test_plain_zip_for_ableton_and_fl(lib):
    services, take, _ = lib
    out = ExportService(services).daw(take.id, "ableton")
    assert out.format == "zip"
    with zipfile.ZipFile(out.path) as z:
        names = z.namelist()
        midi = pretty_midi.PrettyMIDI(io.BytesIO(z.read(next(n for n in names if n.endswith(".mid")))))
        readme = z.read("README.txt").decode()
    assert sum(n.startswith("stems/") for n in names) == 4 and len(midi.instruments) == 4
    assert "120 BPM" in readme and "chorus starts" in readme


def test_exports_are_recorded_and_unknown_formats_refused(lib):
    from sqlalchemy import select

    from library.models import Export

    services, take, _ = lib
    with pytest.raises(EditError, match="unknown export format"):
        ExportService(services).daw(take.id, "garageband")
    with services.db.session() as s:
        formats = set(s.scalars(select(Export.format).where(Export.track_id == take.id)))
    assert {"dawproject", "reaper", "zip"} <= formats
