"""Remix sliders end to end: rendered takes still meet tempo/length/loudness with extreme sliders, and
takes made from a reference record their lineage and slider values through the service, REST and CLI."""

from __future__ import annotations

import re

import pytest

from models.analysis import detect_tempo
from studios.base import GenerationRequest, StudioError
from studios.manager import CATALOGUE, StudioManager
from studios.mastering import loudness_lufs, true_peak_dbtp
from studios.remix import Remix

SR = 44100
manager = StudioManager()


@pytest.mark.parametrize("studio_id", [i.id for i in CATALOGUE])
@pytest.mark.parametrize("remix", [Remix(0.0, 1.0, 1.0, 0.0), Remix(1.0, 0.0, 0.0, 1.0)], ids=["wild", "tame"])
def test_extreme_sliders_keep_tempo_length_and_loudness(studio_id, remix):
    r = manager.get(studio_id).generate(GenerationRequest("piece", 6.0, 112, "G", seed=4, remix=remix), SR)
    assert r.audio.shape == (6 * SR, 2)
    assert abs(detect_tempo(r.audio, SR) - 112) / 112 <= 0.02
    assert abs(loudness_lufs(r.audio, SR) + 14) <= 1.0 and true_peak_dbtp(r.audio) <= -1.0


def test_reference_take_records_lineage_and_sliders(services):
    (parent,) = services.generate("chiptune dungeon", duration_s=3.0, bpm=100, key="Am", seed=1).takes
    # Genre shift 0: the reference's studio, tempo and key win over a prompt that names another genre.
    kept = services.generate("late night jazz", duration_s=3.0, seed=2, reference=parent.id,
                             melody_loyalty=1.0, genre_shift=0.0, weirdness=0.2)
    (take,) = kept.takes
    assert kept.studio.id == "chiptune" and f"#{parent.id}" in kept.studio_reason
    assert (take.parent_id, take.operation, take.bpm, take.key) == (parent.id, "generate", 100, "Am")
    assert take.params["reference"] == parent.id and take.params["melody_loyalty"] == 1.0
    assert take.params["weirdness"] == 0.2 and take.params["structure_consistency"] == 0.5
    # Genre shift 1: the prompt's studio takes over; the lineage is still recorded.
    (moved,) = services.generate("late night jazz", duration_s=3.0, seed=2, reference=parent.id,
                                 genre_shift=1.0).takes
    assert moved.studio == "bluenote" and moved.parent_id == parent.id


def test_bad_reference_or_slider_saves_nothing(services):
    with pytest.raises(StudioError, match="no track #99 to use as the reference"):
        services.generate("x", duration_s=2.0, reference=99)
    with pytest.raises(StudioError, match="weirdness must be a number from 0 to 1"):
        services.generate("x", duration_s=2.0, weirdness=3.0)
    with pytest.raises(StudioError, match="writes in 4/4 only"):
        services.generate("x", studio="ironclad", duration_s=2.0, time_signature="3/4")
    assert services.list_tracks() == []


def test_time_signature_reaches_the_take(services):
    (take,) = services.generate("a minuet", studio="virtuoso", duration_s=3.0, seed=3,
                                time_signature="3/4").takes
    assert take.params["time_signature"] == "3/4"


def test_rest_generate_takes_sliders(services):
    from fastapi.testclient import TestClient

    from assistant.api import create_app

    client = TestClient(create_app(services))
    bad = client.post("/api/generate", json={"prompt": "x", "duration_s": 2, "genre_shift": 2})
    assert bad.status_code == 422
    ok = client.post("/api/generate", json={"prompt": "chiptune", "duration_s": 2, "seed": 1,
                                            "structure_consistency": 1.0, "time_signature": "4/4"})
    assert ok.status_code == 200, ok.text
    assert "structure_consistency" in client.get("/openapi.json").text


def test_cli_generate_with_reference_and_sliders(studio_cli):
    studio_cli("generate", "chiptune level", "--duration", "2", "--seed", "1", "--bpm", "120")
    out = studio_cli("generate", "again", "--duration", "2", "--reference", "1", "--melody-loyalty", "1",
                     "--genre-shift", "0", "--weirdness", "0.6", "--structure-consistency", "0.9").stdout
    assert re.search(r"track #2\b.*120 BPM.*Chiptune studio", out)
    bad = studio_cli("generate", "x", "--duration", "2", "--time-signature", "7/3", check=False)
    assert bad.returncode == 2 and "unknown time signature" in bad.stderr and "Nothing was saved" in bad.stderr
