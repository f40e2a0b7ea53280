"""Stems: exact for studio takes; the offline split beats returning the mixture on SDR for every stem a
studio render has (true stems), and leaves the stems it lacks silent (no drums in a string orchestra, nothing
but "other" for a solo piano, vocals only with a sung line); Demucs from a local repo holding a tiny random
HTDemucs, chunked with overlap and progress."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.edit_service import EditService
from models.edit.audio import EditError
from models.edit.base import BackendUnavailable, Source
from models.edit.stems import STEMS, HpssSeparator, group_stems, part_role, sdr
from tests.sung_line import sung_line
from tests.test_edit_support import imported_take, read_take, studio_take


@pytest.fixture(scope="module")
def lib(tmp_path_factory):
    from assistant.services import StudioServices
    from assistant.settings import StudioSettings

    services = StudioServices(StudioSettings(data_dir=tmp_path_factory.mktemp("stem-data")))
    take = studio_take(services, seconds=4.0)
    audio, sr = read_take(services, take)
    return services, take, imported_take(services, audio, sr)


def test_studio_take_keeps_its_exact_stems(lib):
    services, take, _ = lib
    out = EditService(services).separate(take.id)
    assert out.take.id == take.id and set(out.stems) == {"lead", "arp", "bass", "drums"}
    assert services.tracks.count() == 2  # nothing new was made


def _render(studio: str, prompt: str, seconds: float = 4.0, seed: int = 4):
    from studios.base import GenerationRequest
    from studios.manager import StudioManager

    render = StudioManager().get(studio).generate(GenerationRequest(prompt, seconds, seed=seed), 44100)
    truth = group_stems(render.stems, {p.name: part_role(p.name, p.is_drum) for p in render.score.parts})
    return render.premaster, truth


def _level_db(x: np.ndarray, ref: np.ndarray) -> float:
    return float(10 * np.log10(np.sum(x.astype(np.float64) ** 2) / np.sum(ref.astype(np.float64) ** 2) + 1e-15))


def _split(mix: np.ndarray) -> dict[str, np.ndarray]:
    est = HpssSeparator().separate(Source(mix, 44100))
    assert set(est) == set(STEMS)
    np.testing.assert_allclose(sum(est.values()), mix, atol=2e-3)  # masks sum to one: nothing lost
    return est


def _gains(truth: dict[str, np.ndarray], est: dict[str, np.ndarray], mix: np.ndarray) -> dict[str, float]:
    return {k: sdr(truth[k], est[k]) - sdr(truth[k], mix) for k in STEMS if np.sum(truth[k] ** 2) > 0}


@pytest.mark.parametrize("studio", ["chiptune", "cypher"])
def test_hpss_split_beats_returning_the_mixture(studio):
    mix, truth = _render(studio, "beat")
    est = _split(mix)
    gains = _gains(truth, est, mix)
    assert set(gains) == {"drums", "bass", "other"}
    assert min(gains.values()) > 1.0 and np.mean(list(gains.values())) > 3.0, gains
    assert _level_db(est["vocals"], mix) < -20  # no voice in a studio render: the vocals-ish stem stays empty


def test_drumless_orchestra_gets_silent_drums_and_better_bass_and_other():
    mix, truth = _render("virtuoso", "string orchestra")
    assert np.sum(truth["drums"] ** 2) == 0 and np.sum(truth["bass"] ** 2) > 0
    est = _split(mix)
    assert _level_db(est["drums"], mix) < -40  # bow attacks are not drums
    gains = _gains(truth, est, mix)
    assert set(gains) == {"bass", "other"} and min(gains.values()) > 1.0, gains  # was -1.3 dB for "other"


def test_a_solo_instrument_comes_back_whole_as_other():
    mix, truth = _render("virtuoso", "solo piano")
    est = _split(mix)
    assert sdr(truth["other"], est["other"]) > 40
    assert all(_level_db(est[k], mix) < -40 for k in ("drums", "bass", "vocals"))


def test_a_sung_line_over_a_beat_comes_out_as_vocals():
    mix, truth = _render("cypher", "beat")
    voice = sung_line(4.0)
    voice = np.stack([voice, voice], axis=1) * np.sqrt(np.mean(mix**2) / np.mean(voice**2)) * 10 ** (-4 / 20)
    est = _split(mix + voice)
    assert sdr(voice, est["vocals"]) - sdr(voice, mix + voice) > 3.0
    assert _level_db(est["vocals"], mix + voice) > -15


def test_long_audio_is_split_in_overlapping_chunks_that_still_add_up(monkeypatch):
    from models.edit import stems

    monkeypatch.setattr(stems, "CHUNK_S", 1.5)
    monkeypatch.setattr(stems, "OVERLAP_S", 0.5)
    mix, truth = _render("virtuoso", "solo piano")
    seen: list[str] = []
    est = HpssSeparator().separate(Source(mix, 44100), lambda m, _f: seen.append(m))
    np.testing.assert_allclose(sum(est.values()), mix, atol=2e-3)
    assert [m for m in seen if m.startswith("HPSS: part")] == [f"HPSS: part {i} of 4" for i in range(1, 5)]
    assert "HPSS: no sign of bass, drums, vocals (silent stem)" in seen
    assert sdr(truth["other"], est["other"]) > 40  # the crossfades between chunks cost nothing


def test_imported_audio_gets_a_new_take_with_separated_stems(lib):
    services, _, imported = lib
    out = EditService(services).separate(imported.id, stems=["drums", "bass"])
    assert out.take.operation == "stems" and out.take.parent_id == imported.id
    row = services.tracks.get(out.take.id)
    assert [s.name for s in row.stems] == ["bass", "drums"] and {s.source for s in row.stems} == {"hpss"}
    with pytest.raises(EditError, match="not guitar"):
        EditService(services).separate(imported.id, stems=["guitar"])


@pytest.fixture(scope="module")
def demucs_repo(tmp_path_factory):
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    from models.edit.demucs_sep import save_random_htdemucs

    return save_random_htdemucs(tmp_path_factory.mktemp("demucs"), "tinyhtd", channels=8, depth=2, t_layers=1,
                                nfft=512, segment=1)


def test_demucs_from_a_local_repo_separates_with_chunks_and_progress(lib, demucs_repo, monkeypatch):
    from assistant.services import StudioServices
    from assistant.settings import StudioSettings

    services, _, imported = lib
    dm = StudioServices(StudioSettings(data_dir=services.settings.data_dir, demucs_repo=demucs_repo,
                                        demucs_model="tinyhtd"))
    seen: list[float] = []
    out = EditService(dm).separate(imported.id, progress=lambda _m, f: seen.append(f))
    assert out.backend.startswith("Demucs tinyhtd") and sorted(out.stems) == sorted(STEMS)
    assert {s.source for s in dm.tracks.get(out.take.id).stems} == {"demucs"}
    audio, sr = read_take(dm, dm.tracks.get(out.take.id))
    stem, _ = read_take(dm, dm.tracks.get(out.take.id).stems[0])
    assert stem.shape == audio.shape
    # 4 s in 1 s chunks overlapping by 25 %: 5 chunks, run in pairs, then filing (0.95) and the save's "done".
    assert seen == pytest.approx([0.4, 0.8, 1.0, 0.95, 1.0])


def test_chunked_apply_equals_the_model_on_a_single_chunk(demucs_repo):
    import torch

    from models.edit.demucs_sep import apply_chunked, load_demucs

    model = load_demucs(demucs_repo, "tinyhtd")
    mix = torch.randn(2, 44100) * 0.1
    with torch.inference_mode():
        direct = model(mix[None])[0]
    torch.testing.assert_close(apply_chunked(model, mix), direct, atol=1e-5, rtol=1e-4)


def test_missing_demucs_repo_names_the_setting(tmp_path):
    from models.edit.demucs_sep import load_demucs

    with pytest.raises(BackendUnavailable, match="STUDIO_DEMUCS_REPO"):
        load_demucs(tmp_path / "none")
    with pytest.raises(BackendUnavailable, match="not in"):
        load_demucs(tmp_path, "htdemucs")


def test_a_bag_of_models_weights_each_member_per_source(demucs_repo, tmp_path):
    """htdemucs_ft-style bag: each member is trusted for its own sources only."""
    import shutil

    from models.edit.demucs_sep import DemucsSeparator, load_demucs, save_random_htdemucs

    repo = tmp_path / "bag"
    shutil.copytree(demucs_repo, repo)
    save_random_htdemucs(repo, "tinyhtd2", seed=1, channels=8, depth=2, t_layers=1, nfft=512, segment=1)
    (repo / "tinybag.yaml").write_text("models: ['tinyhtd', 'tinyhtd2']\nweights: [[1, 0, 0, 0], [0, 1, 1, 1]]\n")
    x = (np.random.default_rng(0).standard_normal((44100, 2)) * 0.1).astype(np.float32)
    bag = DemucsSeparator(repo, "tinybag").separate(Source(x, 44100))
    first = DemucsSeparator(repo, "tinyhtd").separate(Source(x, 44100))
    second = DemucsSeparator(repo, "tinyhtd2").separate(Source(x, 44100))
    np.testing.assert_allclose(bag["drums"], first["drums"], atol=1e-5)
    np.testing.assert_allclose(bag["bass"], second["bass"], atol=1e-5)
    assert not np.allclose(first["bass"], second["bass"], atol=1e-4)  # the members really differ
    assert len(load_demucs(repo, "tinybag").models) == 2
