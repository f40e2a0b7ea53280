"""End to end through the service layer: the file in the library is the take that was asked for."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf

from studios.base import StudioError
from tests.audio_checks import detected_tempo, rms_dbfs, tempo_error
from tests.conftest import files_under


def test_twenty_seconds_at_140_bpm(services):
    result = services.generate("chiptune boss battle", duration_s=20, bpm=140)
    (track,) = result.takes
    path = services.track_path(track)
    audio, sr = sf.read(path, always_2d=True)
    assert path.is_file() and path.is_relative_to(services.settings.data_dir)
    assert abs(audio.shape[0] / sr - 20.0) <= 0.010
    assert tempo_error(detected_tempo(audio, sr), 140) <= 0.02
    assert rms_dbfs(audio) > -30, "the take is (nearly) silent"
    assert np.max(np.abs(audio)) < 0.999, "the take clips"
    row = services.get_track(track.id)
    assert (row.duration_s, row.bpm, row.studio, row.operation) == (pytest.approx(20.0), 140, "chiptune", "generate")
    assert {s.name for s in row.stems} >= {"drums", "bass"}
    assert services.store.resolve(row.midi_path).is_file()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"duration_s": 0}, "duration 0 s is out of range"), ({"duration_s": -5}, "duration -5 s is out of range"),
     ({"duration_s": 3600}, "duration 3600 s is out of range"), ({"bpm": 0}, "tempo 0 BPM is out of range"),
     ({"bpm": 1000}, "tempo 1000 BPM is out of range"), ({"key": "H#"}, "unknown key"),
     ({"studio": "polka"}, "unknown studio")],
)
def test_bad_requests_write_nothing(services, kwargs, message):
    with pytest.raises(StudioError, match=message):
        services.generate("chiptune", **{"duration_s": 10, **kwargs})
    assert services.tracks.count(include_trashed=True) == 0
    assert files_under(services.store.root) == []


def test_variations_get_distinct_seeds_and_music(services):
    result = services.generate("dungeon theme", duration_s=4, bpm=120, seed=11, variations=2)
    a, b = (sf.read(services.track_path(t))[0] for t in result.takes)
    assert [t.seed for t in result.takes] == [11, 12]
    assert not np.array_equal(a, b)


def test_prompt_picks_the_studio_and_says_why(services):
    result = services.generate("a retro arcade level", duration_s=3)
    assert result.studio.id == "chiptune" and "prompt" in result.studio_reason
