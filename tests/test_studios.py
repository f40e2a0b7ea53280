"""Every genre studio, through the manager: exact length, the asked tempo and key, mastered loudness, seeds."""

from __future__ import annotations

import numpy as np
import pytest

from models.analysis import detect_key, detect_tempo, pitch_class, relative_keys, same_key
from studios.base import GenerationRequest, StudioError
from studios.manager import CATALOGUE, StudioManager
from studios.mastering import loudness_lufs, true_peak_dbtp

SR = 44100
manager = StudioManager()
STUDIOS = [i.id for i in CATALOGUE]


def closely_related(found: str, asked: str) -> bool:
    """Same key, its relative, its parallel, or a fifth away in the same mode."""
    (pf, mf), (pa, ma) = pitch_class(found), pitch_class(asked)
    return same_key(found, asked) or relative_keys(found, asked) or pf == pa or (
        mf == ma and (pf - pa) % 12 in (5, 7))


@pytest.mark.parametrize("studio_id", STUDIOS)
@pytest.mark.parametrize(("bpm", "key"), [(96, "Dm"), (150, "E")])
def test_studio_honours_the_request(studio_id, bpm, key):
    r = manager.get(studio_id).generate(GenerationRequest(f"{studio_id} piece", 8.0, bpm, key, seed=5), SR)
    assert r.audio.shape == (8 * SR, 2) and r.audio.dtype == np.float32
    assert abs(detect_tempo(r.audio, SR) - bpm) / bpm <= 0.02
    # Exact key detection over many renders is a bench figure; on one 8 s render we ask for a closely related key.
    assert closely_related(detect_key(r.audio, SR), key)
    assert abs(loudness_lufs(r.audio, SR) + 14) <= 1.0 and true_peak_dbtp(r.audio) <= -1.0
    assert r.stems and all(s.shape == r.audio.shape for s in r.stems.values())
    assert r.title and r.notes and r.bpm == bpm


@pytest.mark.parametrize("studio_id", STUDIOS)
def test_same_seed_same_audio(studio_id):
    studio = manager.get(studio_id)
    a = studio.generate(GenerationRequest("piece", 3.0, 120, "C", seed=9), SR).audio
    b = studio.generate(GenerationRequest("piece", 3.0, 120, "C", seed=9), SR).audio
    c = studio.generate(GenerationRequest("piece", 3.0, 120, "C", seed=10), SR).audio
    assert np.array_equal(a, b) and not np.array_equal(a, c)


def test_prompt_without_studio_goes_to_the_best_match():
    assert StudioManager.match("a dusty boom bap beat").id == "cypher"
    assert StudioManager.match("thrash riff with blast beats").id == "ironclad"
    assert StudioManager.match("late night bebop trio").id == "bluenote"
    assert StudioManager.match("a string quartet minuet").id == "virtuoso"
    assert StudioManager.match("8-bit dungeon").id == "chiptune"
    # moods and settings a musician names without a genre
    assert StudioManager.match("mellow background music for my cafe").id == "bluenote"
    assert StudioManager.match("chill study beats").id == "cypher"


def test_unknown_studio_is_a_clear_error():
    with pytest.raises(StudioError, match="choose one of chiptune, cypher, ironclad, bluenote, virtuoso"):
        manager.get("polka")
