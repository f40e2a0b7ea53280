"""Every studio take saves its full Score (score.json): round trip, and symbolic edits of takes that do not
re-compose from their request (remixed from a reference), of edits, and of old takes without the file."""

from __future__ import annotations

import json

import numpy as np
import pytest

from assistant.edit_service import EditService
from models.edit.symbolic import load_take, recover, saved_request
from studios.base import GenerationRequest
from studios.manager import StudioManager
from studios.score import SCORE_FILE, Note, Score, ScoreFormatError, score_from_json, score_to_json
from tests.test_edit_support import BPM, read_take, studio_take


@pytest.fixture(scope="module")
def lib(tmp_path_factory):
    from assistant.services import StudioServices
    from assistant.settings import StudioSettings

    services = StudioServices(StudioSettings(data_dir=tmp_path_factory.mktemp("score-data")))
    parent = studio_take(services)
    remixed = services.generate("boss battle finale", studio="chiptune", duration_s=6.0, bpm=BPM, seed=9,
                                reference=parent.id, melody_loyalty=1.0, weirdness=0.9).takes[0]
    return services, parent, remixed


def _score_path(services, track):
    return services.store.resolve(track.midi_path).with_name(SCORE_FILE)


def _notes(score: Score, lo: float, hi: float) -> dict[str, list[Note]]:
    return {p.name: [n for n in p.notes if lo <= n.start < hi] for p in score.parts}


@pytest.mark.parametrize("studio", ["chiptune", "cypher", "ironclad", "bluenote", "virtuoso"])
def test_score_json_round_trip_is_exact_for_every_studio(studio):
    score, _ = StudioManager().get(studio).compose_take(GenerationRequest("theme", 6.0, seed=3, time_signature=None))
    text = score_to_json(score)
    back = score_from_json(text)
    assert type(back) is type(score) and back == score  # parts, programs, sections, chords, the studio's extras
    assert [(p.instrument, p.program, p.pan, p.gain, p.is_drum) for p in back.parts] == \
        [(p.instrument, p.program, p.pan, p.gain, p.is_drum) for p in score.parts]
    assert score_to_json(back) == text


def test_damaged_or_foreign_score_files_are_refused_with_a_reason():
    with pytest.raises(ScoreFormatError, match="damaged"):
        score_from_json('{"format": 1, "type": "studios.score:Score"')
    with pytest.raises(ScoreFormatError, match="format 1"):
        score_from_json('{"format": 99}')
    data = json.loads(score_to_json(Score(bpm=120.0, key="C")))
    data["type"] = "os:system"
    with pytest.raises(ScoreFormatError, match="not a studio type"):
        score_from_json(json.dumps(data))


def test_every_take_saves_its_score_beside_its_midi(lib):
    services, parent, remixed = lib
    for take in (parent, remixed):
        saved = score_from_json(_score_path(services, take).read_text())
        assert saved.bpm == pytest.approx(BPM) and saved.key == take.key and saved.parts


def test_remixed_take_is_inpainted_symbolically_and_so_is_the_inpaint(lib):
    services, _, remixed = lib
    studio = services.studios.get("chiptune")
    request = saved_request(remixed.prompt, remixed.seed, remixed.params)
    midi = services.store.resolve(remixed.midi_path)
    assert recover(studio, request, midi) is None  # re-composing its request would not give this take back
    edit = EditService(services)

    first = edit.inpaint(remixed.id, 2.3, 3.7)
    assert "symbolic" in first.backend and first.take.duration_s == pytest.approx(6.0)
    assert (first.take.params["start_s"], first.take.params["end_s"]) == pytest.approx((2.3, 3.7))
    assert first.take.params["seams_s"] == pytest.approx([2.0, 4.0])  # bar lines at 120 BPM
    assert first.take.params["weirdness"] == pytest.approx(0.9)  # the sliders travel with the lineage
    new, sr = read_take(services, first.take)
    old, _ = read_take(services, remixed)
    assert new.shape == old.shape
    np.testing.assert_allclose(new[: int(1.9 * sr)], old[: int(1.9 * sr)], atol=2e-4)

    second = edit.inpaint(first.take.id, 0.4, 1.6)
    assert "symbolic" in second.backend and second.take.duration_s == pytest.approx(6.0)
    assert second.take.params["seams_s"] == pytest.approx([2.0])  # bar 1 from the top: one seam
    s0 = score_from_json(_score_path(services, remixed).read_text())
    s1 = score_from_json(_score_path(services, first.take).read_text())
    s2 = score_from_json(_score_path(services, second.take).read_text())
    assert _notes(s2, 4.0, 12.0) == _notes(s1, 4.0, 12.0)  # the first edit's bars are kept
    assert _notes(s1, 4.0, 8.0) != _notes(s0, 4.0, 8.0) and _notes(s2, 0.0, 4.0) != _notes(s1, 0.0, 4.0)
    twice, _ = read_take(services, second.take)
    np.testing.assert_allclose(twice[int(2.4 * sr):], new[int(2.4 * sr):], atol=2e-4)


def test_extended_take_keeps_its_merged_score_and_extends_again(lib):
    services, _, remixed = lib
    edit = EditService(services)
    longer = edit.extend(remixed.id, 2.0)
    assert "symbolic" in longer.backend and longer.take.duration_s == pytest.approx(8.0, abs=1e-3)
    saved = score_from_json(_score_path(services, longer.take).read_text())
    assert saved.total_beats == pytest.approx(16.0) and saved.sections[-1].name == "extension"
    again = edit.inpaint(longer.take.id, 6.2, 7.8)
    assert "symbolic" in again.backend and again.take.params["seams_s"] == pytest.approx([6.0])


def test_old_takes_without_a_saved_score_fall_back_to_recomposing(lib, tmp_path):
    services, parent, remixed = lib
    studio = services.studios.get("chiptune")
    # A generate saved before score.json existed: the MIDI alone, in a folder of its own.
    (tmp_path / "score.mid").write_bytes(services.store.resolve(parent.midi_path).read_bytes())
    request = saved_request(parent.prompt, parent.seed, parent.params)
    take = load_take(studio, request, tmp_path / "score.mid")
    assert take is not None and take.score == score_from_json(_score_path(services, parent).read_text())
    (tmp_path / "score.json").write_text("{not json")  # damaged: ignored, the take still re-composes
    assert load_take(studio, request, tmp_path / "score.mid") is not None
    (tmp_path / "score.mid").write_bytes(services.store.resolve(remixed.midi_path).read_bytes())
    (tmp_path / "score.json").unlink()
    assert load_take(studio, saved_request(remixed.prompt, remixed.seed, remixed.params),
                     tmp_path / "score.mid") is None  # an old remix: edited as audio, as before
    # A neural re-render of a studio take shares its MIDI but not its sound: never spliced symbolically.
    assert load_take(studio, request, services.store.resolve(parent.midi_path), "rerender") is None
