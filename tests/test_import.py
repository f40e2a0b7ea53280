"""Importing audio (files, folders, old metadata sidecars): autolabelled, idempotent, reasons for every skip."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from library.repository import TrackFilter
from tests.library_fixtures import freq, groove, write

A_MINOR = (freq("A", 3), freq("C", 4), freq("E", 4))
G_MAJOR = (freq("G", 3), freq("B", 3), freq("D", 4))


@pytest.fixture(scope="module")
def old_app(tmp_path_factory) -> Path:
    """The old app's layout: output/*.wav|flac|ogg + metadata/*.json, with the usual accidents."""
    root = tmp_path_factory.mktemp("old-app")
    write(root / "output" / "boss.wav", groove(150, A_MINOR, timbre="square"))
    write(root / "output" / "waltz.flac", groove(96, G_MAJOR), fmt="FLAC")
    write(root / "output" / "rain.ogg", groove(80, A_MINOR), fmt="OGG")
    meta = root / "metadata"
    meta.mkdir()
    sidecars = {
        "001.json": {"title": "Boss Battle", "prompt": "8-bit chiptune boss battle", "genre": "chiptune",
                     "bpm": 150, "key": "A minor", "mood": "energetic", "file": "output/boss.wav"},
        "002.json": {"title": "Garden Waltz", "prompt": "gentle string waltz", "genre": "classical",
                     "bpm": "slow", "key": "H", "mood": "wistful", "file": "output/waltz.flac"},
        "003.json": {"title": "Rain", "prompt": "lofi hip hop beat", "genre": "lofi", "file": "../output/rain.ogg"},
        "004.json": {"title": "Lost", "file": "output/never-rendered.wav"},
        "005.json": {"title": "No file field"},
        "006.json": ["not", "an", "object"],
    }
    for name, body in sidecars.items():
        (meta / name).write_text(json.dumps(body))
    (meta / "007.json").write_text('{"title": "truncated", "file": "output/bo')
    (meta / "008.json").write_bytes(b"\xff\xfe\x00garbage")
    (meta / "notes.txt").write_text("not a sidecar")
    return root


def test_sidecar_migration_imports_good_ones_reports_every_skip_and_is_idempotent(services, old_app):
    report = services.library.import_sidecars(old_app / "metadata")
    assert len(report.imported) == 3
    skipped = {Path(p).name: why for p, why in report.skipped}
    assert set(skipped) == {"004.json", "005.json", "006.json", "007.json", "008.json"}
    assert "does not exist" in skipped["004.json"] and "no 'file' field" in skipped["005.json"]
    assert "JSON object" in skipped["006.json"] and "not valid JSON" in skipped["007.json"]
    assert "UTF-8" in skipped["008.json"]
    notes = " ".join(n for _, n in report.notes)
    assert "'slow' is not a number" in notes and "'H' is not a key" in notes

    by_title = {t.title: t for t in services.list_tracks(TrackFilter(sort="title"))}
    boss, waltz, rain = by_title["Boss Battle"], by_title["Garden Waltz"], by_title["Rain"]
    assert (boss.studio, boss.bpm, boss.key, boss.mood, boss.operation) == ("chiptune", 150, "Am", "energetic",
                                                                            "import")
    assert waltz.studio == "virtuoso" and abs(waltz.bpm - 96) / 96 < 0.05  # bad bpm → detected from audio
    assert waltz.key in ("G", "Em") and "wistful" in [t.name for t in waltz.tags]
    assert rain.studio == "cypher" and "lofi" in [t.name for t in rain.tags]
    assert services.track_path(waltz).suffix == ".flac" and services.track_path(waltz).is_relative_to(
        services.store.root)

    again = services.library.import_sidecars(old_app / "metadata")
    assert again.imported == [] and services.tracks.count() == 3
    assert sum("already in the library as track #" in why for _, why in again.skipped) == 3


def test_folder_import_autolabels_tempo_key_energy_and_skips_junk(services, old_app, tmp_path):
    write(tmp_path / "in" / "drive.wav", groove(128, A_MINOR, timbre="saw"))
    (tmp_path / "in" / "broken.wav").write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunk")
    write(tmp_path / "in" / "blip.wav", groove(120, A_MINOR, seconds=0.1))
    report = services.library.import_paths([tmp_path / "in", tmp_path / "missing.wav",
                                            old_app / "metadata" / "notes.txt"], tags=["crate"])
    assert [Path(p).name for p, _ in report.imported] == ["drive.wav"]
    why = {Path(p).name: w for p, w in report.skipped}
    assert "not readable audio" in why["broken.wav"] and "0.25 s" in why["blip.wav"]
    assert why["missing.wav"] == "no such file or folder" and "not an audio file" in why["notes.txt"]
    (drive_id,) = [i for _, i in report.imported]
    t = services.library.get(drive_id)
    assert abs(t.bpm - 128) / 128 < 0.04 and t.key in ("Am", "C")
    assert 0 < t.energy <= 1 and t.mood and [x.name for x in t.tags] == ["crate"]
    assert t.duration_s == pytest.approx(6.0, abs=0.01) and t.params["autolabel"]["bpm"] == t.bpm
